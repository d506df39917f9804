// Folder mirroring by content hash, on a real pair of folders: the same planSync/applySync the E2B backend runs
// between the host and a sandbox, here with a second local folder standing for the sandbox's filesystem.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderTree, SyncError, applySync, planSync, snapshotFromJson, transferTimeoutMs, type TreeSnapshot } from './e2b-sync';
import { SNAPSHOT_SCRIPT } from './e2b-tree';

let base: string;
let hostDir: string;
let remoteDir: string;

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'sg-sync-'));
  hostDir = path.join(base, 'host');
  remoteDir = path.join(base, 'remote');
  mkdirSync(hostDir);
  mkdirSync(remoteDir);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function put(root: string, files: Record<string, string>): void {
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  }
}

function contents(root: string, snapshot: TreeSnapshot): Record<string, string> {
  return Object.fromEntries([...snapshot.keys()].sort().map((relative) => [relative, readFileSync(path.join(root, relative), 'utf8')]));
}

/** Syncs `from` into `to`, given what `to` held (`known`), as the backend does; returns the plan and the new snapshot. */
async function mirror(from: LocalFolderTree, to: LocalFolderTree, known: TreeSnapshot) {
  const source = await from.snapshot();
  const plan = planSync(source, known);
  const report = await applySync(plan, source, from, to);
  return { plan, report, source };
}

describe('planSync', () => {
  it('writes new and changed files, removes files the source no longer has, and leaves equal ones alone', () => {
    const known: TreeSnapshot = new Map([
      ['same.txt', { size: 1, sha256: 'a' }],
      ['changed.txt', { size: 1, sha256: 'b' }],
      ['gone.txt', { size: 1, sha256: 'c' }],
    ]);
    const source: TreeSnapshot = new Map([
      ['same.txt', { size: 1, sha256: 'a' }],
      ['changed.txt', { size: 1, sha256: 'B' }],
      ['new/file.txt', { size: 1, sha256: 'd' }],
    ]);
    expect(planSync(source, known)).toEqual({ write: ['changed.txt', 'new/file.txt'], remove: ['gone.txt'] });
    expect(planSync(source, source)).toEqual({ write: [], remove: [] });
  });
});

describe('upload to the sandbox, incremental by content hash', () => {
  it('sends everything the first time, then only what changed since the sandbox last saw it', async () => {
    put(hostDir, { 'servers/everything/echo.ts': 'echo', 'servers/everything/index.ts': 'index', 'notes/a.md': 'a', 'notes/b.md': 'b' });
    const host = new LocalFolderTree(hostDir);
    const remote = new LocalFolderTree(remoteDir);
    const first = await mirror(host, remote, new Map());
    expect(first.plan.write).toHaveLength(4);
    expect(contents(remoteDir, await remote.snapshot())).toEqual(contents(hostDir, first.source));

    const untouched = statSync(path.join(remoteDir, 'notes/a.md')).mtimeMs;
    put(hostDir, { 'notes/b.md': 'b changed', 'notes/c.md': 'c' });
    rmSync(path.join(hostDir, 'servers/everything/echo.ts'));
    const second = await mirror(host, remote, first.source);
    expect(second.plan).toEqual({ write: ['notes/b.md', 'notes/c.md'], remove: ['servers/everything/echo.ts'] });
    expect(second.report.bytes).toBe('b changed'.length + 1);
    expect(contents(remoteDir, await remote.snapshot())).toEqual({ 'notes/a.md': 'a', 'notes/b.md': 'b changed', 'notes/c.md': 'c', 'servers/everything/index.ts': 'index' });
    expect(statSync(path.join(remoteDir, 'notes/a.md')).mtimeMs).toBe(untouched);
    expect(existsSync(path.join(remoteDir, 'servers/everything/echo.ts'))).toBe(false);

    const third = await mirror(host, remote, second.source);
    expect(third.plan).toEqual({ write: [], remove: [] });
  });

  it('notices a change that keeps the size and the modification time (hashes, not timestamps)', async () => {
    put(hostDir, { 'state.json': '{"n":1}' });
    const host = new LocalFolderTree(hostDir);
    const before = await host.snapshot();
    const { mtime } = statSync(path.join(hostDir, 'state.json'));
    writeFileSync(path.join(hostDir, 'state.json'), '{"n":2}');
    utimesSync(path.join(hostDir, 'state.json'), mtime, mtime);
    // The hash cache keys on size and mtime; a rewrite with both equal is caught by a fresh tree (the next process).
    const fresh = await new LocalFolderTree(hostDir).snapshot();
    expect(planSync(fresh, before).write).toEqual(['state.json']);
    writeFileSync(path.join(hostDir, 'state.json'), '{"n":33}');
    expect(planSync(await host.snapshot(), before).write).toEqual(['state.json']);
  });
});

describe('sync back from the sandbox: exact', () => {
  it('mirrors additions, changes and deletions (a whole folder too) into the host workspace', async () => {
    put(hostDir, { 'keep.txt': 'keep', 'edit.txt': 'v1', 'drop.txt': 'x', 'cache/a.bin': 'a', 'cache/deep/b.bin': 'b' });
    const host = new LocalFolderTree(hostDir);
    const remote = new LocalFolderTree(remoteDir);
    const uploaded = (await mirror(host, remote, new Map())).source;
    // The run, in the sandbox:
    put(remoteDir, { 'edit.txt': 'v2', 'out/result.csv': '1,2' });
    rmSync(path.join(remoteDir, 'drop.txt'));
    rmSync(path.join(remoteDir, 'cache'), { recursive: true });
    const back = await mirror(remote, host, uploaded);
    expect(back.plan).toEqual({ write: ['edit.txt', 'out/result.csv'], remove: ['cache/a.bin', 'cache/deep/b.bin', 'drop.txt'] });
    expect(contents(hostDir, await host.snapshot())).toEqual({ 'edit.txt': 'v2', 'keep.txt': 'keep', 'out/result.csv': '1,2' });
    // Folders the deletions emptied are gone too, as in the sandbox.
    expect(existsSync(path.join(hostDir, 'cache'))).toBe(false);
  });

  it('lets a file take the name of a folder the run removed, and the other way round', async () => {
    put(hostDir, { 'data/part1': '1', report: 'old report' });
    const host = new LocalFolderTree(hostDir);
    const remote = new LocalFolderTree(remoteDir);
    const uploaded = (await mirror(host, remote, new Map())).source;
    rmSync(path.join(remoteDir, 'data'), { recursive: true });
    rmSync(path.join(remoteDir, 'report'));
    put(remoteDir, { data: 'now a file', 'report/index.html': '<p>' });
    await mirror(remote, host, uploaded);
    expect(contents(hostDir, await host.snapshot())).toEqual({ data: 'now a file', 'report/index.html': '<p>' });
  });

  it('streams a file over 64 MB back whole instead of skipping it', async () => {
    const host = new LocalFolderTree(hostDir);
    const remote = new LocalFolderTree(remoteDir);
    const big = path.join(remoteDir, 'big.bin');
    writeFileSync(big, 'head');
    truncateSync(big, 65 * 1024 * 1024 + 3);
    writeFileSync(path.join(remoteDir, 'small.txt'), 'small');
    const { report } = await mirror(remote, host, new Map());
    expect(report.write).toEqual(['big.bin', 'small.txt']);
    expect(report.bytes).toBe(65 * 1024 * 1024 + 3 + 5);
    const hash = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(statSync(path.join(hostDir, 'big.bin')).size).toBe(65 * 1024 * 1024 + 3);
    expect(hash(path.join(hostDir, 'big.bin'))).toBe(hash(big));
  });
});

describe('hostile names and links', () => {
  it('refuses to write through a link planted in the host workspace, and writes nothing outside it', async () => {
    const outside = path.join(base, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, path.join(hostDir, 'link'));
    put(remoteDir, { 'link/evil.txt': 'escaped' });
    const remote = new LocalFolderTree(remoteDir, 'the sandbox');
    const host = new LocalFolderTree(hostDir, 'the host workspace');
    const error = await mirror(remote, host, new Map()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).message).toMatch(/link\/evil\.txt passes through link, which is not a folder/);
    expect(existsSync(path.join(outside, 'evil.txt'))).toBe(false);
  });

  it('does not replace a link in the host workspace with a file from the sandbox', async () => {
    const target = path.join(base, 'target.txt');
    writeFileSync(target, 'precious');
    symlinkSync(target, path.join(hostDir, 'note.txt'));
    put(remoteDir, { 'note.txt': 'overwritten?' });
    const error = await mirror(new LocalFolderTree(remoteDir), new LocalFolderTree(hostDir, 'host'), new Map()).catch((e: unknown) => e);
    expect((error as SyncError).message).toMatch(/^copying note.txt from .* to host failed: host: note.txt is a link; it is not replaced or followed/);
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  it.each(['../escape.txt', 'a/../../escape.txt', '/etc/passwd', 'a//b', './a', 'nul\0byte'])('refuses a forged listing naming %j before touching anything', async (name) => {
    put(hostDir, { 'keep.txt': 'keep' });
    const forged: TreeSnapshot = new Map([
      ['fine.txt', { size: 1, sha256: 'x' }],
      [name, { size: 1, sha256: 'y' }],
    ]);
    const error = await applySync(planSync(forged, new Map()), forged, new LocalFolderTree(remoteDir, 'the sandbox'), new LocalFolderTree(hostDir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).message).toMatch(/^the sandbox holds a file whose name cannot be copied safely/);
    expect((error as SyncError).done).toEqual({ write: [], remove: [], bytes: 0 });
    expect(existsSync(path.join(base, 'escape.txt'))).toBe(false);
    expect(contents(hostDir, await new LocalFolderTree(hostDir).snapshot())).toEqual({ 'keep.txt': 'keep' });
  });

  it('skips links and other non-files when listing, on both sides alike', async () => {
    put(hostDir, { 'real.txt': 'real' });
    symlinkSync('/etc/hostname', path.join(hostDir, 'link.txt'));
    expect([...(await new LocalFolderTree(hostDir).snapshot()).keys()]).toEqual(['real.txt']);
  });
});

describe('the listing script run inside the sandbox', () => {
  it('lists and hashes a folder exactly as the host side does', async () => {
    put(hostDir, { 'a.txt': 'a', 'deep/nested/b.json': '{"b":1}', 'empty.txt': '' });
    mkdirSync(path.join(hostDir, 'empty-folder'));
    symlinkSync('/etc/hostname', path.join(hostDir, 'link'));
    const big = path.join(hostDir, 'chunks.bin');
    writeFileSync(big, 'x'.repeat(3 * 1024 * 1024 + 17));
    const script = path.join(base, 'snapshot.cjs');
    writeFileSync(script, SNAPSHOT_SCRIPT);
    const remote = snapshotFromJson(JSON.parse(execFileSync(process.execPath, [script, hostDir], { encoding: 'utf8' })));
    const local = await new LocalFolderTree(hostDir).snapshot();
    expect(new Map([...remote].sort())).toEqual(new Map([...local].sort()));
    expect([...remote.keys()].sort()).toEqual(['a.txt', 'chunks.bin', 'deep/nested/b.json', 'empty.txt']);
  });

  it('lists a folder that does not exist yet as empty', () => {
    const script = path.join(base, 'snapshot.cjs');
    writeFileSync(script, SNAPSHOT_SCRIPT);
    expect(execFileSync(process.execPath, [script, path.join(base, 'missing')], { encoding: 'utf8' })).toBe('{}');
  });
});

describe('transferTimeoutMs', () => {
  it('grows with the bytes moved, so a large upload is not cut off by a fixed 15 s limit', () => {
    expect(transferTimeoutMs(0)).toBe(30_000);
    expect(transferTimeoutMs(100 * 1024 * 1024)).toBe(30_000 + 400_000);
    expect(transferTimeoutMs(1024 * 1024 * 1024)).toBeGreaterThan(transferTimeoutMs(100 * 1024 * 1024));
  });
});
