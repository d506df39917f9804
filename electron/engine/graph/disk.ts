// Reading graph files only once they have settled: the one rule every read that leads to a write or to the
// in-memory graph goes through, so a file an editor is still writing is never taken as its content.
import { promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { GraphBusyError, GraphWriteError, PageTooLargeError, describeFsError } from './errors';

export interface SettleOptions {
  /**
   * A file counts as settled once nothing has changed it for this long. An editor that pauses longer
   * than this in the middle of a save (between truncating and writing) cannot be told from a finished one.
   */
  settleMs: number;
  /** How long a read waits for a busy file before giving up with GraphBusyError. */
  maxWaitMs: number;
  /** Files larger than this are refused (PageTooLargeError) instead of read. */
  maxBytes: number;
  /**
   * The size of the version the reader last wrote or saw, when it has one. A file found shorter than that is
   * what an editor truncating and rewriting it looks like half-way through: it must stay quiet four times as long
   * before it counts as settled (a shrink is believed only once it is stable).
   */
  shrinkBelow?: number;
}

export const DEFAULT_SETTLE: SettleOptions = { settleMs: 50, maxWaitMs: 3000, maxBytes: 4 * 1024 * 1024 };

/** What we saw of a file: its bytes and the identity that later checks compare against. */
export interface FileSnapshot {
  bytes: Buffer;
  stat: Stats;
}

/** A settled snapshot with the handle still open on the inode it came from (for checks after a replace). */
export interface HeldSnapshot extends FileSnapshot {
  handle: FileHandle;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The file's data was not written to: same size and modification time. (Its change time moves when the
 * path is renamed over, so it is not compared for a file we hold open after replacing it.)
 */
export function sameContentVersion(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Same file, same size, same modification and change times: nothing wrote to it in between. */
export function sameVersion(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

async function lstatOrNull(absPath: string): Promise<Stats | null> {
  try {
    return await fs.lstat(absPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
}

/**
 * Opens `absPath` once it has settled and reads it whole, keeping the handle open. Settled means: the
 * same inode, size and times before and after the read, and either last changed `settleMs` ago or seen
 * unchanged by us for `settleMs` (a file with a clock-skewed future mtime still settles). Returns null
 * when there is no file. Symbolic links are refused: the graph does not follow them, as Logseq does not.
 */
export async function openSettled(absPath: string, relPath: string, opts: SettleOptions): Promise<HeldSnapshot | null> {
  const deadline = Date.now() + opts.maxWaitMs;
  let watched: Stats | undefined;
  for (;;) {
    let before: Stats | null;
    try {
      before = await lstatOrNull(absPath);
    } catch (error) {
      const { code, detail } = describeFsError(error);
      throw new GraphWriteError(relPath, code, detail);
    }
    if (before === null) return null;
    if (before.isSymbolicLink()) throw new GraphWriteError(relPath, undefined, 'it is a symbolic link; Skillgraph reads and writes only real files in the graph, as Logseq does');
    if (!before.isFile()) throw new GraphWriteError(relPath, undefined, 'it is not a regular file');
    if (before.size > opts.maxBytes) throw new PageTooLargeError(relPath, before.size, opts.maxBytes);
    const age = Date.now() - Math.max(before.mtimeMs, before.ctimeMs);
    const shrunk = opts.shrinkBelow !== undefined && before.size < opts.shrinkBelow;
    const settleMs = shrunk ? opts.settleMs * 4 : opts.settleMs;
    const quietLongEnough = age >= settleMs || (!shrunk && watched !== undefined && sameVersion(watched, before));
    if (!quietLongEnough) {
      if (Date.now() >= deadline) throw new GraphBusyError(relPath);
      watched = before;
      await sleep(Math.max(5, Math.min(settleMs, settleMs - Math.max(0, age))));
      continue;
    }
    let handle: FileHandle;
    try {
      handle = await fs.open(absPath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // Removed or renamed away meanwhile: look again.
      const { code, detail } = describeFsError(error);
      throw new GraphWriteError(relPath, code, detail);
    }
    try {
      const opened = await handle.stat();
      const bytes = opened.ino === before.ino ? await handle.readFile() : undefined;
      const after = await handle.stat();
      const still = await lstatOrNull(absPath);
      if (bytes !== undefined && sameVersion(before, after) && still !== null && sameVersion(after, still) && bytes.length === after.size) {
        return { bytes, stat: after, handle };
      }
    } catch (error) {
      await handle.close();
      const { code, detail } = describeFsError(error);
      throw new GraphWriteError(relPath, code, detail);
    }
    await handle.close();
    // It changed while we read it: an editor is saving. Wait for it to finish.
    if (Date.now() >= deadline) throw new GraphBusyError(relPath);
    watched = undefined;
    await sleep(Math.max(5, opts.settleMs / 2));
  }
}

/** A settled read that closes its handle: for readers that do not go on to replace the file. */
export async function readSettled(absPath: string, relPath: string, opts: SettleOptions): Promise<FileSnapshot | null> {
  const held = await openSettled(absPath, relPath, opts);
  if (!held) return null;
  await held.handle.close();
  return { bytes: held.bytes, stat: held.stat };
}

/** Decodes UTF-8 only when it round-trips byte for byte; otherwise the text cannot be rewritten without loss. */
export function utf8Exactly(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  return Buffer.byteLength(text, 'utf8') === bytes.length && Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
}
