// Specification of page renames as Logseq 0.10 does them: namespace children move with the page,
// references to any of them follow, `title::` stays right, case-only renames touch the page alone,
// and a rename either moves every file or none (or says exactly which files moved).
import { promises as fs, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mldocView } from '../../test/mldoc-oracle';
import { Graph } from './graph';
import { GraphFormatError, GraphRenameIncompleteError, PageAliasTakenError, PageExistsError } from './errors';
import { GraphWriter, type GraphStore } from './writer';
import { closeTestGraph, openTestGraph, writeGraphFile } from './test-fixtures';

let root: string;
let graph: Graph;

const write = (rel: string, content: string): Promise<void> => writeGraphFile(root, rel, content);
const read = (rel: string): Promise<string> => fs.readFile(path.join(root, rel), 'utf8');
const present = (rel: string): Promise<boolean> => fs.access(path.join(root, rel)).then(() => true, () => false);
const pageFiles = async (): Promise<string[]> => (await fs.readdir(path.join(root, 'pages'))).sort();

beforeEach(async () => {
  ({ root, graph } = await openTestGraph('graph-rename-', {
    'pages/Old.md': '- the parent\n',
    'pages/Old___Child.md': '- child of [[Old]]\n',
    'pages/Old___Child___Deep.md': 'type:: note\n\n- grandchild\n',
    // The namespace name appears again below it: only the prefix may change (Logseq's work/worklog case).
    'pages/Old___Oldlog.md': '- log\n',
    'pages/Old___Notes.org': '* an org-mode child keeps its format\n',
    'pages/Older.md': '- a different page whose name starts the same\n',
    'pages/Referrer.md': 'tags:: Old/Child, misc\nalias:: Old ref\n\n- see [[Old]], [[old/child]], #Old/Child/Deep and [[Old/Ghost]]\n- not [[Older]] nor [[Oldish/x]]\n  ```\n  [[Old/Child]] in code stays\n  ```\n',
  }));
});

afterEach(() => closeTestGraph(root, graph));

describe('renaming a namespace', () => {
  it('moves the page and all its namespace children, and rewrites every reference to them', async () => {
    const result = await graph.writer.renamePage('old', 'New');
    expect(result.path).toBe('pages/New.md');
    expect(result.moved.map((m) => `${m.from} -> ${m.to}`).sort()).toEqual([
      'pages/Old.md -> pages/New.md',
      'pages/Old___Child.md -> pages/New___Child.md',
      'pages/Old___Child___Deep.md -> pages/New___Child___Deep.md',
      'pages/Old___Notes.org -> pages/New___Notes.org',
      'pages/Old___Oldlog.md -> pages/New___Oldlog.md',
    ]);
    expect(await pageFiles()).toEqual(['New.md', 'New___Child.md', 'New___Child___Deep.md', 'New___Notes.org', 'New___Oldlog.md', 'Older.md', 'Referrer.md']);
    expect(await read('pages/New___Notes.org')).toBe('* an org-mode child keeps its format\n');
    expect(await read('pages/New___Child___Deep.md')).toBe('type:: note\n\n- grandchild\n');
    // The child's own reference to its parent follows the parent.
    expect(await read('pages/New___Child.md')).toBe('- child of [[New]]\n');

    const referrer = await read('pages/Referrer.md');
    expect(referrer).toBe(
      'tags:: New/Child, misc\nalias:: Old ref\n\n- see [[New]], [[New/Child]], #New/Child/Deep and [[New/Ghost]]\n- not [[Older]] nor [[Oldish/x]]\n  ```\n  [[Old/Child]] in code stays\n  ```\n',
    );
    expect(result.updatedPaths.sort()).toEqual(['pages/New___Child.md', 'pages/Referrer.md']);
    expect(result.failed).toEqual([]);
    // Logseq's own parser reads the rewritten page as intended.
    const view = mldocView(referrer);
    expect(view.pageProperties.tags).toBe('New/Child, misc');
    expect(view.blocks[0].title).toBe('see [[New]], [[New/Child]], #New/Child/Deep and [[New/Ghost]]');

    expect(graph.getByName('new/child/deep')?.path).toBe('pages/New___Child___Deep.md');
    expect(graph.getByName('new/oldlog')?.title).toBe('New/Oldlog');
    expect(graph.getByName('old/child')).toBeUndefined();
    expect(graph.getByName('older')?.path).toBe('pages/Older.md');
  });

  it('writes title:: on every moved page whose file name cannot carry its new title', async () => {
    // A legacy-format graph: `.` in a file name reads back as `/`, so `v1.2` needs a title:: property.
    await graph.close();
    await fs.rm(root, { recursive: true, force: true });
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-rename-legacy-'));
    await write('logseq/config.edn', '{}');
    await write('pages/Old.md', '- the parent\n');
    await write('pages/Old.Child.md', '- child of [[Old]]\n');
    await write('pages/Old%2FTitled.md', 'title:: Old/Titled\ntype:: note\n\n- kept title\n');
    await write('pages/Referrer.md', '- see [[Old/Child]] and [[Old/Titled]]\n');
    graph = await Graph.open(root);
    expect(graph.getByName('old/child')?.path).toBe('pages/Old.Child.md');

    const result = await graph.writer.renamePage('Old', 'v1.2');
    expect(result.path).toBe('pages/v1.2.md');
    expect(await read('pages/v1.2.md')).toBe('title:: v1.2\n- the parent\n');
    const child = await read('pages/v1.2%2FChild.md');
    expect(child).toBe('title:: v1.2/Child\n- child of [[v1.2]]\n');
    expect(mldocView(child).pageProperties.title).toBe('v1.2/Child');
    const titled = await read('pages/v1.2%2FTitled.md');
    expect(titled).toBe('title:: v1.2/Titled\ntype:: note\n\n- kept title\n');
    expect(mldocView(titled).pageProperties).toEqual({ title: 'v1.2/Titled', type: 'note' });
    expect(await read('pages/Referrer.md')).toBe('- see [[v1.2/Child]] and [[v1.2/Titled]]\n');
    expect(graph.getByName('v1.2/child')?.path).toBe('pages/v1.2%2FChild.md');
    expect(graph.getByName('old/child')).toBeUndefined();
  });

  it('renames only the page itself when only its case changes, as Logseq does', async () => {
    const result = await graph.writer.renamePage('Old', 'OLD');
    expect(result.moved).toEqual([{ from: 'pages/Old.md', to: 'pages/OLD.md' }]);
    expect(await pageFiles()).toEqual(['OLD.md', 'Old___Child.md', 'Old___Child___Deep.md', 'Old___Notes.org', 'Old___Oldlog.md', 'Older.md', 'Referrer.md']);
    expect(await read('pages/Referrer.md')).toContain('- see [[OLD]], [[old/child]], #Old/Child/Deep and [[Old/Ghost]]');
    expect(graph.getByName('old')?.title).toBe('OLD');
  });

  it('moves a namespace one level down, deepest pages first, even onto the name of its own child', async () => {
    await write('pages/Old___Archive.md', '- was a child named Archive\n');
    await graph.close();
    graph = await Graph.open(root);
    await graph.writer.renamePage('Old', 'Old/Archive');
    expect(await read('pages/Old___Archive.md')).toBe('- the parent\n');
    expect(await read('pages/Old___Archive___Archive.md')).toBe('- was a child named Archive\n');
    expect(await read('pages/Old___Archive___Child___Deep.md')).toBe('type:: note\n\n- grandchild\n');
    expect(await read('pages/Old___Archive___Child.md')).toBe('- child of [[Old/Archive]]\n');
    expect(await read('pages/Referrer.md')).toContain('- see [[Old/Archive]], [[Old/Archive/Child]], #Old/Archive/Child/Deep and [[Old/Archive/Ghost]]');
    expect(graph.getByName('old/archive/archive')?.blocks[0].text).toBe('was a child named Archive');
  });

  it('moves children out of the way first when a namespace shrinks onto its own children', async () => {
    await write('pages/a___b.md', '- b\n');
    await write('pages/a___b___c.md', '- c\n');
    await write('pages/a___b___b___c.md', '- b/c\n');
    await graph.close();
    graph = await Graph.open(root);
    await graph.writer.renamePage('a/b', 'a');
    expect(await read('pages/a.md')).toBe('- b\n');
    expect(await read('pages/a___c.md')).toBe('- c\n');
    expect(await read('pages/a___b___c.md')).toBe('- b/c\n');
    expect(graph.getByName('a/b/c')?.blocks[0].text).toBe('b/c');
  });
});

describe('renames that cannot be done', () => {
  it('refuses, moving nothing, when a child would land on an existing page', async () => {
    await write('pages/New___Child.md', '- already here\n');
    await graph.close();
    graph = await Graph.open(root);
    const error = await graph.writer.renamePage('Old', 'New').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageExistsError);
    expect((error as Error).message).toMatch(/New\/Child/);
    expect(await present('pages/Old.md')).toBe(true);
    expect(await present('pages/Old___Child___Deep.md')).toBe(true);
    expect(await read('pages/New___Child.md')).toBe('- already here\n');
  });

  it('puts every moved file back when a later move fails, so no half-renamed namespace is left', async () => {
    // Logseq creates the target page after we loaded the graph: the store does not know it, the disk does.
    await write('pages/Newer.md', '- created meanwhile in Logseq\n');
    const error = await graph.writer.renamePage('Old', 'Newer').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageExistsError);
    expect(await pageFiles()).toEqual(['Newer.md', 'Old.md', 'Old___Child.md', 'Old___Child___Deep.md', 'Old___Notes.org', 'Old___Oldlog.md', 'Older.md', 'Referrer.md']);
    expect(await read('pages/Newer.md')).toBe('- created meanwhile in Logseq\n');
    expect(await read('pages/Referrer.md')).toContain('[[old/child]]');
    expect(graph.getByName('old/child/deep')?.path).toBe('pages/Old___Child___Deep.md');
  });

  it('says exactly which files moved when a failed rename cannot be undone', async () => {
    // Logseq acts between our moves: it creates the target of the last move and, in the same instant,
    // re-creates an already-moved child at its old path (someone typing into the old page), so undoing fails.
    let injected = false;
    const store: GraphStore = {
      config: graph.config,
      settle: graph.settle,
      pages: () => graph.pages(),
      getByName: (name) => graph.getByName(name),
      getByPath: (rel) => graph.getByPath(rel),
      diskPath: (rel) => {
        if (rel === 'pages/New.md' && !injected) {
          injected = true;
          writeFileSync(path.join(root, 'pages/New.md'), '- created in Logseq\n');
          writeFileSync(path.join(root, 'pages/Old___Child.md'), '- typed into the old page\n');
          // ... and the moved child is edited too, so it is no longer merely the version that save replaced.
          writeFileSync(path.join(root, 'pages/New___Child.md'), '- child of [[Old]]\n- edited after the move\n');
        }
        return graph.diskPath(rel);
      },
      noteWritten: (rel, content) => graph.noteWritten(rel, content),
      noteRenamed: (from, to, content) => graph.noteRenamed(from, to, content),
      noteRemoved: (rel) => graph.noteRemoved(rel),
    };
    const error = await new GraphWriter(store).renamePage('Old', 'New').catch((e: unknown) => e);
    expect(injected).toBe(true);
    expect(error).toBeInstanceOf(GraphRenameIncompleteError);
    expect((error as GraphRenameIncompleteError).moved).toEqual([{ from: 'pages/Old___Child.md', to: 'pages/New___Child.md' }]);
    expect((error as Error).message).toMatch(/pages\/Old___Child\.md -> pages\/New___Child\.md/);
    // Everything else went back; nothing was overwritten.
    expect(await pageFiles()).toEqual(['New.md', 'New___Child.md', 'Old.md', 'Old___Child.md', 'Old___Child___Deep.md', 'Old___Notes.org', 'Old___Oldlog.md', 'Older.md', 'Referrer.md']);
    expect(await read('pages/New___Child.md')).toBe('- child of [[Old]]\n- edited after the move\n');
    expect(await read('pages/Old___Child.md')).toBe('- typed into the old page\n');
    expect(await read('pages/New.md')).toBe('- created in Logseq\n');
    expect(graph.getByPath('pages/New___Child.md')?.title).toBe('New/Child');
    expect(graph.getByPath('pages/Old___Child___Deep.md')?.title).toBe('Old/Child/Deep');
  });

  it('refuses a name that another page already carries as an alias, but follows alias:: mentions of the page', async () => {
    const error = await graph.writer.renamePage('Old', 'old REF').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageAliasTakenError);
    expect((error as Error).message).toMatch(/alias of the page in pages\/Referrer\.md/);
    expect(await present('pages/Old.md')).toBe(true);

    // A child landing on an alias is caught too, before anything moves.
    await write('pages/Elsewhere.md', 'alias:: Fresh/Child, Old\n\n- x\n');
    await graph.close();
    graph = await Graph.open(root);
    await expect(graph.writer.renamePage('Old', 'Fresh')).rejects.toBeInstanceOf(PageAliasTakenError);
    expect(await present('pages/Old___Child.md')).toBe(true);

    await graph.writer.renamePage('Old', 'Renamed');
    const elsewhere = await read('pages/Elsewhere.md');
    expect(elsewhere).toBe('alias:: Fresh/Child, Renamed\n\n- x\n');
    expect(mldocView(elsewhere).pageProperties.alias).toBe('Fresh/Child, Renamed');
  });


  it('refuses an empty new title with a clear error, moving nothing', async () => {
    await expect(graph.writer.renamePage('Old', ' / ')).rejects.toBeInstanceOf(GraphFormatError);
    expect(await present('pages/Old.md')).toBe(true);
  });
});
