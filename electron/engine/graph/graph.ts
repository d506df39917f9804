// The in-memory Logseq graph: a fast cold scan of every page, lookups by path and page name, and a
// chokidar watcher (same ignore rules as Logseq, deletes re-checked, renames recognised) that keeps
// it current and reports typed GraphEvents, together with the writes made through `writer`.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import type { GraphEvent, ParsedPage } from '../../../shared/types';
import type { GraphConfig } from './config';
import { isIgnoredPath, isPageFile, normalizeRelPath, readGraphConfig } from './config';
import { listPageFiles } from './page-files';
import { pageNameOf } from './names';
import { contentHash, parsePage } from './parser';
import { GraphWriter, type GraphStore } from './writer';

export interface GraphOptions {
  /** How long an unlinked page waits for a matching add (a rename) before it is reported removed. */
  renameWindowMs?: number;
  /** chokidar awaitWriteFinish: how long a file's size must stay stable. */
  stabilityThresholdMs?: number;
  pollIntervalMs?: number;
  /** Files read at once during the cold scan. */
  readConcurrency?: number;
}

export type GraphListener = (event: GraphEvent) => void;

interface PendingUnlink {
  page: ParsedPage;
  timer: NodeJS.Timeout;
}

function sameIdentity(a: ParsedPage, b: ParsedPage): boolean {
  if (a.hash === b.hash) return true;
  for (const key of ['skill-id', 'id']) {
    const left = a.properties[key];
    if (typeof left === 'string' && left !== '' && left === b.properties[key]) return true;
  }
  const firstUuid = a.blocks.find((block) => block.uuid)?.uuid;
  return firstUuid !== undefined && b.blocks.some((block) => block.uuid === firstUuid);
}

export class Graph implements GraphStore {
  readonly writer: GraphWriter;
  /** Problems found while scanning (unreadable files, duplicate page names). */
  readonly warnings: string[] = [];
  private readonly byPath = new Map<string, ParsedPage>();
  private readonly pathByName = new Map<string, string>();
  private readonly onDisk = new Map<string, string>();
  private readonly listeners = new Set<GraphListener>();
  private readonly pendingUnlinks = new Map<string, PendingUnlink>();
  private readonly pathQueues = new Map<string, Promise<void>>();
  private watcher: FSWatcher | undefined;
  private watcherReady: Promise<void> | undefined;
  private closed = false;

  private constructor(readonly config: GraphConfig, private readonly options: GraphOptions) {
    this.writer = new GraphWriter(this);
    this.warnings.push(...config.warnings);
  }

  static async open(root: string, options: GraphOptions = {}): Promise<Graph> {
    const config = await readGraphConfig(root);
    const graph = new Graph(config, options);
    await graph.scan();
    return graph;
  }

  pages(): ParsedPage[] {
    return [...this.byPath.values()];
  }

  getByName(name: string): ParsedPage | undefined {
    const relPath = this.pathByName.get(pageNameOf(name));
    return relPath === undefined ? undefined : this.byPath.get(relPath);
  }

  getByPath(relPath: string): ParsedPage | undefined {
    return this.byPath.get(normalizeRelPath(relPath));
  }

  diskPath(relPath: string): string {
    return this.onDisk.get(relPath) ?? relPath;
  }

  private async scan(): Promise<void> {
    const root = this.config.root;
    const files = await listPageFiles(this.config, this.warnings);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const rel = files[next++];
        try {
          // One open per file: fstat and read on the same handle (a path stat doubles the syscalls).
          const handle = await fs.open(path.join(root, rel), 'r');
          try {
            const stat = await handle.stat();
            const raw = await handle.readFile('utf8');
            this.put(parsePage(raw, rel, this.config, stat.mtimeMs), rel);
          } finally {
            await handle.close();
          }
        } catch (error) {
          this.warnings.push(`${rel} could not be read: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: this.options.readConcurrency ?? 32 }, worker));
  }

  private put(page: ParsedPage, diskRel?: string): void {
    const previous = this.byPath.get(page.path);
    if (previous && previous.name !== page.name && this.pathByName.get(previous.name) === page.path) this.pathByName.delete(previous.name);
    this.byPath.set(page.path, page);
    if (diskRel !== undefined && diskRel !== page.path) this.onDisk.set(page.path, diskRel);
    const holder = this.pathByName.get(page.name);
    if (holder === undefined || holder === page.path || !this.byPath.has(holder)) this.pathByName.set(page.name, page.path);
    else this.warnings.push(`${page.path} and ${holder} are both the page "${page.title}"; Logseq will show only one of them`);
  }

  private drop(relPath: string): ParsedPage | undefined {
    const page = this.byPath.get(relPath);
    if (!page) return undefined;
    this.byPath.delete(relPath);
    this.onDisk.delete(relPath);
    if (this.pathByName.get(page.name) === relPath) {
      this.pathByName.delete(page.name);
      const twin = this.pages().find((other) => other.name === page.name);
      if (twin) this.pathByName.set(page.name, twin.path);
    }
    return page;
  }

  private emit(event: GraphEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not stop the graph or the other listeners.
      }
    }
  }

  noteWritten(relPath: string, content: string): void {
    const existed = this.byPath.has(relPath);
    const page = parsePage(content, relPath, this.config, Date.now());
    this.put(page);
    this.emit(existed ? { type: 'changed', page } : { type: 'added', page });
  }

  noteRenamed(fromRelPath: string, toRelPath: string, content: string): void {
    this.drop(fromRelPath);
    const page = parsePage(content, toRelPath, this.config, Date.now());
    this.put(page);
    this.emit({ type: 'renamed', from: fromRelPath, page });
  }

  noteRemoved(relPath: string): void {
    const page = this.drop(relPath);
    if (page) this.emit({ type: 'removed', path: relPath, name: page.name });
  }

  /** Subscribes to graph events, starting the file watcher on first use. Returns the unsubscribe. */
  watch(listener: GraphListener): () => void {
    this.listeners.add(listener);
    if (!this.watcher && !this.closed) this.startWatcher();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves once the watcher has finished its initial crawl and reports changes. */
  whenWatching(): Promise<void> {
    return this.watcherReady ?? Promise.resolve();
  }

  private startWatcher(): void {
    const root = this.config.root;
    const watcher = chokidarWatch(root, {
      ignored: (absPath: string, stats?: { isFile(): boolean }) => {
        const rel = path.relative(root, absPath);
        if (rel === '' || rel.startsWith('..')) return false;
        if (isIgnoredPath(rel, this.config)) return true;
        return stats?.isFile() === true && !isPageFile(rel);
      },
      ignoreInitial: true,
      ignorePermissionErrors: true,
      awaitWriteFinish: { stabilityThreshold: this.options.stabilityThresholdMs ?? 50, pollInterval: this.options.pollIntervalMs ?? 10 },
    });
    this.watcher = watcher;
    this.watcherReady = new Promise((resolve) => watcher.once('ready', () => resolve()));
    const relOf = (absPath: string): { rel: string; diskRel: string } => {
      const diskRel = path.relative(root, absPath).split(path.sep).join('/');
      return { rel: normalizeRelPath(diskRel), diskRel };
    };
    watcher.on('add', (absPath) => this.enqueue(relOf(absPath), () => this.onAddOrChange(absPath)));
    watcher.on('change', (absPath) => this.enqueue(relOf(absPath), () => this.onAddOrChange(absPath)));
    watcher.on('unlink', (absPath) => this.enqueue(relOf(absPath), () => this.onUnlink(absPath)));
    watcher.on('error', (error) => this.warnings.push(`file watcher: ${(error as Error).message}`));
  }

  private enqueue({ rel }: { rel: string }, task: () => Promise<void>): void {
    const previous = this.pathQueues.get(rel) ?? Promise.resolve();
    const run = previous.then(task).catch((error: Error) => {
      this.warnings.push(`${rel}: ${error.message}`);
    });
    this.pathQueues.set(rel, run);
    void run.then(() => {
      if (this.pathQueues.get(rel) === run) this.pathQueues.delete(rel);
    });
  }

  private async onAddOrChange(absPath: string): Promise<void> {
    if (this.closed) return;
    const diskRel = path.relative(this.config.root, absPath).split(path.sep).join('/');
    const rel = normalizeRelPath(diskRel);
    if (!isPageFile(rel)) return;
    let raw: string;
    let mtimeMs: number;
    try {
      [raw, mtimeMs] = await Promise.all([fs.readFile(absPath, 'utf8'), fs.stat(absPath).then((s) => s.mtimeMs)]);
    } catch {
      return; // Gone again already; its unlink event follows.
    }
    const pendingHere = this.pendingUnlinks.get(rel);
    if (pendingHere) {
      clearTimeout(pendingHere.timer);
      this.pendingUnlinks.delete(rel);
    }
    const existing = this.byPath.get(rel);
    if (existing && existing.hash === contentHash(raw)) return;
    const page = parsePage(raw, rel, this.config, mtimeMs);
    if (!existing) {
      for (const [fromRel, pending] of this.pendingUnlinks) {
        if (!sameIdentity(pending.page, page)) continue;
        clearTimeout(pending.timer);
        this.pendingUnlinks.delete(fromRel);
        this.drop(fromRel);
        this.put(page, diskRel);
        this.emit({ type: 'renamed', from: fromRel, page });
        return;
      }
      // chokidar may report the new name before the old one's unlink: a same-identity page whose
      // file is already gone is the one that moved.
      for (const candidate of this.byPath.values()) {
        if (candidate.path === rel || !sameIdentity(candidate, page)) continue;
        const gone = await fs.stat(path.join(this.config.root, this.diskPath(candidate.path))).then(() => false, () => true);
        if (!gone) continue;
        this.drop(candidate.path);
        this.put(page, diskRel);
        this.emit({ type: 'renamed', from: candidate.path, page });
        return;
      }
    }
    this.put(page, diskRel);
    this.emit(existing ? { type: 'changed', page } : { type: 'added', page });
  }

  private async onUnlink(absPath: string): Promise<void> {
    const rel = normalizeRelPath(path.relative(this.config.root, absPath).split(path.sep).join('/'));
    const page = this.byPath.get(rel);
    if (!page || this.pendingUnlinks.has(rel) || this.closed) return;
    // As Logseq's fs_watcher does, a delete is only believed once the file is still gone a moment later;
    // meanwhile an add of the same page elsewhere turns it into a rename.
    const timer = setTimeout(() => {
      this.enqueue({ rel }, async () => {
        if (this.pendingUnlinks.get(rel)?.timer !== timer) return;
        this.pendingUnlinks.delete(rel);
        const stillThere = await fs.stat(absPath).then(() => true, () => false);
        if (stillThere) return this.onAddOrChange(absPath);
        const dropped = this.drop(rel);
        if (dropped) this.emit({ type: 'removed', path: rel, name: dropped.name });
      });
    }, this.options.renameWindowMs ?? 300);
    this.pendingUnlinks.set(rel, { page, timer });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.pendingUnlinks.values()) clearTimeout(pending.timer);
    this.pendingUnlinks.clear();
    this.listeners.clear();
    await this.watcher?.close();
    this.watcher = undefined;
  }
}
