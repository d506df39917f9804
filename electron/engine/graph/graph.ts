// The in-memory Logseq graph: a fast cold scan of every page, lookups by path and page name, and a
// chokidar watcher (same ignore rules as Logseq, symlinks skipped like the scan, settled reads only,
// deletes re-checked, renames recognised) that keeps it current and reports typed GraphEvents, together
// with the writes made through `writer`, which are re-checked against the disk so no watcher timing leaves a ghost.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import type { GraphEvent, ParsedPage } from '../../../shared/types';
import type { GraphConfig } from './config';
import { isIgnoredPath, isPageFile, normalizeRelPath, readGraphConfig } from './config';
import { listPageFiles } from './page-files';
import { DEFAULT_SETTLE, readSettled, type SettleOptions } from './disk';
import { PageTooLargeError } from './errors';
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
  /** When a file counts as settled (no change for this long) before it is read for the graph or a write. */
  settleMs?: number;
  /** How long a write waits for a file that keeps changing before reporting GraphBusyError. */
  busyWaitMs?: number;
  /**
   * Pages larger than this are left out of the graph (with a warning), by the scan and the watcher alike:
   * parsing them would stall every other edit for seconds.
   */
  maxPageBytes?: number;
}

export type GraphListener = (event: GraphEvent) => void;

interface PendingUnlink {
  page: ParsedPage;
  timer: NodeJS.Timeout;
}

function skillIdOf(page: ParsedPage): string | undefined {
  const id = page.properties['skill-id'];
  return typeof id === 'string' && id.trim() !== '' && page.properties.type === 'skill' ? id.trim() : undefined;
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
  readonly settle: SettleOptions;
  /** Problems found while scanning (unreadable files, duplicate page names). */
  readonly warnings: string[] = [];
  private readonly byPath = new Map<string, ParsedPage>();
  private readonly pathByName = new Map<string, string>();
  private readonly onDisk = new Map<string, string>();
  private readonly listeners = new Set<GraphListener>();
  private readonly pendingUnlinks = new Map<string, PendingUnlink>();
  private readonly pathQueues = new Map<string, Promise<void>>();
  /** Paths Skillgraph wrote, moved or removed, each re-checked against the disk once the watcher should have spoken. */
  private readonly reconciles = new Map<string, NodeJS.Timeout>();
  /** skill-id -> paths of the pages holding it (more than one is reported, never silent). */
  private readonly skillIdPaths = new Map<string, Set<string>>();
  private pageChanges = 0;
  private watcher: FSWatcher | undefined;
  private watcherReady: Promise<void> | undefined;
  private closed = false;

  private constructor(readonly config: GraphConfig, private readonly options: GraphOptions) {
    this.settle = {
      settleMs: options.settleMs ?? DEFAULT_SETTLE.settleMs,
      maxWaitMs: options.busyWaitMs ?? DEFAULT_SETTLE.maxWaitMs,
      maxBytes: options.maxPageBytes ?? DEFAULT_SETTLE.maxBytes,
    };
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

  /** Counts every page put or dropped since the graph was opened: what is derived from pages is current while it holds. */
  get changes(): number {
    return this.pageChanges;
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
            if (stat.size > this.settle.maxBytes) {
              this.warnings.push(new PageTooLargeError(rel, stat.size, this.settle.maxBytes).message);
              continue;
            }
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
    this.pageChanges++;
    const previous = this.byPath.get(page.path);
    if (previous && previous.name !== page.name && this.pathByName.get(previous.name) === page.path) this.pathByName.delete(previous.name);
    this.byPath.set(page.path, page);
    if (diskRel !== undefined && diskRel !== page.path) this.onDisk.set(page.path, diskRel);
    const holder = this.pathByName.get(page.name);
    if (holder === undefined || holder === page.path || !this.byPath.has(holder)) this.pathByName.set(page.name, page.path);
    else this.warnings.push(`${page.path} and ${holder} are both the page "${page.title}"; Logseq will show only one of them`);
    if (previous) this.forgetSkillId(previous);
    const skillId = skillIdOf(page);
    if (skillId !== undefined) {
      const holders = this.skillIdPaths.get(skillId) ?? new Set<string>();
      holders.add(page.path);
      this.skillIdPaths.set(skillId, holders);
      if (holders.size > 1) {
        this.warnings.push(`${[...holders].sort().join(' and ')} hold the same skill-id ${skillId} (a page saved under its old name during a rename, or a copy); Skillgraph lists only the one updated last as the skill — merge or delete the other in Logseq`);
      }
    }
  }

  private forgetSkillId(page: ParsedPage): void {
    const skillId = skillIdOf(page);
    const holders = skillId === undefined ? undefined : this.skillIdPaths.get(skillId);
    if (!holders) return;
    holders.delete(page.path);
    if (holders.size === 0) this.skillIdPaths.delete(skillId!);
  }

  /** Pages that share a skill-id with another page: each id with every path holding it. */
  duplicateSkillIds(): Array<{ skillId: string; paths: string[] }> {
    const duplicates: Array<{ skillId: string; paths: string[] }> = [];
    for (const [skillId, paths] of this.skillIdPaths) if (paths.size > 1) duplicates.push({ skillId, paths: [...paths].sort() });
    return duplicates;
  }

  private drop(relPath: string): ParsedPage | undefined {
    const page = this.byPath.get(relPath);
    if (!page) return undefined;
    this.pageChanges++;
    this.byPath.delete(relPath);
    this.onDisk.delete(relPath);
    this.forgetSkillId(page);
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
    this.reconcileSoon(relPath);
  }

  noteRenamed(fromRelPath: string, toRelPath: string, content: string): void {
    this.drop(fromRelPath);
    const page = parsePage(content, toRelPath, this.config, Date.now());
    this.put(page);
    this.emit({ type: 'renamed', from: fromRelPath, page });
    this.reconcileSoon(fromRelPath);
    this.reconcileSoon(toRelPath);
  }

  noteRemoved(relPath: string): void {
    const page = this.drop(relPath);
    if (page) this.emit({ type: 'removed', path: relPath, name: page.name });
    this.reconcileSoon(relPath);
  }

  /**
   * A file we just wrote may be deleted or moved before chokidar has started tracking it; then no event
   * ever comes and the page would stay as a ghost. So, while watching, every path we touch is compared
   * with the disk itself once the watcher's own settling and rename windows have passed.
   */
  private reconcileSoon(relPath: string): void {
    if (!this.watcher || this.closed) return;
    clearTimeout(this.reconciles.get(relPath));
    const delay = 2 * (this.options.stabilityThresholdMs ?? 50) + (this.options.renameWindowMs ?? 300) + 50;
    const timer = setTimeout(() => {
      this.reconciles.delete(relPath);
      this.enqueue({ rel: relPath }, () => this.reconcile(relPath));
    }, delay);
    timer.unref();
    this.reconciles.set(relPath, timer);
  }

  private async reconcile(relPath: string): Promise<void> {
    if (this.closed) return;
    const absPath = path.join(this.config.root, this.diskPath(relPath));
    const onDisk = await fs.lstat(absPath).then((stat) => stat.isFile(), () => false);
    if (onDisk) return this.onAddOrChange(absPath);
    if (this.byPath.has(relPath)) return this.onUnlink(absPath);
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
      ignored: (absPath: string, stats?: { isFile(): boolean; isSymbolicLink?(): boolean }) => {
        const rel = path.relative(root, absPath);
        if (rel === '' || rel.startsWith('..')) return false;
        if (isIgnoredPath(rel, this.config)) return true;
        if (stats?.isSymbolicLink?.() === true) return true;
        return stats?.isFile() === true && !isPageFile(rel);
      },
      ignoreInitial: true,
      ignorePermissionErrors: true,
      // The cold scan skips symlinks, as Logseq does; the watcher must too, or live and rebuilt indexes differ.
      followSymlinks: false,
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
      // Only a settled file is content: an editor half-way through a save (empty, or half written) is not.
      const snapshot = await readSettled(absPath, rel, this.settle);
      if (snapshot === null) return this.byPath.has(rel) ? this.onUnlink(absPath) : undefined;
      raw = snapshot.bytes.toString('utf8');
      mtimeMs = snapshot.stat.mtimeMs;
    } catch (error) {
      if (error instanceof PageTooLargeError) {
        this.warnings.push(error.message);
        const dropped = this.drop(rel);
        if (dropped) this.emit({ type: 'removed', path: rel, name: dropped.name });
        return;
      }
      const symlink = await fs.lstat(absPath).then((stat) => stat.isSymbolicLink(), () => false);
      if (symlink) return;
      throw error;
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
    for (const timer of this.reconciles.values()) clearTimeout(timer);
    this.reconciles.clear();
    this.listeners.clear();
    await this.watcher?.close();
    this.watcher = undefined;
  }
}
