// Every write to the graph: atomic (dotfile in the same folder, then rename), conditional on what
// was read (the caller's transform is re-applied to newer content), and page-level operations
// (create, append to journal, rename with reference updates, recycle) built on top of that.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ParsedPage } from '../../../shared/types';
import type { GraphConfig } from './config';
import { normalizeRelPath } from './config';
import { GraphConflictError, GraphFormatError, GraphWriteError, PageExistsError, PageNotFoundError, describeFsError } from './errors';
import { journalRelPath, needsTitleProperty, pageFileName, pageNameOf } from './names';
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
    const relPath = journalRelPath(date, this.config);
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
   * Renames a page the way Logseq does: moves its file, keeps a `title::` property current, and
   * rewrites `[[Old]]`, `#Old` and tags/alias mentions in other pages through conditional writes.
   */
  async renamePage(fromTitle: string, toTitle: string): Promise<{ path: string; updatedPaths: string[]; failed: Array<{ path: string; error: Error }> }> {
    const page = this.store.getByName(pageNameOf(fromTitle));
    if (!page) throw new PageNotFoundError(fromTitle);
    if (page.kind === 'journal') throw new GraphFormatError(`"${page.title}" is a journal page; journals are named by their date`);
    const newTitle = toTitle.trim().normalize('NFC');
    if (pageNameOf(newTitle) === '') throw new GraphFormatError('a page needs a title');
    const oldName = page.name;
    const newName = pageNameOf(newTitle);
    const other = this.store.getByName(newName);
    if (other && other.path !== page.path) throw new PageExistsError(newTitle, other.path);

    const folder = path.posix.dirname(page.path);
    const newRel = normalizeRelPath(`${folder === '.' ? '' : folder + '/'}${pageFileName(newTitle, this.config)}`);
    const from = this.resolve(page.path);
    const to = this.resolve(newRel);
    await this.serialize(from.rel, async () => {
      if (newRel !== page.path) {
        const caseOnly = newRel.toLowerCase() === page.path.toLowerCase();
        if (!caseOnly && (await exists(to.abs))) throw new PageExistsError(newTitle, newRel);
        try {
          await fs.rename(from.abs, to.abs);
        } catch (error) {
          const { code, detail } = describeFsError(error);
          throw new GraphWriteError(page.path, code, detail);
        }
      }
      const content = (await readOrNull(to.abs)) ?? '';
      this.store.noteRenamed(page.path, newRel, content);
    });
    const hadTitle = typeof page.properties.title === 'string';
    if (hadTitle || needsTitleProperty(newTitle, this.config)) {
      await this.updateFile(newRel, (current) => setPageTitleProperty(current ?? '', newTitle));
    }

    const updatedPaths: string[] = [];
    const failed: Array<{ path: string; error: Error }> = [];
    for (const referrer of this.store.pages()) {
      if (referrer.path === newRel || !referrer.refs.includes(oldName)) continue;
      try {
        const result = await this.updateFile(referrer.path, (current) => replacePageReferences(current ?? '', oldName, newTitle), { expectedHash: referrer.hash });
        if (result.changed) updatedPaths.push(referrer.path);
      } catch (error) {
        failed.push({ path: referrer.path, error: error as Error });
      }
    }
    return { path: newRel, updatedPaths, failed };
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

/** Rewrites references to page `oldName` as references to `newTitle`, outside code fences. */
export function replacePageReferences(content: string, oldName: string, newTitle: string): string {
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
    let next = line.replace(REF_IN_BRACKETS, (whole, inner: string) => (pageNameOf(inner.trim()) === oldName ? `[[${newTitle}]]` : whole));
    next = next.replace(TAG_REF, (whole, lead: string, tag: string) => {
      const trailing = /[.]+$/.exec(tag)?.[0] ?? '';
      const bare = tag.slice(0, tag.length - trailing.length);
      return pageNameOf(bare) === oldName ? `${lead}${tagFor(newTitle)}${trailing}` : whole;
    });
    const multi = MULTI_VALUE_LINE.exec(next);
    if (multi) {
      const items = multi[3].split(',').map((part) => {
        const core = part.trim();
        if (core === '' || core.startsWith('[[') || core.startsWith('#')) return part;
        return pageNameOf(core) === oldName ? part.replace(core, /,/.test(newTitle) ? `[[${newTitle}]]` : newTitle) : part;
      });
      next = `${multi[1]}${multi[2]}::${items.join(',')}`;
    }
    parts[i] = next;
  }
  return parts.join('');
}
