// The skills service: every skill operation over the Logseq graph (the only place skills live), with a journal
// entry per change, conditional writes that keep concurrent edits made in Logseq, and the index kept in step.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { JournalEntry, SkillDetail, SkillListQuery } from '../../../shared/contract';
import { InvalidInputError, NotFoundError, SkillgraphError } from '../../../shared/errors';
import type { Actor, GraphEvent, ParsedPage, Skill, SkillLanguage, SkillStatus, ToolDoc } from '../../../shared/types';
import type { Graph } from '../graph';
import { normalizeRelPath } from '../graph/config';
import { readSettled } from '../graph/disk';
import { GraphConflictError, PageExistsError } from '../graph/errors';
import type { TransformContext } from '../graph/writer';
import { pageNameOf, titleFromPath } from '../graph/names';
import { parsePage } from '../graph/parser';
import type { SearchIndex } from '../index/search-index';
import { exportAgentSkill, readAgentSkill, type ImportedSkill } from './agent-skills';
import { journalEntriesOf, skillEventBlock, sortJournalEntries, type SkillAction, type SkillEvent } from './journal';
import { materializeSkills, type MaterializeResult } from './materialize';
import { holdsSkillOver, isSkillPage, oneSkillPerId, skillFromPage, skillNameFromTitle } from './model';
import { SkillCodeError, toSkillModule, type SkillModule } from './module';
import { skillExportName, skillPageTitle, validateSkillName } from './names';
import { formatPins, normalizeTags, oneLine, replaceDescriptionBlock, replaceSkillCode, replaceUsage, setPageProperties, skillPageDoc } from './page';
import { comparePins, currentHashes, detectToolCalls, pinsFor, type PinStatus } from './pins';
import { checkPythonSyntax } from './python-syntax';

export type SkillListInput = z.output<typeof SkillListQuery>;

export interface SaveSkillInput {
  name: string;
  description: string;
  code: string;
  language: SkillLanguage;
  tags?: string[];
  usage?: string;
  example?: string;
  runId?: string;
  servers?: string[];
}

export interface UpdateSkillInput {
  name: string;
  description?: string;
  code?: string;
  tags?: string[];
  usage?: string;
}

export interface SkillServiceOptions {
  graph: Graph;
  index: SearchIndex;
  /** The tool docs that pins are taken from and checked against; defaults to the index's. */
  toolDocs?: () => readonly ToolDoc[];
  /** The interpreter that syntax-checks Python skills on save; `python3` unless the sandbox uses another. */
  python?: string;
  now?: () => Date;
}

/** Who changes a skill when the app itself does it (schema checks). */
export const SKILLGRAPH_ACTOR: Actor = { kind: 'agent', name: 'Skillgraph' };

export class SkillExistsError extends SkillgraphError {
  constructor(name: string, existingPath: string) {
    super('skill-exists', `a skill named "${name}" already exists (${existingPath}); names are case-insensitive, so pick another name or update that skill`);
  }
}

export class SkillNotFoundError extends NotFoundError {
  constructor(name: string) {
    super(`no skill named "${name}" in the graph (a skill is a page with type:: skill, usually Skills/${name})`);
  }
}

export interface PinReview {
  name: string;
  changed: PinStatus[];
}

export class SkillService {
  private readonly graph: Graph;
  private readonly index: SearchIndex;
  private readonly toolDocs: () => readonly ToolDoc[];
  private readonly python: string;
  private readonly now: () => Date;

  constructor(options: SkillServiceOptions) {
    this.graph = options.graph;
    this.index = options.index;
    this.toolDocs = options.toolDocs ?? (() => this.index.toolDocs());
    this.python = options.python ?? 'python3';
    this.now = options.now ?? (() => new Date());
  }

  // -------------------------------------------------------------------------------------------
  // Reading.

  /** Every skill page in the graph, read from the graph itself (always current). */
  all(): Skill[] {
    const skills: Skill[] = [];
    for (const page of this.graph.pages()) {
      const skill = skillFromPage(page);
      if (skill) skills.push(skill);
    }
    return oneSkillPerId(skills).sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
  }

  /** False for a page whose skill-id another page holds (graph.ts warns about both): it is not listed or changed as a skill. */
  private holdsItsSkill(page: ParsedPage): boolean {
    const skill = skillFromPage(page);
    if (!skill) return false;
    return !this.graph.pages().some((other) => {
      if (other.path === page.path || !isSkillPage(other)) return false;
      const rival = skillFromPage(other);
      return rival !== null && rival.id === skill.id && holdsSkillOver(rival, skill);
    });
  }

  list(query: SkillListInput = {}): { skills: Skill[]; total: number } {
    const { sort, limit, offset, ...filters } = query;
    return { skills: this.index.skills({ ...filters, sort, limit, offset }), total: this.index.countSkills(filters) };
  }

  /** The page of skill `name` (case-insensitive): `Skills/<name>` first, else any page with `type:: skill` and that name. */
  findPage(name: string): ParsedPage | undefined {
    const direct = this.graph.getByName(pageNameOf(skillPageTitle(name)));
    if (direct && isSkillPage(direct)) return this.holdsItsSkill(direct) ? direct : undefined;
    const wanted = name.toLowerCase();
    return this.graph
      .pages()
      .filter((page) => isSkillPage(page) && skillNameFromTitle(page.title).toLowerCase() === wanted && this.holdsItsSkill(page))
      .sort((a, b) => a.path.localeCompare(b.path))[0];
  }

  skill(name: string): Skill {
    const page = this.findPage(name);
    const skill = page && skillFromPage(page);
    if (!skill) throw new SkillNotFoundError(name);
    return skill;
  }

  async get(name: string): Promise<SkillDetail> {
    const skill = this.skill(name);
    const markdown = await fs.readFile(path.join(this.graph.config.root, this.graph.diskPath(skill.path)), 'utf8');
    const history = this.journal().filter((entry) => entry.skill.toLowerCase() === skill.name.toLowerCase());
    const pins = comparePins(skill.pins, currentHashes(this.toolDocs()));
    const graphName = path.basename(this.graph.config.root);
    return { skill, markdown, history, pins, logseqUrl: `logseq://graph/${encodeURIComponent(graphName)}?page=${encodeURIComponent(skill.pageTitle)}` };
  }

  /** Skill events from every journal page, newest first; `days` limits it to the last N days. */
  journal(options: { days?: number } = {}): JournalEntry[] {
    const statuses = new Map(this.all().map((skill) => [skill.name.toLowerCase(), skill.status] as const));
    const since = options.days === undefined ? undefined : isoDay(new Date(this.now().getTime() - (options.days - 1) * 86_400_000));
    const entries: JournalEntry[] = [];
    for (const page of this.graph.pages()) {
      if (page.kind !== 'journal' || (since && (page.journalDate ?? '') < since)) continue;
      entries.push(...journalEntriesOf(page, (name) => statuses.get(name.toLowerCase())));
    }
    return sortJournalEntries(entries);
  }

  // -------------------------------------------------------------------------------------------
  // Changing.

  /** Creates `Skills/<name>` and a journal entry. Agents save drafts; a person's own skill is approved. */
  async save(input: SaveSkillInput, actor: Actor): Promise<Skill> {
    return this.create(
      {
        name: input.name,
        description: input.description,
        code: input.code,
        language: input.language,
        tags: input.tags ?? [],
        usage: input.usage ?? '',
        example: input.example ?? '',
        servers: input.servers ?? [],
        pins: {},
        ...(input.runId ? { run: input.runId } : {}),
      },
      actor,
    );
  }

  private async create(fields: ImportedSkill, actor: Actor): Promise<Skill> {
    const name = validateSkillName(fields.name);
    const description = oneLine(fields.description);
    if (!description) throw new InvalidInputError(`skill "${name}" needs a description: one line saying what it does and when to use it`);
    const { module, warnings } = await this.checkedModule(name, fields.language, fields.code);
    const existing = this.findPage(name);
    if (existing) throw new SkillExistsError(name, existing.path);
    const { servers, pins } = this.pinsOf(module.code, fields.language, fields.servers, fields.pins);
    const now = this.now();
    const status: SkillStatus = actor.kind === 'agent' ? 'draft' : (fields.status ?? 'approved');
    const title = skillPageTitle(name);
    const doc = skillPageDoc({
      id: fields.id ?? randomUUID(),
      description,
      tags: normalizeTags(fields.tags),
      language: fields.language,
      status,
      source: fields.source ?? actor,
      servers,
      ...(fields.run ? { run: fields.run } : {}),
      pins,
      created: fields.created ?? now.toISOString(),
      updated: now.toISOString(),
      usage: fields.usage,
      example: fields.example,
      code: module.code,
    });
    let created: { path: string };
    try {
      created = await this.graph.writer.createPage(title, doc);
    } catch (error) {
      if (error instanceof PageExistsError) throw new SkillExistsError(name, error.existingPath);
      throw error;
    }
    await this.journalEvent({ action: 'created', pageTitle: title, actor, at: now, run: fields.run, servers });
    this.reflect([created.path]);
    return withWarnings(await this.skillOnDisk(created.path), warnings);
  }

  /** Changes description, code, tags or usage; re-applied to the newest file so edits made meanwhile are kept. */
  async update(input: UpdateSkillInput, actor: Actor): Promise<Skill> {
    const page = this.requirePage(input.name);
    const before = skillFromPage(page)!;
    let code: string | undefined;
    let repin: { servers: string[]; pins: Record<string, string> } | undefined;
    let warnings: string[] = [];
    if (input.code !== undefined) {
      let module: SkillModule;
      ({ module, warnings } = await this.checkedModule(before.name, before.language, input.code));
      code = module.code;
      repin = this.pinsOf(code, before.language, before.servers, {});
    }
    if (input.description !== undefined && !oneLine(input.description)) throw new InvalidInputError(`skill "${before.name}" needs a description; it cannot be emptied`);
    const now = this.now();
    /** What this update last wrote: a save landing on top of it may keep our fields, which is no clash. */
    let ours: Skill | undefined;
    const skill = await this.rewrite(page, (current, { changedSince }) => {
      let next = current;
      const currentSkill = skillFromPage(parsePage(current, page.path, this.graph.config, 0));
      // Edited in Logseq since we read it: the user's edit wins. Ours goes on top only where it touches other fields.
      if (changedSince) refuseOverlap(page.path, [before, ...(ours ? [ours] : [])], currentSkill, input);
      const props: Array<[string, string | string[] | null]> = [];
      if (input.description !== undefined) {
        next = replaceDescriptionBlock(next, page.path, this.graph.config, currentSkill?.description ?? before.description, input.description);
        props.push(['description', oneLine(input.description)]);
      }
      if (input.tags !== undefined) props.push(['tags', normalizeTags(input.tags)]);
      if (code !== undefined) {
        next = replaceSkillCode(next, page.path, this.graph.config, code, currentSkill?.language ?? before.language);
        props.push(['servers', repin!.servers], ['pins', formatPins(repin!.pins) || null]);
      }
      if (input.usage !== undefined) next = replaceUsage(next, page.path, this.graph.config, input.usage);
      props.push(['updated', now.toISOString()]);
      const written = setPageProperties(next, props);
      ours = skillFromPage(parsePage(written, page.path, this.graph.config, 0)) ?? undefined;
      return written;
    });
    await this.journalEvent({ action: 'updated', pageTitle: page.title, actor, at: now, servers: repin?.servers });
    return withWarnings(skill, warnings);
  }

  /** Approve, reject (archive) or reopen. Approving re-pins the tools to their current schemas: a person looked. */
  async setStatus(name: string, status: SkillStatus, actor: Actor, detail?: string): Promise<Skill> {
    const page = this.requirePage(name);
    const before = skillFromPage(page)!;
    if (before.status === status) return before;
    const now = this.now();
    const current = currentHashes(this.toolDocs());
    const pins = { ...before.pins };
    if (status === 'approved') for (const tool of Object.keys(pins)) if (current.has(tool)) pins[tool] = current.get(tool)!.slice(0, 16);
    const skill = await this.rewrite(page, (text) =>
      setPageProperties(text, [
        ['status', status],
        ...(status === 'approved' && formatPins(pins) !== formatPins(before.pins) ? ([['pins', formatPins(pins)]] as Array<[string, string]>) : []),
        ['updated', now.toISOString()],
      ]),
    );
    const action: SkillAction = status === 'approved' ? 'approved' : status === 'archived' ? 'rejected' : status === 'needs-review' ? 'needs-review' : 'updated';
    await this.journalEvent({ action, pageTitle: page.title, actor, at: now, detail: detail ?? (status === 'draft' ? 'and reopened as a draft' : undefined) });
    return skill;
  }

  /** Renames the page and file as Logseq does (references follow) and the function in the code with it. */
  async rename(name: string, newName: string, actor: Actor): Promise<Skill> {
    const page = this.requirePage(name);
    const before = skillFromPage(page)!;
    validateSkillName(newName);
    const clash = this.findPage(newName);
    if (clash && clash.path !== page.path) throw new SkillExistsError(newName, clash.path);
    const moved = await this.graph.writer.renamePage(page.title, skillPageTitle(newName));
    const [from, to] = before.language === 'python' ? [before.name, newName] : [skillExportName(before.name), skillExportName(newName)];
    const now = this.now();
    const renamed = this.graph.getByPath(moved.path)!;
    // The page is about this skill: its function name is renamed everywhere on it (code, usage, example).
    const identifier = new RegExp(`\\b${from}\\b`, 'g');
    const skill = await this.rewrite(renamed, (text) => {
      const split = text.search(/\n\s*\n|\n[-*] /);
      const head = split < 0 ? text : text.slice(0, split);
      const body = split < 0 ? '' : text.slice(split);
      return setPageProperties(head + (from === to ? body : body.replace(identifier, to)), [['updated', now.toISOString()]]);
    });
    this.reflect([page.path, ...moved.updatedPaths]);
    await this.journalEvent({ action: 'renamed', pageTitle: skillPageTitle(newName), actor, at: now, detail: `(was ${before.name})` });
    return skill;
  }

  /** Moves the page to logseq/.recycle (as Logseq does); `restore` puts it back. */
  async delete(name: string, actor: Actor): Promise<{ recycledPath: string }> {
    const page = this.requirePage(name);
    const { recycledTo } = await this.graph.writer.recyclePage(page.path);
    await this.journalEvent({ action: 'deleted', pageTitle: page.title, actor, at: this.now(), detail: `(moved to ${recycledTo})` });
    this.reflect([page.path]);
    return { recycledPath: recycledTo };
  }

  async restore(recycledPath: string, actor: Actor): Promise<Skill> {
    const rel = normalizeRelPath(recycledPath);
    if (!rel.startsWith('logseq/.recycle/') || rel.split('/').includes('..') || rel.split('/').length !== 3) {
      throw new InvalidInputError(`"${recycledPath}" is not a file in logseq/.recycle/; pass the path skills.delete returned`);
    }
    const abs = path.join(this.graph.config.root, rel);
    const content = await fs.readFile(abs, 'utf8').catch(() => {
      throw new NotFoundError(`nothing to restore at ${rel}: the recycled page is gone`);
    });
    // Logseq names a recycled file after its path with `/` as `_`; we may have added a `.timestamp` to keep copies.
    const flat = path.posix.basename(rel).replace(/\.\d{10,}(\.[^.]+)$/, '$1');
    const prefix = `${this.graph.config.pagesDirectory.replace(/\//g, '_')}_`;
    const fileName = flat.startsWith(prefix) ? flat.slice(prefix.length) : flat;
    const target = `${this.graph.config.pagesDirectory}/${fileName}`;
    const page = parsePage(content, target, this.graph.config, 0);
    if (!isSkillPage(page)) throw new InvalidInputError(`${rel} is not a skill page (no type:: skill); open it in Logseq to restore it by hand`);
    const clash = this.graph.getByName(page.name) ?? this.findPage(skillNameFromTitle(page.title));
    if (clash) throw new SkillExistsError(skillNameFromTitle(page.title), clash.path);
    await this.graph.writer.updateFile(target, (current, { overOwnWrite }) => {
      if (current !== null && overOwnWrite) return current;
      if (current !== null) throw new SkillExistsError(skillNameFromTitle(titleFromPath(target, this.graph.config)), target);
      return content;
    });
    await fs.rm(abs, { force: true });
    await this.journalEvent({ action: 'restored', pageTitle: page.title, actor, at: this.now() });
    this.reflect([target]);
    return this.skillOnDisk(target);
  }

  // -------------------------------------------------------------------------------------------
  // Pins, runs, export and import.

  /**
   * Marks skills whose pinned tool schemas changed as `needs-review` (page write + journal entry naming the
   * tools). Archived skills and skills already waiting for review are left alone.
   */
  async checkPins(current: ReadonlyMap<string, string> = currentHashes(this.toolDocs())): Promise<PinReview[]> {
    const reviews: PinReview[] = [];
    for (const skill of this.all()) {
      if (skill.status === 'archived' || skill.status === 'needs-review') continue;
      const changed = comparePins(skill.pins, current).filter((pin) => pin.changed);
      if (!changed.length) continue;
      const tools = changed.map((pin) => (pin.current ? `${pin.tool} changed` : `${pin.tool} was removed`)).join(', ');
      await this.setStatus(skill.name, 'needs-review', SKILLGRAPH_ACTOR, `because its tool schema changed: ${tools}`);
      reviews.push({ name: skill.name, changed });
    }
    return reviews;
  }

  /** Writes every skill that is not archived into `<outDir>/skills/` for the next run. */
  materialize(outDir: string): Promise<MaterializeResult> {
    return materializeSkills(
      outDir,
      this.all().filter((skill) => skill.status !== 'archived'),
    );
  }

  exportSkill(name: string, outDir: string): Promise<string> {
    return exportAgentSkill(this.skill(name), outDir);
  }

  async importSkill(folder: string, actor: Actor): Promise<Skill> {
    return this.create(await readAgentSkill(folder), actor);
  }

  // -------------------------------------------------------------------------------------------

  private requirePage(name: string): ParsedPage {
    const page = this.findPage(name);
    if (!page) throw new SkillNotFoundError(name);
    return page;
  }

  /**
   * The skill at `relPath` as the graph holds it, or, when the graph's copy is not a skill right now (its watcher
   * is between an editor's saves), as the settled file on disk says: a page we just wrote is reported as written.
   */
  private async skillOnDisk(relPath: string): Promise<Skill> {
    const page = this.graph.getByPath(relPath);
    const held = page && skillFromPage(page);
    if (held) return held;
    const snapshot = await readSettled(path.join(this.graph.config.root, this.graph.diskPath(relPath)), relPath, this.graph.settle);
    const skill = snapshot && skillFromPage(parsePage(snapshot.bytes.toString('utf8'), relPath, this.graph.config, snapshot.stat.mtimeMs));
    if (!skill) throw new SkillNotFoundError(titleFromPath(relPath, this.graph.config));
    return skill;
  }

  private skillAt(relPath: string): Skill {
    const page = this.graph.getByPath(relPath);
    const skill = page && skillFromPage(page);
    if (!skill) throw new SkillNotFoundError(titleFromPath(relPath, this.graph.config));
    return skill;
  }

  /**
   * The code as it will be saved, checked: TypeScript by the TypeScript parser, Python by the Python compiler.
   * Without a Python interpreter the code is saved unchecked, with a warning saying so.
   */
  private async checkedModule(name: string, language: SkillLanguage, code: string): Promise<{ module: SkillModule; warnings: string[] }> {
    const module = toSkillModule(name, language, code);
    if (language !== 'python') return { module, warnings: [] };
    const check = await checkPythonSyntax(module.code, this.python);
    if (check.kind === 'unchecked') return { module, warnings: [`the Python code was saved without a syntax check: ${check.reason}`] };
    if (check.kind === 'syntax-error') {
      const line = check.line === undefined ? undefined : module.givenLine(check.line);
      const where = line === undefined ? (module.wrapped && check.line !== undefined ? 'at the end: ' : '') : `line ${line}: `;
      throw new SkillCodeError(`the Python code of skill "${name}" does not compile: ${where}${check.message}`);
    }
    return { module, warnings: [] };
  }

  private pinsOf(code: string, language: SkillLanguage, declared: readonly string[], carried: Record<string, string>) {
    const toolDocs = this.toolDocs();
    const calls = detectToolCalls(code, language, toolDocs);
    const servers = [...new Set([...declared.map((s) => s.trim()).filter(Boolean), ...calls.map((call) => call.server)])];
    return { servers, pins: { ...carried, ...pinsFor(calls, toolDocs) } };
  }

  /**
   * A conditional write of the page: the edit is re-applied to whatever Logseq (or anyone) saved meanwhile.
   * Returns the skill as written (the in-memory graph may briefly hold an older read by the file watcher).
   */
  private async rewrite(page: ParsedPage, edit: (content: string, context: TransformContext) => string): Promise<Skill> {
    let written = '';
    await this.graph.writer.updateFile(
      page.path,
      (current, context) => {
        if (current === null) throw new SkillNotFoundError(skillNameFromTitle(page.title));
        written = edit(current, context);
        return written;
      },
      { expectedHash: page.hash },
    );
    const parsed = parsePage(written, page.path, this.graph.config, Date.now());
    this.index.applyEvents([{ type: 'changed', page: parsed }]);
    const skill = skillFromPage(parsed);
    if (!skill) throw new SkillNotFoundError(skillNameFromTitle(page.title));
    return skill;
  }

  private async journalEvent(event: Omit<SkillEvent, 'run' | 'servers'> & { run?: string; servers?: string[] }): Promise<void> {
    const { path: journalPath } = await this.graph.writer.appendJournalBlocks(event.at, [skillEventBlock(event)]);
    this.reflect([journalPath]);
  }

  /** Our own writes reach the index at once, whether or not the engine watches the graph (re-applying is harmless). */
  private reflect(paths: readonly string[]): void {
    const events: GraphEvent[] = paths.map((relPath) => {
      const page = this.graph.getByPath(relPath);
      return page ? { type: 'changed', page } : { type: 'removed', path: relPath, name: pageNameOf(titleFromPath(relPath, this.graph.config)) };
    });
    this.index.applyEvents(events);
  }
}

/** The fields an update sets, by the name the user knows them by. */
const UPDATE_FIELDS = [
  ['description', 'description'],
  ['code', 'code'],
  ['usage', 'Usage section'],
  ['tags', 'tags'],
] as const;

/**
 * Refuses an update whose fields were changed on the page since the version it was based on: the edit made in
 * Logseq stands, and the error names what both changed. A field still as it was (`known`: the version read, and
 * what this update wrote if a save landed on top of it) merges.
 */
function refuseOverlap(relPath: string, known: readonly Skill[], current: Skill | null, input: UpdateSkillInput): void {
  if (!current) throw new GraphConflictError(relPath, 'it is no longer a skill page');
  const same = (field: (typeof UPDATE_FIELDS)[number][0]) => known.some((skill) => JSON.stringify(skill[field]) === JSON.stringify(current[field]));
  const clashes = UPDATE_FIELDS.filter(([field]) => input[field] !== undefined && !same(field)).map(([, label]) => label);
  if (clashes.length) throw new GraphConflictError(relPath, `its ${clashes.join(' and ')} ${clashes.length > 1 ? 'were' : 'was'} edited there too, and that edit is kept`);
}

function withWarnings(skill: Skill, warnings: readonly string[]): Skill {
  return warnings.length ? { ...skill, warnings: [...skill.warnings, ...warnings] } : skill;
}

function isoDay(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}
