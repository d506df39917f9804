// Every write to the graph: atomic (dotfile in the same folder, then rename), conditional on what
// was read (the caller's transform is re-applied to newer content), and page-level operations
// (create, append to journal, rename with reference updates, recycle) built on top of that.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ParsedPage } from '../../../shared/types';
import type { GraphConfig } from './config';
import { normalizeRelPath } from './config';
import { GraphConflictError, GraphFormatError, GraphRenameIncompleteError, GraphWriteError, PageAliasTakenError, PageExistsError, PageNotFoundError, describeFsError } from './errors';
import { journalRelPath, needsTitleProperty, pageFileName, pageNameOf } from './names';
import { journalFileFor } from './journals';
import { contentHash, PROPERTY_LINE } from './parser';
import type { BlockSpec, PageDoc } from './serializer';
import { serializeBlocks, serializePage } from './serializer';

/** What the writer needs from the in-memory graph; `Graph` implements it. */
export interface GraphStore {
  readonly config: GraphConfig;
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
  /** When the file changed since `expectedHash`: re-apply the transform (default) or fail. */
  onConflict?: 'reapply' | 'fail';
}

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

const MAX_ATTEMPTS = 5;

async function readOrNull(absPath: string): Promise<string | null> {
  try {
    return await fs.readFile(absPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function exists(absPath: string): Promise<boolean> {
  try {
    await fs.lstat(absPath);
    return true;
  } catch {
    return false;
  }
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
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }

  /**
   * Replaces a file with `transform(current)` atomically. The transform always sees the newest
   * content: if the file changes before our rename, it is re-read and the transform re-applied.
   */
  async updateFile(relPath: string, transform: (current: string | null) => string, opts: UpdateOptions = {}): Promise<UpdateResult> {
    const { rel, abs } = this.resolve(relPath);
    return this.serialize(rel, async () => {
      let merged = false;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        let current: string | null;
        try {
          current = await readOrNull(abs);
        } catch (error) {
          const { code, detail } = describeFsError(error);
          throw new GraphWriteError(rel, code, detail);
        }
        const currentHash = current === null ? null : contentHash(current);
        if (opts.expectedHash !== undefined && currentHash !== opts.expectedHash) {
          if (opts.onConflict === 'fail') throw new GraphConflictError(rel, 'its content is not the version you edited');
          merged = true;
        }
        const next = transform(current);
        if (typeof next !== 'string') throw new GraphFormatError(`the new content for ${rel} is not text`);
        if (current !== null && current.trim() !== '' && next.trim() === '') {
          throw new GraphWriteError(rel, undefined, 'refusing to empty a page that has content; recycle the page instead');
        }
        if (next === current) return { hash: currentHash as string, merged, changed: false };
        const dir = path.dirname(abs);
        const tmp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
        try {
          await fs.mkdir(dir, { recursive: true });
          const handle = await fs.open(tmp, 'wx');
          try {
            await handle.writeFile(next, 'utf8');
            await handle.sync();
          } finally {
            await handle.close();
          }
          // Someone (Logseq, a sync tool) wrote between our read and now: start over on their content.
          const again = await readOrNull(abs);
          if (again !== current) {
            await fs.rm(tmp, { force: true });
            merged = true;
            continue;
          }
          await fs.rename(tmp, abs);
        } catch (error) {
          await fs.rm(tmp, { force: true }).catch(() => undefined);
          const { code, detail } = describeFsError(error);
          throw new GraphWriteError(rel, code, detail);
        }
        this.store.noteWritten(rel, next);
        return { hash: contentHash(next), merged, changed: true };
      }
      throw new GraphConflictError(rel, `it kept changing during ${MAX_ATTEMPTS} attempts to save`);
    });
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
    const { hash } = await this.updateFile(relPath, (current) => {
      if (current !== null) throw new PageExistsError(cleanTitle, relPath);
      return content;
    });
    return { path: relPath, hash };
  }

  /** Appends top-level blocks to the journal of `date`, creating it (or filling Logseq's empty `-`). */
  async appendJournalBlocks(date: Date, blocks: BlockSpec[]): Promise<{ path: string; hash: string }> {
    const relPath = journalFileFor(date, this.store.pages(), (day) => journalRelPath(day, this.config));
    const added = serializeBlocks(blocks, { indentation: this.config.bulletIndentation });
    const { hash } = await this.updateFile(relPath, (current) => {
      if (current === null) return added;
      const bom = current.startsWith('\ufeff') ? '\ufeff' : '';
      const body = bom ? current.slice(1) : current;
      const eol = lineEndingOf(body);
      const addedHere = eol === '\n' ? added : added.replace(/\n/g, eol);
      if (isEmptyPlaceholder(body)) return bom + addedHere;
      return bom + body + (body.endsWith('\n') ? '' : eol) + addedHere;
    });
    return { path: relPath, hash };
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
          try {
            await fs.rename(from.abs, to.abs);
          } catch (error) {
            const { code, detail } = describeFsError(error);
            throw new GraphWriteError(move.page.path, code, detail);
          }
          done.push({ from: move.page.path, to: move.newRel, content: (await readOrNull(to.abs)) ?? '' });
        });
      }
    } catch (error) {
      const stillMoved = await this.undoMoves(done);
      if (stillMoved.length > 0) throw new GraphRenameIncompleteError(stillMoved, error as Error);
      throw error;
    }
    for (const move of done) this.store.noteRenamed(move.from, move.to, move.content);
    return done.map(({ from, to }) => ({ from, to }));
  }

  /** Puts moved files back, newest first; returns the moves that could not be undone. */
  private async undoMoves(done: Array<{ from: string; to: string }>): Promise<Array<{ from: string; to: string }>> {
    const stuck: Array<{ from: string; to: string }> = [];
    for (const move of [...done].reverse()) {
      const from = path.join(this.config.root, move.from);
      try {
        if (await exists(from)) throw new Error('the old path is taken again');
        await fs.rename(this.resolve(move.to).abs, from);
      } catch {
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
      const flat = rel.replace(/[/\\]/g, '_');
      let target = `logseq/.recycle/${flat}`;
      // Logseq would overwrite an earlier recycled copy; we keep both so nothing is lost.
      if (await exists(path.join(this.config.root, target))) {
        const ext = path.posix.extname(flat);
        target = `logseq/.recycle/${flat.slice(0, flat.length - ext.length)}.${Date.now()}${ext}`;
      }
      try {
        await fs.mkdir(path.join(this.config.root, 'logseq', '.recycle'), { recursive: true });
        await fs.rename(abs, path.join(this.config.root, target));
      } catch (error) {
        const { code, detail } = describeFsError(error);
        throw new GraphWriteError(rel, code, detail);
      }
      this.store.noteRemoved(rel);
      return { recycledTo: target };
    });
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
