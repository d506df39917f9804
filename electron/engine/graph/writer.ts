// Every write to the graph, under one protocol that never loses an edit made in Logseq: read only settled
// files, compare-and-swap immediately before each replace, check after it that nothing was written into the
// file we replaced, append to journals in place, and let the other edit win when both changed a page.
// Page-level operations (create, append to journal, rename with reference updates, recycle) build on it.
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { ParsedPage } from '../../../shared/types';
import type { GraphConfig } from './config';
import { normalizeRelPath } from './config';
import { openSettled, readSettled, sameContentVersion, sameVersion, utf8Exactly, type HeldSnapshot, type SettleOptions } from './disk';
import { GraphBusyError, GraphConflictError, GraphFormatError, GraphRenameIncompleteError, GraphWriteError, PageAliasTakenError, PageExistsError, PageNotFoundError, describeFsError } from './errors';
import { journalRelPath, needsTitleProperty, pageFileName, pageNameOf } from './names';
import { journalFileFor } from './journals';
import { contentHash, PROPERTY_LINE } from './parser';
import type { BlockSpec, PageDoc } from './serializer';
import { serializeBlocks, serializePage } from './serializer';

/** What the writer needs from the in-memory graph; `Graph` implements it. */
export interface GraphStore {
  readonly config: GraphConfig;
  /** When a file counts as settled, and the largest page read at all. */
  readonly settle: SettleOptions;
  pages(): ParsedPage[];
  getByName(name: string): ParsedPage | undefined;
  getByPath(relPath: string): ParsedPage | undefined;
  /** Path as stored on disk (may be NFD on macOS) for an NFC graph-relative path. */
  diskPath(relPath: string): string;
  noteWritten(relPath: string, content: string): void;
  noteRenamed(fromRelPath: string, toRelPath: string, content: string): void;
  noteRemoved(relPath: string): void;
}

export interface UpdateOptions {
  /** Hash of the content the caller based its change on. */
  expectedHash?: string;
  /**
   * When the file changed since `expectedHash`: re-apply the transform on top of the newer content
   * (default; the transform sees `changedSince` and throws GraphConflictError when its change does not
   * merge), or fail at once.
   */
  onConflict?: 'reapply' | 'fail';
}

/** What a transform is told besides the current content. */
export interface TransformContext {
  /** The file is not the version `expectedHash` named: someone else changed it since the caller read it. */
  changedSince: boolean;
  /**
   * Our own write of this call landed, and then another save replaced it before it settled: `current` is that
   * save. A transform that creates a file sees it here, and must not mistake it for a page that was already there.
   */
  overOwnWrite: boolean;
}

export type Transform = (current: string | null, context: TransformContext) => string;

export interface UpdateResult {
  hash: string;
  /** True when the file had changed since `expectedHash` and the transform was re-applied. */
  merged: boolean;
  changed: boolean;
}

export interface RenameResult {
  /** New path of the renamed page itself. */
  path: string;
  /** Every file that moved: the page and its namespace children. */
  moved: Array<{ from: string; to: string }>;
  /** Other pages whose references were rewritten. */
  updatedPaths: string[];
  /** Pages whose references could not be rewritten (the renames themselves stand). */
  failed: Array<{ path: string; error: Error }>;
}

interface RenameMove {
  page: ParsedPage;
  newTitle: string;
  newRel: string;
}

/** Rounds of read, change, swap before a file that keeps changing under us is reported busy. */
const MAX_ATTEMPTS = 8;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function readOrNull(absPath: string): Promise<string | null> {
  try {
    return await fs.readFile(absPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function lstatOrNull(absPath: string) {
  try {
    return await fs.lstat(absPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The whole file behind `handle`, read by position (the handle's own offset may be anywhere). */
async function readAll(handle: FileHandle): Promise<{ bytes: Buffer; stat: Stats }> {
  const stat = await handle.stat();
  const bytes = Buffer.alloc(stat.size);
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await handle.read(bytes, done, bytes.length - done, done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return { bytes: bytes.subarray(0, done), stat };
}

/** Whitespace-insensitive containment: Logseq may re-indent or change line endings of a block it saves. */
function containsText(haystack: Buffer, needle: string): boolean {
  const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
  return squash(haystack.toString('utf8')).includes(squash(needle));
}

type SwapOutcome = 'written' | 'raced';

async function exists(absPath: string): Promise<boolean> {
  try {
    await fs.lstat(absPath);
    return true;
  } catch {
    // lstat failing is the answer: nothing is at that path.
    return false;
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The bytes to append after `existing` for `added`: its line endings, starting on a line of its own. */
function appendixFor(existing: Buffer, added: string): Buffer {
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const text = eol === '\n' ? added : added.replace(/\n/g, eol);
  const needsBreak = existing.length > 0 && existing[existing.length - 1] !== 0x0a;
  return Buffer.from((needsBreak ? eol : '') + text, 'utf8');
}

function lineEndingOf(text: string): '\r\n' | '\n' {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Logseq's placeholder for an empty page: nothing, or a lone `-`. */
function isEmptyPlaceholder(body: string): boolean {
  return /^\s*(?:[-*][ \t]*)?\s*$/.test(body);
}

export class GraphWriter {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly store: GraphStore) {}

  private get config(): GraphConfig {
    return this.store.config;
  }

  private resolve(relPath: string): { rel: string; abs: string } {
    const rel = normalizeRelPath(relPath);
    if (rel === '' || rel.split('/').some((segment) => segment === '..') || path.isAbsolute(rel)) {
      throw new GraphFormatError(`"${relPath}" is not a path inside the graph`);
    }
    if (rel === 'logseq/config.edn') throw new GraphFormatError('logseq/config.edn belongs to Logseq and is never rewritten');
    return { rel, abs: path.join(this.config.root, this.store.diskPath(rel)) };
  }

  private serialize<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined); // the task's own caller gets its failure from `run`; the lock only waits for it to settle
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }

  private get settle(): SettleOptions {
    return this.store.settle;
  }

  /**
   * Replaces a file with `transform(current)` atomically, never over an edit made meanwhile. The file is
   * read only once it has settled; immediately before the rename the path must still hold the very file
   * we read, unchanged; after the rename, the file we replaced must not have been written to (an editor
   * that had it open); and once our file has settled it must still be ours. Whenever any of these fails,
   * the other edit wins: we start again from it and the transform is re-applied on top (it is told
   * `changedSince` and throws GraphConflictError when its change does not merge).
   */
  async updateFile(relPath: string, transform: Transform, opts: UpdateOptions = {}): Promise<UpdateResult> {
    const { rel, abs } = this.resolve(relPath);
    return this.serialize(rel, async () => {
      let merged = false;
      let overOwnWrite = false;
      /** The size of what we wrote last: a shorter file after it may be an editor's save caught half-way. */
      let wroteSize: number | undefined;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const held = await openSettled(abs, rel, { ...this.settle, shrinkBelow: wroteSize });
        try {
          const current = held === null ? null : utf8Exactly(held.bytes);
          if (current === undefined) {
            throw new GraphFormatError(`${rel} is not UTF-8 text; Skillgraph does not rewrite it, so that none of its bytes change (save it as UTF-8 in Logseq first)`);
          }
          const currentHash = current === null ? null : contentHash(current);
          const changedSince = overOwnWrite || (opts.expectedHash !== undefined && currentHash !== opts.expectedHash);
          if (changedSince) {
            if (opts.onConflict === 'fail') throw new GraphConflictError(rel, 'it is no longer the version you edited');
            merged = true;
          }
          const next = transform(current, { changedSince, overOwnWrite });
          if (typeof next !== 'string') throw new GraphFormatError(`the new content for ${rel} is not text`);
          if (current !== null && current.trim() !== '' && next.trim() === '') {
            throw new GraphWriteError(rel, undefined, 'refusing to empty a page that has content; recycle the page instead');
          }
          if (next === current) return { hash: currentHash as string, merged, changed: false };
          const bytes = Buffer.from(next, 'utf8');
          if ((await this.swapIn(rel, abs, held, bytes)) === 'raced') {
            merged = true;
            continue;
          }
          this.store.noteWritten(rel, next);
          wroteSize = bytes.length;
          // A save that started from the version before ours and landed just after it would drop our change:
          // look once ours has settled, and re-apply on top of theirs if so.
          const settled = await readSettled(abs, rel, { ...this.settle, shrinkBelow: wroteSize });
          if (settled !== null && !settled.bytes.equals(bytes)) {
            merged = true;
            overOwnWrite = true;
            continue;
          }
          return { hash: contentHash(next), merged, changed: true };
        } finally {
          await held?.handle.close();
        }
      }
      throw new GraphBusyError(rel);
    });
  }

  /**
   * Puts `bytes` at `abs` if and only if the path still holds what `held` saw (or, with `held` null, still
   * holds nothing). Returns 'raced' when someone else's write came first; in that case theirs stands.
   */
  private async swapIn(rel: string, abs: string, held: HeldSnapshot | null, bytes: Buffer): Promise<SwapOutcome> {
    const dir = path.dirname(abs);
    const tmp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.mkdir(dir, { recursive: true });
      const handle = await fs.open(tmp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (held === null) return await this.createExclusively(tmp, abs);
      // Compare-and-swap: the path still names the file we read, and nothing has written to it since.
      const atPath = await lstatOrNull(abs);
      if (atPath === null || !sameVersion(atPath, held.stat) || !sameVersion(await held.handle.stat(), held.stat)) {
        await fs.rm(tmp, { force: true });
        return 'raced';
      }
      await fs.rename(tmp, abs);
    } catch (error) {
      await fs.rm(tmp, { force: true }).catch(() => undefined); // the temporary file may not exist; the write's own error is thrown next
      if (error instanceof GraphWriteError) throw error;
      const { code, detail } = describeFsError(error);
      throw new GraphWriteError(rel, code, detail);
    }
    // An editor that opened the file just before our rename writes into the file we replaced: its save
    // would vanish with it. Nothing may have changed in it; if something did, that save is put back.
    if (!sameContentVersion(await held.handle.stat(), held.stat)) {
      await this.restoreReplaced(rel, abs, held, bytes);
      return 'raced';
    }
    return 'written';
  }

  /** Creates `abs` from `tmp` only if nothing is there (a hard link cannot clobber, unlike rename). */
  private async createExclusively(tmp: string, abs: string): Promise<SwapOutcome> {
    try {
      await fs.link(tmp, abs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        await fs.rm(tmp, { force: true });
        return 'raced';
      }
      // File systems without hard links (FAT, some network shares): the closest check is just before the rename.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
      if ((await lstatOrNull(abs)) !== null) {
        await fs.rm(tmp, { force: true });
        return 'raced';
      }
      await fs.rename(tmp, abs);
      return 'written';
    }
    await fs.rm(tmp, { force: true });
    return 'written';
  }

  /**
   * Someone wrote into the file we had just replaced. Waits for their save to finish, then puts it back at
   * the path if the path still holds our bytes; if yet another save took the path meanwhile, theirs is
   * kept in logseq/bak/ (Logseq's own backup folder) so that nothing is lost either way.
   */
  private async restoreReplaced(rel: string, abs: string, held: HeldSnapshot, ours: Buffer): Promise<void> {
    const deadline = Date.now() + this.settle.maxWaitMs;
    let last = await readAll(held.handle);
    for (;;) {
      await sleep(this.settle.settleMs);
      const now = await readAll(held.handle);
      if (sameContentVersion(now.stat, last.stat) && Date.now() - now.stat.mtimeMs >= this.settle.settleMs) break;
      last = now;
      if (Date.now() >= deadline) break;
    }
    const theirs = (await readAll(held.handle)).bytes;
    const atPath = await openSettled(abs, rel, this.settle).catch(() => null);
    try {
      if (atPath !== null && atPath.bytes.equals(ours) && (await this.swapIn(rel, abs, atPath, theirs)) === 'written') {
        this.store.noteWritten(rel, theirs.toString('utf8'));
        return;
      }
    } finally {
      await atPath?.handle.close();
    }
    const backup = path.join(this.config.root, 'logseq', 'bak', rel.replace(/\.[^./]+$/, ''), `${new Date().toISOString().replace(/[:.]/g, '_')}${path.extname(rel)}`);
    await fs.mkdir(path.dirname(backup), { recursive: true });
    await fs.writeFile(backup, theirs, { flag: 'wx' });
  }

  /** Writes a new page under the pages folder; fails if a page with that name exists (any case). */
  async createPage(title: string, doc: PageDoc): Promise<{ path: string; hash: string }> {
    const cleanTitle = title.trim().normalize('NFC');
    if (pageNameOf(cleanTitle) === '') throw new GraphFormatError('a page needs a title');
    const existing = this.store.getByName(pageNameOf(cleanTitle));
    if (existing) throw new PageExistsError(cleanTitle, existing.path);
    const relPath = `${this.config.pagesDirectory}/${pageFileName(cleanTitle, this.config)}`;
    const properties = [...doc.properties];
    if (needsTitleProperty(cleanTitle, this.config) && !properties.some(([key]) => key.toLowerCase() === 'title')) properties.unshift(['title', cleanTitle]);
    const content = serializePage({ properties, blocks: doc.blocks }, { indentation: this.config.bulletIndentation });
    const { hash } = await this.updateFile(relPath, (current, { overOwnWrite }) => {
      // Saved on top of the page we had just created: that save started from ours, so the page is created.
      if (current !== null && overOwnWrite) return current;
      if (current !== null) throw new PageExistsError(cleanTitle, relPath);
      return content;
    });
    return { path: relPath, hash };
  }

  /**
   * Appends top-level blocks to the journal of `date`, in place: the file is opened for appending only
   * after checking that it is still exactly the settled version we read, so the bytes already there
   * (whatever their encoding) are never rewritten. A new journal is created only where none exists, and
   * Logseq's empty `-` placeholder is replaced (through the same compare-and-swap as any page).
   * Once settled, the journal must still hold the entry; if a save based on an older version dropped it,
   * it is appended again on top of that save.
   */
  async appendJournalBlocks(date: Date, blocks: BlockSpec[]): Promise<{ path: string; hash: string }> {
    const relPath = journalFileFor(date, this.store.pages(), (day) => journalRelPath(day, this.config));
    const added = serializeBlocks(blocks, { indentation: this.config.bulletIndentation });
    const { rel, abs } = this.resolve(relPath);
    return this.serialize(rel, async () => {
      let wroteSize: number | undefined;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const held = await openSettled(abs, rel, { ...this.settle, shrinkBelow: wroteSize });
        let written: Buffer;
        try {
          // A retry after our entry seemed gone (an editor's save was caught half-way through): if the settled
          // file holds it after all, it is written; appending again would journal it twice.
          if (attempt > 0 && held !== null && containsText(held.bytes, added)) {
            this.store.noteWritten(rel, held.bytes.toString('utf8'));
            return { path: rel, hash: contentHash(held.bytes.toString('utf8')) };
          }
          if (held === null || isEmptyPlaceholder(held.bytes.toString('latin1').replace(/^\xef\xbb\xbf/, ''))) {
            const bom = held?.bytes.subarray(0, 3).equals(UTF8_BOM) ? UTF8_BOM : Buffer.alloc(0);
            const eol = held !== null && held.bytes.includes('\r\n') ? '\r\n' : '\n';
            written = Buffer.concat([bom, Buffer.from(eol === '\n' ? added : added.replace(/\n/g, eol), 'utf8')]);
            if ((await this.swapIn(rel, abs, held, written)) === 'raced') continue;
          } else {
            const addition = appendixFor(held.bytes, added);
            if ((await this.appendChecked(rel, abs, held, addition)) === 'raced') continue;
            written = Buffer.concat([held.bytes, addition]);
          }
        } finally {
          await held?.handle.close();
        }
        this.store.noteWritten(rel, written.toString('utf8'));
        wroteSize = written.length;
        const settled = await readSettled(abs, rel, { ...this.settle, shrinkBelow: wroteSize });
        if (settled === null || !containsText(settled.bytes, added)) continue;
        if (!settled.bytes.equals(written)) this.store.noteWritten(rel, settled.bytes.toString('utf8'));
        return { path: rel, hash: contentHash(settled.bytes.toString('utf8')) };
      }
      throw new GraphBusyError(rel);
    });
  }

  /** Writes `addition` at the end of the file `held` read, if it is still that file, unchanged. */
  private async appendChecked(rel: string, abs: string, held: HeldSnapshot, addition: Buffer): Promise<SwapOutcome> {
    let handle: FileHandle;
    try {
      handle = await fs.open(abs, 'a');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'raced';
      const { code, detail } = describeFsError(error);
      throw new GraphWriteError(rel, code, detail);
    }
    try {
      if (!sameVersion(await handle.stat(), held.stat)) return 'raced';
      await handle.write(addition);
      await handle.sync();
      return 'written';
    } catch (error) {
      const { code, detail } = describeFsError(error);
      throw new GraphWriteError(rel, code, detail);
    } finally {
      await handle.close();
    }
  }

  /**
   * Renames a page the way Logseq 0.10 does: moves its file and those of its namespace children
   * (`Old/child` becomes `New/child`), keeps `title::` current where the file name cannot carry the
   * title, and rewrites `[[Old]]`, `[[Old/child]]`, `#Old` and tags/alias mentions through
   * conditional writes. A case-only rename (`old` to `Old`) touches the page alone, as in Logseq.
   * Either every file moves or none does; if a move fails and cannot be undone, the error lists the
   * files that moved (`GraphRenameIncompleteError`).
   */
  async renamePage(fromTitle: string, toTitle: string): Promise<RenameResult> {
    const page = this.store.getByName(pageNameOf(fromTitle));
    if (!page) throw new PageNotFoundError(fromTitle);
    if (page.kind === 'journal') throw new GraphFormatError(`"${page.title}" is a journal page; journals are named by their date`);
    const newTitle = toTitle.trim().normalize('NFC');
    if (pageNameOf(newTitle) === '') throw new GraphFormatError('a page needs a title');
    const oldName = page.name;
    const newName = pageNameOf(newTitle);
    const caseOnly = oldName === newName;

    const plan = this.planRename(page, newTitle, caseOnly);
    const movingPaths = new Set(plan.map((move) => move.page.path));
    for (const move of plan) {
      const other = this.store.getByName(pageNameOf(move.newTitle));
      if (other && !movingPaths.has(other.path)) throw new PageExistsError(move.newTitle, other.path);
    }
    // Logseq treats an alias as a page of that name (renaming onto it would merge into the aliased page).
    const targetNames = new Set(plan.map((move) => pageNameOf(move.newTitle)));
    for (const other of this.store.pages()) {
      const aliases = other.properties.alias;
      if (movingPaths.has(other.path) || !Array.isArray(aliases)) continue;
      const taken = aliases.find((alias) => targetNames.has(pageNameOf(alias)));
      if (taken !== undefined) throw new PageAliasTakenError(taken, other.path);
    }
    const moved = await this.moveFiles(plan);

    const updatedPaths: string[] = [];
    const failed: Array<{ path: string; error: Error }> = [];
    // The moves stand from here on: a write that fails is reported with its page, not thrown.
    for (const move of plan) {
      const hadTitle = typeof move.page.properties.title === 'string';
      if (move.page.format !== 'markdown' || !(hadTitle || needsTitleProperty(move.newTitle, this.config))) continue;
      try {
        await this.updateFile(move.newRel, (current) => setPageTitleProperty(current ?? '', move.newTitle));
      } catch (error) {
        failed.push({ path: move.newRel, error: error as Error });
      }
    }

    const renames = new Map<string, string>();
    for (const move of plan) renames.set(move.page.name, move.newTitle);
    // Namespace pages that exist only as references (no file) are renamed in those references too.
    const inNamespace = (name: string): boolean => !caseOnly && name.startsWith(oldName + '/');
    const renamedTitle = (text: string): string | undefined => {
      const name = pageNameOf(text);
      return renames.get(name) ?? (inNamespace(name) ? newTitle + namespaceRest(text, page.title) : undefined);
    };

    for (const referrer of this.store.pages()) {
      if (!referrer.refs.some((ref) => renames.has(ref) || inNamespace(ref))) continue;
      try {
        const result = await this.updateFile(referrer.path, (current) => replacePageReferencesIn(current ?? '', renamedTitle), { expectedHash: referrer.hash });
        if (result.changed) updatedPaths.push(referrer.path);
      } catch (error) {
        failed.push({ path: referrer.path, error: error as Error });
      }
    }
    return { path: plan[0].newRel, moved, updatedPaths, failed };
  }

  /** The page first, then its namespace children (files only), each with its new title and path. */
  private planRename(page: ParsedPage, newTitle: string, caseOnly: boolean): RenameMove[] {
    const pages = [page];
    if (!caseOnly) {
      for (const candidate of this.store.pages()) {
        if (candidate.kind !== 'journal' && candidate.name.startsWith(page.name + '/')) pages.push(candidate);
      }
    }
    return pages.map((each) => {
      // Only the namespace prefix is replaced, so `work/worklog` becomes `work1/worklog`, not `work1/work1log`.
      const title = each === page ? newTitle : newTitle + namespaceRest(each.title, page.title);
      const folder = path.posix.dirname(each.path);
      const extension = path.posix.extname(each.path).slice(1) || 'md';
      const newRel = normalizeRelPath(`${folder === '.' ? '' : folder + '/'}${pageFileName(title, this.config, extension)}`);
      return { page: each, newTitle: title, newRel };
    });
  }

  /**
   * Moves every planned file, in an order where no file lands on one not yet moved; on a failure
   * the moves already made are undone, so the graph is left as it was or the error says what moved.
   */
  private async moveFiles(plan: RenameMove[]): Promise<Array<{ from: string; to: string }>> {
    // Growing (`A` -> `A/B`): deepest first, so `A/B` moves away before `A` lands there; shrinking: the reverse.
    const grows = pageNameOf(plan[0].newTitle).length >= plan[0].page.name.length;
    const ordered = [...plan].sort((a, b) => (grows ? b.page.name.length - a.page.name.length : a.page.name.length - b.page.name.length));
    const done: Array<{ from: string; to: string; content: string }> = [];
    try {
      for (const move of ordered) {
        if (move.newRel === move.page.path) continue;
        const from = this.resolve(move.page.path);
        const to = this.resolve(move.newRel);
        await this.serialize(from.rel, async () => {
          const caseOnly = move.newRel.toLowerCase() === move.page.path.toLowerCase();
          if (!caseOnly && (await exists(to.abs))) throw new PageExistsError(move.newTitle, move.newRel);
          // A page in the middle of a save is not moved until the save is over.
          await (await openSettled(from.abs, from.rel, this.settle))?.handle.close();
          try {
            await fs.rename(from.abs, to.abs);
          } catch (error) {
            const { code, detail } = describeFsError(error);
            throw new GraphWriteError(move.page.path, code, detail);
          }
          done.push({ from: move.page.path, to: move.newRel, content: (await readOrNull(to.abs)) ?? '' });
        });
      }
      await this.refuseIfSavedUnderOldName(done);
    } catch (error) {
      const stillMoved = await this.undoMoves(done);
      if (stillMoved.length > 0) throw new GraphRenameIncompleteError(stillMoved, error as Error);
      throw error;
    }
    for (const move of done) this.store.noteRenamed(move.from, move.to, move.content);
    return done.map(({ from, to }) => ({ from, to }));
  }

  /**
   * An editor that had the page open saves it under its old name just as we move it: that save would bring
   * the page back next to the moved one, two skills with one skill-id. Once the moves have settled, every
   * old path must still be free; if one is taken again, the rename is refused (and undone) so the user's
   * save stands alone.
   */
  private async refuseIfSavedUnderOldName(done: Array<{ from: string; to: string }>): Promise<void> {
    if (done.length === 0) return;
    await sleep(this.settle.settleMs);
    const landedOn = new Set(done.map((move) => move.to.toLowerCase()));
    for (const move of done) {
      // `Notes` -> `Notes/2024` moves `Notes/2024` away and another move lands on its old path: that is ours.
      if (landedOn.has(move.from.toLowerCase())) continue;
      if ((await lstatOrNull(this.resolve(move.from).abs)) !== null) {
        throw new GraphConflictError(move.from, 'Logseq saved the page under its old name during the rename, so the rename was undone');
      }
    }
  }

  /**
   * Puts moved files back, newest first; returns the moves that could not be undone. Where the old path
   * was saved again meanwhile (the user's newer version), the moved copy is the version that save replaced:
   * it goes to logseq/.recycle rather than back, so the user's save stays the only page and nothing is deleted.
   */
  private async undoMoves(done: Array<{ from: string; to: string }>): Promise<Array<{ from: string; to: string }>> {
    const stuck: Array<{ from: string; to: string }> = [];
    for (const move of [...done].reverse()) {
      const from = path.join(this.config.root, move.from);
      try {
        if (await exists(from)) {
          const copy = await readOrNull(this.resolve(move.to).abs);
          const original = this.store.getByPath(move.from);
          if (copy !== null && original !== undefined && contentHash(copy) === original.hash) {
            await this.recycleFile(move.to, this.resolve(move.to).abs);
            continue;
          }
          throw new Error('the old path is taken again');
        }
        await fs.rename(this.resolve(move.to).abs, from);
      } catch {
        // Reported: the move is returned as stuck, for the caller to show.
        stuck.push({ from: move.from, to: move.to });
      }
    }
    // Files that stay moved are real: the in-memory graph must show them where they are.
    for (const move of stuck) this.store.noteRenamed(move.from, move.to, (await readOrNull(this.resolve(move.to).abs)) ?? '');
    return stuck.reverse();
  }

  /** Moves a page to `logseq/.recycle/`, named as Logseq names it (`/` replaced by `_`). */
  async recyclePage(relPath: string): Promise<{ recycledTo: string }> {
    const { rel, abs } = this.resolve(relPath);
    return this.serialize(rel, async () => {
      const recycledTo = await this.recycleFile(rel, abs);
      this.store.noteRemoved(rel);
      return { recycledTo };
    });
  }

  private async recycleFile(rel: string, abs: string): Promise<string> {
    const flat = rel.replace(/[/\\]/g, '_');
    let target = `logseq/.recycle/${flat}`;
    // Logseq would overwrite an earlier recycled copy; we keep both so nothing is lost.
    for (let stamp = Date.now(); await exists(path.join(this.config.root, target)); stamp++) {
      const ext = path.posix.extname(flat);
      target = `logseq/.recycle/${flat.slice(0, flat.length - ext.length)}.${stamp}${ext}`;
    }
    try {
      await fs.mkdir(path.join(this.config.root, 'logseq', '.recycle'), { recursive: true });
      await fs.rename(abs, path.join(this.config.root, target));
    } catch (error) {
      const { code, detail } = describeFsError(error);
      throw new GraphWriteError(rel, code, detail);
    }
    return target;
  }
}

/** Sets (or adds) the page-level `title::` property, leaving everything else byte for byte. */
export function setPageTitleProperty(content: string, title: string): string {
  const bom = content.startsWith('\ufeff') ? '\ufeff' : '';
  const body = bom ? content.slice(1) : content;
  const eol = lineEndingOf(body);
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = PROPERTY_LINE.exec(lines[i]);
    if (!m) break;
    if (m[1].toLowerCase() === 'title') {
      lines[i] = `${m[1]}:: ${title}`;
      return bom + lines.join(eol);
    }
  }
  return bom + `title:: ${title}${eol}` + body;
}

const REF_IN_BRACKETS = /\[\[([^[\]]+?)\]\]/g;
const TAG_REF = /(^|[\s,(])#(?!\[\[)([^\s,;!?"'()[\]{}#]+)/g;
const MULTI_VALUE_LINE = /^(\s*(?:-\s+)?)(tags|alias)::(.*)$/i;
const FENCE = /^\s*(`{3,}|~{3,})/;

function tagFor(title: string): string {
  return /[\s,;!?"'()[\]{}#]/.test(title) ? `#[[${title}]]` : `#${title}`;
}

/** `Old/Child/x` under `old` -> `/Child/x`: the part of a namespace child's title below the parent, as written. */
function namespaceRest(childTitle: string, parentTitle: string): string {
  const text = childTitle.trim();
  if (pageNameOf(text.slice(0, parentTitle.length)) === pageNameOf(parentTitle) && text[parentTitle.length] === '/') return text.slice(parentTitle.length);
  // The child spells the parent differently (e.g. another Unicode case form): keep its identity, lose its casing.
  return pageNameOf(text).slice(pageNameOf(parentTitle).length);
}

/** Rewrites references to page `oldName` as references to `newTitle`, outside code fences. */
export function replacePageReferences(content: string, oldName: string, newTitle: string): string {
  return replacePageReferencesIn(content, (text) => (pageNameOf(text) === oldName ? newTitle : undefined));
}

/** Rewrites each reference whose text `renamedTitle` maps to a new title (undefined: leave it), outside code fences. */
export function replacePageReferencesIn(content: string, renamedTitle: (referenceText: string) => string | undefined): string {
  const parts = content.split(/(\r?\n)/);
  let fence: string | undefined;
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i];
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && line.trim().length >= fence.length && /^[`~]+$/.test(line.trim())) fence = undefined;
      continue;
    }
    if (fenceMatch && !(fenceMatch[1][0] === '`' && line.trim().slice(fenceMatch[1].length).includes('`'))) {
      fence = fenceMatch[1];
      continue;
    }
    let next = line.replace(REF_IN_BRACKETS, (whole, inner: string) => {
      const renamed = renamedTitle(inner.trim());
      return renamed === undefined ? whole : `[[${renamed}]]`;
    });
    next = next.replace(TAG_REF, (whole, lead: string, tag: string) => {
      const trailing = /[.]+$/.exec(tag)?.[0] ?? '';
      const bare = tag.slice(0, tag.length - trailing.length);
      const renamed = renamedTitle(bare);
      return renamed === undefined ? whole : `${lead}${tagFor(renamed)}${trailing}`;
    });
    const multi = MULTI_VALUE_LINE.exec(next);
    if (multi) {
      const items = multi[3].split(',').map((part) => {
        const core = part.trim();
        if (core === '' || core.startsWith('[[') || core.startsWith('#')) return part;
        const renamed = renamedTitle(core);
        return renamed === undefined ? part : part.replace(core, /,/.test(renamed) ? `[[${renamed}]]` : renamed);
      });
      next = `${multi[1]}${multi[2]}::${items.join(',')}`;
    }
    parts[i] = next;
  }
  return parts.join('');
}
