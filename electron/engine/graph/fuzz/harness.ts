// The graph fuzz: the engine opened as the app opens it (watching the graph, index fed by the watcher) saves,
// updates, renames, approves and deletes skills, journaling each, while a separate editor process
// (fuzz/editor.mjs) edits the same files the way Logseq and other editors save. Afterwards it counts what was
// lost: editor edits whose newest marker is gone, engine changes that succeeded but are not on disk, refusals
// that were not typed errors, skill-ids listed twice, and any difference between the live index and a rebuild.
// Used by graph/fuzz.test.ts (CI size) and bench/graph-fuzz.bench.ts (larger size, figures printed).
import { fork } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SkillgraphError } from '../../../../shared/errors';
import type { Actor } from '../../../../shared/types';
import { Engine } from '../../engine';
import { indexPath } from '../../indexed-graph';
import { SearchIndex } from '../../index/search-index';
import { seededRandom } from '../../index/test-fixtures';
import { SkillService } from '../../skills/service';
import { Graph } from '../graph';
import { GraphError } from '../errors';

export interface FuzzOptions {
  /** Engine operations (each also appends a journal entry). */
  operations: number;
  seed: number;
  /** Longest pause of the editor between the two halves of a truncate-then-write save (well below the 50 ms settle time). */
  maxEditorPauseMs?: number;
  /** Longest gap between two editor saves, and between two engine operations. */
  maxEditorGapMs?: number;
  maxEngineGapMs?: number;
}

export interface EditorEdit {
  seq: number;
  file: string;
  block: string;
  marker: string;
  style: string;
  spanMs: number;
}

export interface FuzzReport {
  operations: number;
  succeeded: number;
  edits: number;
  editsByStyle: Record<string, number>;
  /** Newest marker of an editor block that is in no file of the graph. */
  lostEdits: EditorEdit[];
  /** An engine change reported as done that the final graph does not hold. */
  lostEngineChanges: string[];
  /** Operations refused with a typed error, by error code. */
  refusals: Record<string, number>;
  /** Operations that failed with anything but a typed error (a bug). */
  untypedFailures: string[];
  /** Skill-ids listed more than once, by the graph or the index, live or rebuilt. */
  duplicateSkillIds: string[];
  /** Pages on disk that share a skill-id (reported as warnings, one of them listed). */
  sharedSkillIdPages: number;
  /** Differences between the live index (and skill listings) and those rebuilt from the final files. */
  indexDifferences: string[];
  /** Deleted skills an editor save brought back (it had the page open and saved it after the delete). */
  resurrected: number;
  /** Editor saves that took longer from read to last byte than the settle time (outside what the protocol can see). */
  slowEditorSaves: string[];
  durationMs: number;
}

interface SkillModel {
  /** Names, descriptions and statuses the final page may have: one after a success, more after a refusal. */
  names: Set<string>;
  descriptions: Set<string>;
  statuses: Set<string>;
  /** Whether the final graph may / must lack the skill. */
  deleted: Set<boolean>;
}

const EDITOR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'editor.mjs');
const person: Actor = { kind: 'person', name: 'Fuzz' };
const agent: Actor = { kind: 'agent', name: 'Fuzz agent' };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));


async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []); // a folder the graph lacks holds no files
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(abs)));
    else if (entry.isFile()) found.push(abs);
  }
  return found;
}

/** Every content row of the index that a rebuild must reproduce (file times left out: ours are write times). */
function indexRows(dbPath: string): Map<string, string> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = new Map<string, string>();
    const add = (table: string, sql: string) => {
      for (const row of db.prepare(sql).all()) {
        const text = JSON.stringify(row);
        rows.set(`${table} ${text}`, text);
      }
    };
    add('pages', 'SELECT path, name, title, kind, journal_date, format, properties, warnings, hash FROM pages');
    add('blocks', 'SELECT * FROM blocks');
    add('page_tags', 'SELECT * FROM page_tags');
    add('page_refs', 'SELECT * FROM page_refs');
    add('skills', 'SELECT path, id, name, page_name, description, language, status, source, source_name, created, updated FROM skills');
    add('skill_servers', 'SELECT * FROM skill_servers');
    add('search_docs', "SELECT origin, owner, kind, key, title, language, status, source, skill_name FROM search_docs WHERE origin != 'tool'");
    add('search_text', "SELECT d.origin, d.key, t.title, t.names, t.tags, t.body, t.terms FROM search_text t JOIN search_docs d ON d.rowid = t.rowid WHERE d.origin != 'tool'");
    return rows;
  } finally {
    db.close();
  }
}

function differences(live: Map<string, string>, rebuilt: Map<string, string>): string[] {
  const found: string[] = [];
  for (const key of live.keys()) if (!rebuilt.has(key)) found.push(`only live: ${key.slice(0, 300)}`);
  for (const key of rebuilt.keys()) if (!live.has(key)) found.push(`only rebuilt: ${key.slice(0, 300)}`);
  return found;
}

export async function runGraphFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-fuzz-'));
  const root = path.join(dir, 'graph');
  await fs.mkdir(path.join(root, 'logseq'), { recursive: true });
  await fs.mkdir(path.join(root, 'pages'), { recursive: true });
  await fs.mkdir(path.join(root, 'journals'), { recursive: true });
  await fs.writeFile(path.join(root, 'logseq/config.edn'), '{:file/name-format :triple-lowbar}\n');
  for (let i = 0; i < 4; i++) await fs.writeFile(path.join(root, `pages/Note ${i}.md`), `- a note the user keeps next to the skills ${i}\n`);

  const engine = await Engine.open({ graph: root, data: path.join(dir, 'data'), host: 'cli', watch: true, warmSandbox: false });
  const report: FuzzReport = {
    operations: 0,
    succeeded: 0,
    edits: 0,
    editsByStyle: {},
    lostEdits: [],
    lostEngineChanges: [],
    refusals: {},
    untypedFailures: [],
    duplicateSkillIds: [],
    sharedSkillIdPages: 0,
    indexDifferences: [],
    resurrected: 0,
    slowEditorSaves: [],
    durationMs: 0,
  };
  const models = new Map<string, SkillModel>();
  const byName = new Map<string, string>();
  let serial = 0;
  let journaled = 0;
  let maybeJournaled = 0;
  try {
    await engine.indexing;
    await engine.graph.whenWatching();
    const editor = fork(EDITOR, [JSON.stringify({ root, seed: options.seed, maxPauseMs: options.maxEditorPauseMs ?? 20, maxGapMs: options.maxEditorGapMs ?? 15 })], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const editorDone = new Promise<{ edits: EditorEdit[]; error?: string }>((resolve, reject) => {
      editor.once('message', (message) => resolve(message as { edits: EditorEdit[]; error?: string }));
      editor.once('exit', (code) => reject(new Error(`the editor process exited (${code}) without reporting its edits`)));
    });

    const live = (): string[] => [...byName.keys()];
    const pickLive = (): string | undefined => {
      const names = live();
      return names.length ? names[Math.floor(random() * names.length)] : undefined;
    };

    for (let op = 0; op < options.operations; op++) {
      const roll = random();
      const target = pickLive();
      const kind = target === undefined || live().length < 3 || roll < 0.2 ? 'save' : roll < 0.5 ? 'update' : roll < 0.7 ? 'status' : roll < 0.85 ? 'rename' : 'delete';
      const token = `t${++serial}z${Math.floor(random() * 1e6).toString(36)}`;
      report.operations++;
      let model: SkillModel | undefined;
      let noChange = false;
      let uncertainJournal = false;
      let apply: () => void = () => undefined;
      let attempt: () => Promise<unknown>;
      if (kind === 'save') {
        const name = `fz_${serial}`;
        const description = `saved ${token}`;
        attempt = async () => {
          const skill = await engine.skills.save({ name, description, code: `export function fz${serial}(): string {\n  return '${token}';\n}`, language: 'typescript' }, agent);
          models.set(skill.id, { names: new Set([name]), descriptions: new Set([description]), statuses: new Set(['draft']), deleted: new Set([false]) });
          byName.set(name, skill.id);
        };
      } else {
        const id = byName.get(target!)!;
        model = models.get(id)!;
        const current = model;
        if (kind === 'update') {
          const description = `updated ${token}`;
          attempt = () => engine.skills.update({ name: target!, description, usage: `Call it for ${token}.` }, person);
          apply = () => (current.descriptions = new Set([description]));
          model.descriptions.add(description);
        } else if (kind === 'status') {
          const status = random() < 0.7 ? 'approved' : 'archived';
          attempt = () => engine.skills.setStatus(target!, status, person);
          // Setting the status a skill already has changes nothing and journals nothing.
          if (current.statuses.size === 1 && current.statuses.has(status)) noChange = true;
          else if (current.statuses.has(status)) uncertainJournal = true;
          apply = () => (current.statuses = new Set([status]));
          model.statuses.add(status);
        } else if (kind === 'rename') {
          const newName = `${target}_r${serial}`;
          attempt = () => engine.skills.rename(target!, newName, person);
          apply = () => {
            current.names = new Set([newName]);
            byName.delete(target!);
            byName.set(newName, id);
          };
          model.names.add(newName);
        } else {
          attempt = () => engine.skills.delete(target!, person);
          apply = () => {
            current.deleted = new Set([true]);
            byName.delete(target!);
          };
          model.deleted.add(true);
        }
      }
      try {
        await attempt();
        apply();
        report.succeeded++;
        if (uncertainJournal) maybeJournaled++;
        else if (!noChange) journaled++;
      } catch (error) {
        if (error instanceof GraphError || error instanceof SkillgraphError) {
          const code = (error as { code?: unknown }).code;
          const label = typeof code === 'string' ? code : error.name;
          report.refusals[label] = (report.refusals[label] ?? 0) + 1;
          if (process.env.GRAPH_FUZZ_DEBUG) console.log(`refused ${kind} ${target ?? ''}: ${error.message}`);
          maybeJournaled++;
          // A refused rename may have gone through before the journal entry failed: follow it under either name.
          if (kind === 'rename' && model) {
            const id = byName.get(target!)!;
            const newName = [...model.names].find((name) => name !== target && !byName.has(name));
            if (newName && engine.skills.findPage(newName)) {
              byName.delete(target!);
              byName.set(newName, id);
            }
          }
          if (kind === 'delete' && !engine.skills.findPage(target!)) byName.delete(target!);
        } else {
          report.untypedFailures.push(`${kind} ${target ?? ''}: ${(error as Error).stack ?? String(error)}`);
        }
      }
      await sleep(Math.floor(random() * (options.maxEngineGapMs ?? 10)));
    }

    editor.send('stop');
    const { edits, error } = await editorDone;
    if (error) throw new Error(`the editor process failed: ${error}`);
    report.edits = edits.length;
    report.slowEditorSaves = edits.filter((edit) => edit.spanMs >= 50).map((edit) => `${edit.file} ${edit.style} ${edit.spanMs} ms`);
    for (const edit of edits) report.editsByStyle[edit.style] = (report.editsByStyle[edit.style] ?? 0) + 1;
    // Let the watcher and the index catch up with the last saves (settle, rename window, reconcile, debounce).
    await sleep(1500);

    // Lost editor edits: the newest marker of every block must be in some file of the graph.
    const newest = new Map<string, EditorEdit>();
    for (const edit of edits) if ((newest.get(edit.block)?.seq ?? -1) < edit.seq) newest.set(edit.block, edit);
    const everything = (await Promise.all((await filesUnder(root)).map((file) => fs.readFile(file, 'utf8')))).join('\n');
    for (const edit of newest.values()) if (!everything.includes(edit.marker)) report.lostEdits.push(edit);

    // Lost engine changes, against a graph opened afresh from the files.
    const fresh = await Graph.open(root);
    try {
      report.sharedSkillIdPages = fresh.duplicateSkillIds().length;
      const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-fuzz-index-'));
      const rebuiltIndex = SearchIndex.open(path.join(scratch, 'index.sqlite'));
      try {
        await rebuiltIndex.rebuild(fresh.pages());
        const freshSkills = new SkillService({ graph: fresh, index: rebuiltIndex });
        const listed = freshSkills.all();
        // One skill per skill-id in every listing: the live graph, the live index, and both rebuilt from the files.
        const listings = { 'live graph': engine.skills.all(), 'live index': engine.skills.list().skills, 'rebuilt graph': listed, 'rebuilt index': freshSkills.list().skills };
        for (const [where, skills] of Object.entries(listings)) {
          const seen = new Set<string>();
          for (const skill of skills) {
            if (seen.has(skill.id)) report.duplicateSkillIds.push(`${skill.id} twice in the ${where}`);
            seen.add(skill.id);
          }
          const paths = skills.map((skill) => skill.path).sort().join(', ');
          const expected = listed.map((skill) => skill.path).sort().join(', ');
          if (paths !== expected) report.indexDifferences.push(`the ${where} lists ${paths}; rebuilt from the files: ${expected}`);
        }
        const listedById = new Map(listed.map((skill) => [skill.id, skill] as const));
        // A save that was refused must have written nothing: every skill on disk is one the engine reported saved.
        for (const skill of listed) if (!models.has(skill.id)) report.lostEngineChanges.push(`skill ${skill.name} (${skill.path}) exists though no save of it succeeded`);
        for (const [id, model] of models) {
          const skill = listedById.get(id);
          if (!skill) {
            if (!model.deleted.has(true)) report.lostEngineChanges.push(`skill ${[...model.names].join('|')} (${id}) is gone`);
            continue;
          }
          if (!model.deleted.has(false)) {
            report.resurrected++;
            continue;
          }
          if (!model.names.has(skill.name)) report.lostEngineChanges.push(`skill ${id} is named ${skill.name}, expected ${[...model.names].join(' or ')}`);
          if (!model.descriptions.has(skill.description)) report.lostEngineChanges.push(`skill ${skill.name} says "${skill.description}", expected ${[...model.descriptions].join(' or ')}`);
          if (!model.statuses.has(skill.status)) report.lostEngineChanges.push(`skill ${skill.name} is ${skill.status}, expected ${[...model.statuses].join(' or ')}`);
        }
        const entries = freshSkills.journal().length;
        if (process.env.GRAPH_FUZZ_DEBUG && (entries < journaled || entries > journaled + maybeJournaled)) {
          for (const file of await filesUnder(path.join(root, 'journals'))) await fs.copyFile(file, `/tmp/graph-fuzz-journal-${path.basename(file)}`);
        }
        if (entries < journaled || entries > journaled + maybeJournaled) {
          report.lostEngineChanges.push(`the journal holds ${entries} skill entries, expected ${journaled}${maybeJournaled ? ` to ${journaled + maybeJournaled}` : ''}`);
        }
        // The live index, fed by the watcher, must hold what a rebuild from the final files holds.
        report.indexDifferences = differences(indexRows(indexPath(engine.dataDir)), indexRows(path.join(scratch, 'index.sqlite')));
      } finally {
        rebuiltIndex.close();
        await fs.rm(scratch, { recursive: true, force: true });
      }
    } finally {
      await fresh.close();
    }
  } finally {
    await engine.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
  report.durationMs = Date.now() - started;
  return report;
}
