// Specification of the write protocol against editors working at the same time: journals are appended in place
// on raw bytes (nothing re-encoded), a file still being written is never taken as content, and the inode an
// editor holds open is never replaced under it.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Graph } from './graph';

let root: string;
let graph: Graph;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-protocol-'));
  await fs.mkdir(path.join(root, 'logseq'), { recursive: true });
  await fs.mkdir(path.join(root, 'journals'), { recursive: true });
  await fs.writeFile(path.join(root, 'logseq/config.edn'), '{:file/name-format :triple-lowbar}');
  graph = await Graph.open(root);
});

afterEach(async () => {
  await graph.close();
  await fs.rm(root, { recursive: true, force: true });
});

describe('journal appends', () => {
  it('keep bytes that are not UTF-8 exactly as the user wrote them', async () => {
    const day = new Date(2024, 4, 20);
    const file = path.join(root, 'journals/2024_05_20.md');
    // "- caf\xe9 na\xefve" in Windows-1252: not valid UTF-8.
    const userBytes = Buffer.concat([Buffer.from('- caf'), Buffer.from([0xe9]), Buffer.from(' na'), Buffer.from([0xef]), Buffer.from('ve\n')]);
    await fs.writeFile(file, userBytes);
    await graph.writer.appendJournalBlocks(day, [{ text: 'Saved skill [[Skills/a]]' }]);
    const after = await fs.readFile(file);
    expect(after.subarray(0, userBytes.length).equals(userBytes)).toBe(true);
    expect(after.subarray(userBytes.length).toString('utf8')).toContain('Saved skill [[Skills/a]]');
  });

  it('write into the file an editor holds open, so a save through that handle is not lost', async () => {
    const day = new Date(2024, 4, 21);
    const file = path.join(root, 'journals/2024_05_21.md');
    await fs.writeFile(file, '- first\n');
    const inode = (await fs.stat(file)).ino;
    const editor = await fs.open(file, 'r+');
    await graph.writer.appendJournalBlocks(day, [{ text: 'ours' }]);
    expect((await fs.stat(file)).ino).toBe(inode);
    // The editor saves its buffer (which now must include our entry to keep it) through the handle it had open.
    const current = await fs.readFile(file, 'utf8');
    await editor.write(`${current}- the user's line\n`, 0);
    await editor.close();
    const final = await fs.readFile(file, 'utf8');
    expect(final).toContain('- first');
    expect(final).toContain('ours');
    expect(final).toContain("the user's line");
  });
});

describe('reads while an editor writes', () => {
  it('wait for a half-written page to settle before changing it', async () => {
    const file = path.join(root, 'pages/Busy.md');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '- before\n');
    // The editor saves as writeFileSync does: truncate, then write in two halves through the handle it opened.
    const editor = await fs.open(file, 'w');
    const editorDone = (async () => {
      await editor.write('- the user');
      await new Promise((resolve) => setTimeout(resolve, 30));
      await editor.write("'s whole page\n");
      await editor.close();
    })();
    const update = graph.writer.updateFile('pages/Busy.md', (current) => `${current ?? ''}- ours\n`);
    await Promise.all([editorDone, update]);
    const final = await fs.readFile(file, 'utf8');
    expect(final).toContain("- the user's whole page");
    expect(final).toContain('- ours');
  });
});
