// A folder inside an E2B sandbox as a SyncTree (e2b-sync.ts): listed and hashed by a small Node script run in the
// sandbox (one command instead of one request per file), files read and written as streams through the SDK.
import type { Sandbox } from 'e2b';
import { snapshotFromJson, transferTimeoutMs, type SyncEntry, type SyncTree, type TreeSnapshot } from './e2b-sync';

/**
 * Prints {"relative/path": [size, sha256]} for every regular file under argv[2] (links and other kinds skipped, as
 * on the host). Hashes in 1 MB reads so a file of any size is hashed in constant memory.
 */
export const SNAPSHOT_SCRIPT = `
const fs = require('node:fs'), path = require('node:path'), crypto = require('node:crypto');
const root = process.argv[2];
const out = {};
const buffer = Buffer.alloc(1024 * 1024);
function walk(relative) {
  let entries;
  try { entries = fs.readdirSync(path.join(root, relative), { withFileTypes: true }); }
  catch (error) { if (error.code === 'ENOENT' && relative === '') return; throw error; }
  for (const entry of entries) {
    const child = relative ? relative + '/' + entry.name : entry.name;
    if (entry.isDirectory()) { walk(child); continue; }
    if (!entry.isFile()) continue;
    const hash = crypto.createHash('sha256');
    const fd = fs.openSync(path.join(root, child), 'r');
    let size = 0;
    try { for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; size += n) hash.update(buffer.subarray(0, n)); }
    finally { fs.closeSync(fd); }
    out[child] = [size, hash.digest('hex')];
  }
}
walk('');
process.stdout.write(JSON.stringify(out));
`;

export interface E2BTreeOptions {
  /** Absolute folder in the sandbox. */
  root: string;
  /** Where SNAPSHOT_SCRIPT was written in the sandbox. */
  snapshotScript: string;
  /** Sandbox user that owns what is written: root for the read-only API tree, the run's user for the workspace. */
  user: 'root' | 'user';
  label: string;
}

export class E2BSandboxTree implements SyncTree {
  readonly label: string;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly options: E2BTreeOptions,
  ) {
    this.label = options.label;
  }

  async snapshot(): Promise<TreeSnapshot> {
    const result = await this.sandbox.commands.run(`node ${this.options.snapshotScript} ${shellQuote(this.options.root)}`, { user: this.options.user, timeoutMs: 120_000 });
    return snapshotFromJson(JSON.parse(result.stdout) as Record<string, [number, string]>);
  }

  async read(relative: string, size: number): Promise<ReadableStream<Uint8Array>> {
    return this.sandbox.files.read(this.remote(relative), { format: 'stream', user: this.options.user, requestTimeoutMs: transferTimeoutMs(0), streamIdleTimeoutMs: transferTimeoutMs(Math.min(size, 1024 * 1024)) });
  }

  async write(entries: SyncEntry[]): Promise<void> {
    const bytes = entries.reduce((sum, entry) => sum + entry.size, 0);
    await this.sandbox.files.write(
      entries.map((entry) => ({ path: this.remote(entry.relative), data: entry.data })),
      { user: this.options.user, useOctetStream: true, requestTimeoutMs: transferTimeoutMs(bytes) },
    );
  }

  async remove(relative: string): Promise<void> {
    await this.sandbox.files.remove(this.remote(relative), { user: this.options.user });
    // Folders the removal left empty go too, as on the host (a file may take a folder's name next).
    const parent = relative.split('/').slice(0, -1).join('/');
    if (parent) await this.sandbox.commands.run(`cd ${shellQuote(this.options.root)} && rmdir -p ${shellQuote(parent)} 2>/dev/null; true`, { user: this.options.user });
  }

  private remote(relative: string): string {
    return `${this.options.root}/${relative}`;
  }
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
