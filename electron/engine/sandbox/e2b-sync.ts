// Mirrors a folder between two filesystems by content hash: what to write and what to delete (planSync), and doing
// it with files streamed (applySync). The E2B backend runs it host -> sandbox before a run (API tree, skills,
// workspace) and sandbox -> host after it (workspace); LocalFolderTree is the host's side.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SkillgraphError } from '../../../shared/errors';

/** One regular file as a sync sees it. */
export interface FileState {
  size: number;
  sha256: string;
}

/** Every regular file under a folder, by relative path with `/` separators. Symlinks and empty folders are not part of it. */
export type TreeSnapshot = Map<string, FileState>;

export interface SyncEntry {
  relative: string;
  size: number;
  data: ReadableStream<Uint8Array>;
}

/** A folder on one side of a sync: the host's folder or the same folder in an E2B sandbox. */
export interface SyncTree {
  /** Said in errors and notices ("the workspace in E2B sandbox i4k…"). */
  readonly label: string;
  snapshot(): Promise<TreeSnapshot>;
  read(relative: string, size: number): Promise<ReadableStream<Uint8Array>>;
  /** Writes every entry (creating parent folders); several small entries may go in one request. */
  write(entries: SyncEntry[]): Promise<void>;
  /** Removes a file; folders it leaves empty go too, so a file may later take a folder's name. */
  remove(relative: string): Promise<void>;
}

export interface SyncPlan {
  write: string[];
  remove: string[];
}

export interface SyncReport extends SyncPlan {
  bytes: number;
}

/** A sync that could not finish; `done` says what had been applied, so the user knows the state of both sides. */
export class SyncError extends SkillgraphError {
  constructor(message: string, readonly done: SyncReport) {
    super('sync-failed', message);
  }
}

/** Changes that make a side which holds `known` hold `source`: changed or new files, and files `source` no longer has. */
export function planSync(source: TreeSnapshot, known: TreeSnapshot): SyncPlan {
  const write = [...source].filter(([relative, state]) => known.get(relative)?.sha256 !== state.sha256).map(([relative]) => relative);
  const remove = [...known.keys()].filter((relative) => !source.has(relative));
  return { write: write.sort(), remove: remove.sort() };
}

/** Files up to this size travel together in one write request; larger ones are streamed one by one. */
const BATCH_FILE_BYTES = 1024 * 1024;
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_FILES = 100;

/**
 * Applies `plan` (made from `from`'s snapshot `source`) to `to`: removals first, so a file can replace a folder of
 * the same name. Paths are checked before anything is touched: a path that could leave the folder stops the sync.
 */
export async function applySync(plan: SyncPlan, source: TreeSnapshot, from: SyncTree, to: SyncTree): Promise<SyncReport> {
  for (const relative of [...plan.write, ...plan.remove]) assertSafeRelative(relative, from.label);
  const done: SyncReport = { write: [], remove: [], bytes: 0 };
  const fail = (relative: string, error: unknown): never => {
    const why = error instanceof Error ? error.message : String(error);
    throw new SyncError(`copying ${relative} from ${from.label} to ${to.label} failed: ${why} (${done.write.length} files written, ${done.remove.length} removed before it)`, done);
  };
  for (const relative of plan.remove) {
    try {
      await to.remove(relative);
    } catch (error) {
      fail(relative, error);
    }
    done.remove.push(relative);
  }
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const files = batch;
    batch = [];
    batchBytes = 0;
    try {
      const entries = await Promise.all(files.map(async (relative) => ({ relative, size: source.get(relative)!.size, data: await from.read(relative, source.get(relative)!.size) })));
      await to.write(entries);
    } catch (error) {
      fail(files.join(', '), error);
    }
    for (const relative of files) {
      done.write.push(relative);
      done.bytes += source.get(relative)!.size;
    }
  };
  for (const relative of plan.write) {
    const { size } = source.get(relative)!;
    if (size > BATCH_FILE_BYTES) {
      await flush();
      batch = [relative];
      await flush();
      continue;
    }
    if (batch.length >= BATCH_FILES || batchBytes + size > BATCH_BYTES) await flush();
    batch.push(relative);
    batchBytes += size;
  }
  await flush();
  return done;
}

/** A relative path that names a file inside the folder on every platform the host may be. */
export function assertSafeRelative(relative: string, label: string): void {
  const segments = relative.split('/');
  const bad =
    relative.length === 0 ||
    relative.includes('\0') ||
    relative.startsWith('/') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..') ||
    (process.platform === 'win32' && /[\\:*?"<>|]/.test(relative));
  if (bad) throw new SyncError(`${label} holds a file whose name cannot be copied safely: ${JSON.stringify(relative.slice(0, 200))}`, { write: [], remove: [], bytes: 0 });
}

/** How long one transfer may take: a floor for the round trip plus the bytes at a slow 256 KB/s. */
export function transferTimeoutMs(bytes: number): number {
  return 30_000 + Math.ceil(bytes / (256 * 1024)) * 1000;
}

/** A folder on this machine. Hashes are cached by size and mtime, so an unchanged tree is listed, not re-read. */
export class LocalFolderTree implements SyncTree {
  private readonly hashes = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

  constructor(
    readonly root: string,
    readonly label: string = root,
  ) {}

  async snapshot(): Promise<TreeSnapshot> {
    const snapshot: TreeSnapshot = new Map();
    const walk = async (relative: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(path.join(this.root, relative), { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && relative === '') return;
        throw error;
      }
      for (const entry of entries) {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(child);
        else if (entry.isFile()) snapshot.set(child, await this.state(child));
      }
    };
    await walk('');
    return snapshot;
  }

  async read(relative: string): Promise<ReadableStream<Uint8Array>> {
    const file = await this.inside(relative);
    return Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  }

  async write(entries: SyncEntry[]): Promise<void> {
    for (const entry of entries) {
      const file = await this.inside(entry.relative);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await this.inside(entry.relative); // the folders just made are real folders, not links planted meanwhile
      // Written beside the file and renamed, so a reader never sees half a file and a failed copy leaves the old one.
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.sync-${process.pid}.tmp`);
      try {
        await pipeline(Readable.fromWeb(entry.data as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(tmp, { flags: 'wx' }));
        await fs.rename(tmp, file);
      } catch (error) {
        await fs.rm(tmp, { force: true });
        throw error;
      }
      this.hashes.delete(entry.relative);
    }
  }

  async remove(relative: string): Promise<void> {
    const file = await this.inside(relative);
    await fs.rm(file, { force: true });
    this.hashes.delete(relative);
    let dir = path.dirname(file);
    while (dir !== path.resolve(this.root) && dir.startsWith(path.resolve(this.root))) {
      try {
        await fs.rmdir(dir);
      } catch {
        break; // not empty (or gone): the folders above it stay too
      }
      dir = path.dirname(dir);
    }
  }

  private async state(relative: string): Promise<FileState> {
    const file = path.join(this.root, relative);
    const stat = await fs.stat(file);
    const cached = this.hashes.get(relative);
    if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return { size: cached.size, sha256: cached.sha256 };
    const hash = createHash('sha256');
    await pipeline(createReadStream(file), new Writable({ write: (chunk: Buffer, _encoding, next) => (hash.update(chunk), next()) }));
    const sha256 = hash.digest('hex');
    this.hashes.set(relative, { size: stat.size, mtimeMs: stat.mtimeMs, sha256 });
    return { size: stat.size, sha256 };
  }

  /**
   * The host path of `relative`, refusing one whose existing parent folders pass through a link: a link planted in
   * the workspace (by a local run) must not carry a file from the sandbox out of the folder.
   */
  private async inside(relative: string): Promise<string> {
    assertSafeRelative(relative, this.label);
    const root = path.resolve(this.root);
    const segments = relative.split('/');
    let current = root;
    for (const segment of segments.slice(0, -1)) {
      current = path.join(current, segment);
      let stat;
      try {
        stat = await fs.lstat(current);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') break;
        throw error;
      }
      if (!stat.isDirectory()) throw new SyncError(`${this.label}: ${relative} passes through ${path.relative(root, current)}, which is not a folder (a link or a file)`, { write: [], remove: [], bytes: 0 });
    }
    const file = path.join(root, ...segments);
    let stat;
    try {
      stat = await fs.lstat(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (stat?.isSymbolicLink()) throw new SyncError(`${this.label}: ${relative} is a link; it is not replaced or followed`, { write: [], remove: [], bytes: 0 });
    return file;
  }
}

/** Snapshots as plain JSON (persisted manifests, the sandbox's own listing). */
export function snapshotToJson(snapshot: TreeSnapshot): Record<string, [number, string]> {
  return Object.fromEntries([...snapshot].map(([relative, state]) => [relative, [state.size, state.sha256]]));
}

export function snapshotFromJson(json: Record<string, [number, string]>): TreeSnapshot {
  return new Map(Object.entries(json).map(([relative, [size, sha256]]) => [relative, { size, sha256 }]));
}
