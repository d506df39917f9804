// docs/API.md is generated from the contract (`npm run docs:api`): it must say what the contract says now.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, EVENT_NAMES, methods } from '../../shared/contract';
import { renderApiDocs } from '../../shared/contract/api-docs';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('docs/API.md', () => {
  it('is what `npm run docs:api` writes from the contract today (run it after changing shared/contract/)', () => {
    expect(fs.readFileSync(path.join(root, 'docs', 'API.md'), 'utf8') === renderApiDocs(), 'docs/API.md is stale: run `npm run docs:api`').toBe(true);
  });

  it('documents every method with its doc line and every event', () => {
    const docs = renderApiDocs();
    for (const name of METHOD_NAMES) {
      expect(docs, name).toContain(`### ${name}\n\n${methods[name].doc}\n`);
    }
    for (const name of EVENT_NAMES) expect(docs, name).toContain(`### ${name}\n`);
  });

  it('shows each input field with its constraints', () => {
    const section = renderApiDocs().split('### runs.start\n')[1].split('\n### ')[0];
    expect(section).toContain('"language"');
    expect(section).toContain('"pattern": "^[A-Za-z0-9_-]{1,64}$"');
    expect(section).toMatch(/"required": \[\s*"code",\s*"language"\s*\]/);
  });
});
