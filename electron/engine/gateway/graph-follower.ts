// Keeps the gateway's index current with the graph folder without holding the graph in memory: one fs.watch per
// folder that can hold pages (plus logseq/, for config.edn); a change, after a short quiet spell, runs the index's
// catch-up from disk (index/catch-up.ts), which stats the page files and reads only those whose mtime changed. The
// gateway opens the whole graph (scan, then the engine's own watcher) only when save_skill needs it; this follower
// stops then. What a run imports and what search_skills finds thus follow the user's edits at the cost of a stat
// per page per burst of edits, not a parsed copy of every page.
// Why fs.watch and not chokidar (the engine's watcher, graph/watcher): the follower needs only "something in this
// folder changed", which one directory watch gives at no cost, while chokidar stats every file it will report on
// (10k pages: as much as the catch-up itself) before it is ready. Per-file events, settling and the user-wins rules
// stay with the engine's watcher, which takes over once the graph is open.
import fs from 'node:fs';
import path from 'node:path';
import { isIgnoredPath, readGraphConfig } from '../graph/config';
import { catchUpIndex } from '../index/catch-up';
import type { SearchIndex } from '../index/search-index';

/** Quiet time after the last change before catching up: an editor's save is several events. */
export const FOLLOW_DEBOUNCE_MS = 100;

export interface GraphFollowerOptions {
  graphDir: string;
  index: SearchIndex;
  /** The skills changed (their index version did) after a catch-up: list_changed for the agent. */
  onSkillsChanged?(): void;
  /** A catch-up or a watch failed; the follower goes on (the next change tries again). */
  onProblem(what: string, error: unknown): void;
}

export class GraphFollower {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private catchUps = 0;

  constructor(private readonly opts: GraphFollowerOptions) {}

  /** Starts watching; resolves once every folder is watched (edits from then on are followed). */
  async start(): Promise<void> {
    await this.watchFolders();
  }

  /** Resolves once no catch-up is pending or running (tests, and a caller about to read the index). */
  async settled(): Promise<void> {
    while (this.timer || this.running) {
      if (this.timer) await new Promise((resolve) => setTimeout(resolve, FOLLOW_DEBOUNCE_MS));
      await this.running;
    }
  }

  /** Catch-ups made so far (diagnostics and tests). */
  get catchUpsMade(): number {
    return this.catchUps;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  /** Catches up after the usual quiet spell, as after a change (what happened before watching started). */
  catchUpSoon(): void {
    this.changed();
  }

  private changed(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) this.again = true;
      else this.running = this.catchUp();
    }, FOLLOW_DEBOUNCE_MS);
  }

  private async catchUp(): Promise<void> {
    try {
      do {
        this.again = false;
        const before = this.opts.index.skillsVersion();
        this.catchUps++;
        await catchUpIndex(this.opts.index, this.opts.graphDir);
        if (this.stopped) return;
        if (this.opts.index.skillsVersion() !== before) this.opts.onSkillsChanged?.();
        // A folder created (or removed) meanwhile is watched (or forgotten) from now on.
        await this.watchFolders();
      } while (this.again && !this.stopped);
    } catch (error) {
      this.opts.onProblem('catching the index up with the graph folder', error);
    } finally {
      this.running = undefined;
    }
  }

  /** Watches the graph root, every folder under it that Logseq does not ignore, and logseq/ (config.edn). */
  private async watchFolders(): Promise<void> {
    const config = await readGraphConfig(this.opts.graphDir);
    const wanted = new Set<string>(['', 'logseq']);
    const walk = async (rel: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(path.join(this.opts.graphDir, rel), { withFileTypes: true });
      } catch (error) {
        // A folder removed while walking holds no page; any other failure is reported and the rest is watched.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.onProblem(`reading the graph folder ${rel || '.'}`, error);
        return;
      }
      const below: Array<Promise<void>> = [];
      for (const entry of entries) {
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        if (!entry.isDirectory() || entry.isSymbolicLink() || isIgnoredPath(child, config)) continue;
        wanted.add(child);
        below.push(walk(child));
      }
      await Promise.all(below);
    };
    await walk('');
    if (this.stopped) return;
    for (const [rel, watcher] of this.watchers) {
      if (wanted.has(rel)) continue;
      watcher.close();
      this.watchers.delete(rel);
    }
    for (const rel of wanted) {
      if (this.watchers.has(rel)) continue;
      try {
        const watcher = fs.watch(path.join(this.opts.graphDir, rel), () => this.changed());
        // A watched folder removed: the next catch-up drops its pages and forgets the watcher.
        watcher.on('error', () => this.changed());
        this.watchers.set(rel, watcher);
      } catch (error) {
        // logseq/ may be missing in a bare graph folder (no config.edn to follow); anything else is reported.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.onProblem(`watching the graph folder ${rel || '.'}`, error);
      }
    }
  }
}
