// Writes the sandbox runtime (node and python runners, the workspace listing script) into e2b/runtime/ so that
// e2b.Dockerfile bakes them into the template; run it before `e2b template build` (see e2b/README.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeFiles } from '../electron/engine/sandbox/e2b-backend';

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'runtime');
mkdirSync(out, { recursive: true });
const files = runtimeFiles();
for (const [name, text] of Object.entries(files)) writeFileSync(path.join(out, name), text);
console.log(`wrote ${Object.keys(files).join(', ')} to ${out}`);
