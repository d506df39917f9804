// `npm run docs:api`: writes docs/API.md from the contract (shared/contract/api-docs.ts renders it).
import fs from 'node:fs';
import path from 'node:path';
import { renderApiDocs } from '../shared/contract/api-docs';

const file = path.resolve(import.meta.dirname, '..', 'docs', 'API.md');
fs.writeFileSync(file, renderApiDocs());
console.log(`Wrote ${path.relative(process.cwd(), file)}`);
