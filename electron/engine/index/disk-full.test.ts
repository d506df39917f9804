// A full disk under the search index: the write that hits it fails with the sentence every full disk gets, naming
// the index's folder; what was committed before stays whole and searchable; the process carries on.
// Mounting a small tmpfs needs root (CAP_SYS_ADMIN); without it the test says why it did not run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskFullError } from '../disk-full';
import { SearchIndex } from './search-index';
import { notePage } from './test-fixtures';

let disk: string;
let mountProblem: string | undefined;

beforeAll(() => {
  disk = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-index-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk], { stdio: 'pipe' });
  } catch (error) {
    mountProblem = `cannot mount a 2 MB tmpfs here (${(error as Error).message.split('\n')[0]})`;
  }
});

afterAll(() => {
  if (!mountProblem) execFileSync('umount', ['-l', disk]);
  fs.rmSync(disk, { recursive: true, force: true });
});

/** A page of distinct words, so FTS5 cannot store it in a few bytes. */
function bulkyPage(n: number) {
  const words = Array.from({ length: 400 }, (_, i) => `w${n}x${i}y${(n * 7919 + i * 104729) % 1000003}`).join(' ');
  return notePage(`pages/bulk-${n}.md`, `- page ${n} ${words}\n`);
}

describe('the search index on a full disk', () => {
  it('says the disk holding its folder is full, keeps the committed pages whole and stays usable', (context) => {
    if (mountProblem) context.skip(mountProblem);
    const folder = path.join(disk, 'data');
    fs.mkdirSync(folder);
    const index = SearchIndex.open(path.join(folder, 'index.sqlite'));
    try {
      index.replacePages([notePage('pages/kept.md', '- the kept marmalade page\n')], []);
      let failure: unknown;
      let committed = 1;
      for (let n = 0; n < 2000 && failure === undefined; n++) {
        try {
          index.applyEvents([{ type: 'added', page: bulkyPage(n) }]);
          committed++;
        } catch (error) {
          failure = error;
        }
      }
      expect(failure).toBeInstanceOf(DiskFullError);
      expect((failure as Error).message).toMatch(new RegExp(`^the disk holding ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is full`));
      // The failed batch rolled back: every page is there or not at all, and the file is sound.
      expect(index.status().pages).toBe(committed);
      expect(index.verify()).toEqual([]);
      expect(index.search('marmalade').hits.map((hit) => hit.key)).toEqual(['pages/kept.md']);
    } finally {
      index.close();
    }
  });
});
