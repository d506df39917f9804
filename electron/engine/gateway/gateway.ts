// What the gateway does for an agent, independent of MCP: progressive discovery of tools (search, list and read the API
// tree), running code in the sandbox with a small answer (bounded output, PII placeholders, tool-call summary, ledger),
// and finding and saving skills as drafts for a person to review.
import fs from 'node:fs';
import path from 'node:path';
import { InvalidInputError, NotFoundError } from '../../../shared/errors';
import type { Actor, ContextLedger, RunLanguage, SearchHit, Skill, ToolCallEvent, ToolDoc } from '../../../shared/types';
import type { SearchIndex } from '../index/search-index';
import type { RunManager, RunResult } from '../sandbox/runs';
import type { AppSettings } from '../settings';
import { skillExportName } from '../skills/names';
import type { SaveSkillInput } from '../skills/service';
import type { ContextLedgerBook } from './ledger';
import * as browsable from './resources';
import type { GatewayRunHooks } from './run-hooks';
import { isDeprecatedTool, rankTools } from '../index/tool-ranking';
import { inlineType, takesNoInput } from './signature';

export type ToolDetail = 'name' | 'summary' | 'full';

/** The part of the skills service the gateway uses. */
export interface SkillSaver {
  save(input: SaveSkillInput, actor: Actor): Promise<Skill>;
}

export interface GatewayContext {
  index: SearchIndex;
  apiDir: string;
  toolDocs(): ToolDoc[];
  /** Server name -> folder under servers/ in the generated tree. */
  serverDirs(): Map<string, string>;
  runs: RunManager;
  /** The skill operations; may open the graph first (the gateway's engine opens it after its first answer). */
  skills(): Promise<SkillSaver>;
  /** An execute_code answer was sent (and its ledger written): background work that must not delay answers may start. */
  answered?(): void;
  ledger: ContextLedgerBook;
  hooks: GatewayRunHooks;
  /** Current settings (re-read so a change made in the app applies without restarting the gateway). */
  settings(): Pick<AppSettings, 'piiFilter'>;
  dataDir: string;
  /**
   * Resolves once the API tree and tool docs are up to date with the configured servers; with `servers`, once those
   * are (execute_code: a server the code does not import is not generated, so not started, for it).
   */
  ready(servers?: readonly string[]): Promise<void>;
  /** Background work of the gateway failed (a ledger entry not saved after its answer): logged and shown in the app. */
  reportProblem?(what: string, error: unknown): void;
  /** Calls `listener` when the API tree was regenerated or skills changed; returns how to stop. */
  onChange?(listener: (what: 'api' | 'skills') => void): () => void;
}

export interface ExecuteCodeInput {
  code: string;
  language: RunLanguage;
  session?: string;
}

/** What the agent hears while a run goes on: a printed line (PII placeholders already in), a tool call, a notice. */
export type RunUpdate = { kind: 'stdout' | 'stderr' | 'notice'; text: string } | { kind: 'toolCall'; text: string; ok: boolean };

export interface ExecuteCodeOptions {
  /** The agent withdrew the request (notifications/cancelled): the run is cancelled. */
  signal?: AbortSignal;
  /** Called for each line printed and each tool call, as they happen. */
  onUpdate?: (update: RunUpdate) => void;
  /** The agent follows the run (it sent a progress token): tools whose task support is optional run as tasks. */
  taskWhenOptional?: boolean;
}

export interface ExecuteCodeAnswer {
  /** What the model gets back. */
  text: string;
  runId: string;
  status: RunResult['status'];
  durationMs: number;
  ledger: ContextLedger;
  /** Resolves once the run's ledger entry is written, after this answer (tests, diagnostics). */
  ledgerRecorded: Promise<void>;
}

export const SEARCH_LIMIT_MAX = 25;
/** Words agents put around what they look for ("get me a tool that…"); the index drops common stopwords itself. */
const AGENT_FILLER_WORDS = new Set(['all', 'get', 'tool', 'tools']);
/** Printed text returned to the model; the rest stays in the run's log, which later code can read (RunManager.shareLog). */
export const PRINTED_CHARS_MAX = 8_000;
const READ_CHARS_MAX = 40_000;
const OUTPUT_TYPE_CHARS_MAX = 100;
export const PLACEHOLDER_NOTE = 'note: placeholders like [EMAIL_1] stand for personal data; pass them to tools as they are.';
const CODE_CHARS_MAX = 200_000;
/** The session execute_code runs in when the agent names none: its workspace, and the runners started ahead for it. */
export const GATEWAY_SESSION = 'agent';

function requireText(value: string, what: string, max: number): void {
  if (!value.trim()) throw new InvalidInputError(`${what} is empty.`);
  if (value.length > max) throw new InvalidInputError(`${what} is ${value.length} characters; the limit is ${max}.`);
}

export class Gateway {
  /**
   * The last run of this gateway (one per agent connection) that succeeded: the code an agent saves as a skill right
   * after is almost always that run's, so the skill page links to it (`run::`) as its evidence.
   */
  private lastSucceededRunId: string | undefined;
  private readonly placeholdersExplained = new Set<string>();

  constructor(private readonly ctx: GatewayContext) {}

  async searchTools(query: string, detail: ToolDetail = 'summary', limit = 8): Promise<string> {
    requireText(query, 'query', 300);
    await this.ctx.ready();
    const cap = Math.max(1, Math.min(Math.trunc(limit) || 8, SEARCH_LIMIT_MAX));
    // Ranked by tool-ranking.ts over every tool doc (names, descriptions, parameters, synonyms); deprecated tools last.
    const ranked = rankTools(this.ctx.toolDocs(), query, cap);
    if (ranked.length === 0) return `No tools match "${query}". Try other words, or list_api("servers") to browse every server.`;
    const dirs = this.ctx.serverDirs();
    const lines = ranked.map((doc) => describeTool(doc, detail, dirs.get(doc.server) ?? doc.server));
    return lines.join('\n');
  }

  async listApi(rel = ''): Promise<string> {
    await this.ctx.ready();
    const dir = this.resolveInApi(rel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      // Missing or not a folder: the agent asked for a path the tree does not have, which this error tells it.
      throw new NotFoundError(`"${rel}" is not a folder of the API tree. Start with list_api("") or list_api("servers").`);
    }
    const names = entries
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort();
    return names.length ? names.join('\n') : '(empty)';
  }

  async readApi(rel: string): Promise<string> {
    await this.ctx.ready();
    const file = this.resolveInApi(rel);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw new InvalidInputError(`"${rel}" is a folder; use list_api to see what it holds.`);
      throw new NotFoundError(`"${rel}" is not a file of the API tree. Use list_api to see what exists.`);
    }
    return text.length > READ_CHARS_MAX ? `${text.slice(0, READ_CHARS_MAX)}\n… (${text.length - READ_CHARS_MAX} more characters)` : text;
  }

  async executeCode(input: ExecuteCodeInput, opts: ExecuteCodeOptions = {}): Promise<ExecuteCodeAnswer> {
    requireText(input.code, 'code', CODE_CHARS_MAX);
    await this.ctx.ready(importedServers(input.code));
    opts.signal?.throwIfAborted();
    const session = input.session ?? GATEWAY_SESSION;
    const piiFilter = this.ctx.settings().piiFilter;
    const vault = piiFilter ? this.ctx.hooks.vaults.forSession(session) : undefined;
    const redact = (text: string) => (vault ? vault.redact(text) : text);
    const handle = this.ctx.runs.start({ code: input.code, language: input.language, session, origin: 'gateway', taskWhenOptional: opts.taskWhenOptional });
    // The run's records are written once this answer is composed, not while the ledger is counted for it.
    let answerComposed!: () => void;
    handle.recordAfter(new Promise<void>((resolve) => (answerComposed = resolve)));
    this.ctx.hooks.track(handle.id, session, piiFilter);
    const cancel = () => this.ctx.runs.cancel(handle.id);
    opts.signal?.addEventListener('abort', cancel, { once: true });
    const stopUpdates = opts.onUpdate ? streamUpdates(handle, redact, opts.onUpdate) : undefined;
    try {
      let result: RunResult;
      try {
        result = await handle.done;
      } finally {
        opts.signal?.removeEventListener('abort', cancel);
        stopUpdates?.();
        this.ctx.hooks.untrack(handle.id);
      }
      const printed = redact(result.stdout);
      const errors = redact(result.stderr);
      const parts: string[] = [];
      const longest = printed.length + errors.length > PRINTED_CHARS_MAX;
      // Local runs read the shared copy at the same path; E2B sandboxes cannot reach host folders at all.
      const shared = longest && result.backend === 'local' ? this.ctx.runs.shareLog(result.id, session) : undefined;
      if (printed) parts.push(bounded(printed.replace(/\n$/, ''), PRINTED_CHARS_MAX));
      if (errors) parts.push(`stderr:\n${bounded(errors, Math.max(1_000, PRINTED_CHARS_MAX - Math.min(printed.length, PRINTED_CHARS_MAX)))}`);
      if (!printed && !errors) parts.push('(the code printed nothing; print what you need to see)');
      if (shared && 'path' in shared) parts.push(`[output was long: the full log is at ${shared.path} (read-only); read or grep it from code]`);
      if (longest && result.backend !== 'local') parts.push(`[output was long: the full log is kept on the host, which E2B sandboxes cannot read]`);
      if (shared && 'problem' in shared) parts.push(`[output was long, and the full log could not be shared with later code: ${shared.problem}]`);
      const returned = parts.join('\n');
      handle.phases.mark('answer composed');
      // The ledger's numbers go in the answer; its entry is written after the answer is sent (below).
      const entry = await this.ctx.ledger.close({ id: result.id, session, origin: 'gateway' }, returned, input.code);
      handle.phases.mark('ledger closed');
      result.ledger = entry.ledger;
      const exit = result.exitCode !== undefined && result.exitCode !== null && result.exitCode !== 0 ? ` (exit ${result.exitCode})` : '';
      if (result.status === 'succeeded') this.lastSucceededRunId = result.id;
      // Explained once per session, where it first happens, instead of in execute_code's definition on every turn.
      const placeholdersNew = (printed !== result.stdout || errors !== result.stderr) && !this.placeholdersExplained.has(session);
      if (placeholdersNew) this.placeholdersExplained.add(session);
      // The model gets the run (the id the app shows it under), its status and calls; the ledger goes in the answer's
      // _meta (for the host; the app and `skillgraph ledger` read the ledger book).
      const footer = [
        `[run ${result.id}: ${result.status}${exit}; ${summarizeCalls(result.toolCalls)}]`,
        placeholdersNew ? PLACEHOLDER_NOTE : '',
        ...noticesNotInErrors(result.notice, errors).map((notice) => `notice: ${redact(notice)}`),
      ].filter(Boolean);
      handle.phases.mark('answered');
      const what = `recording the context ledger of run ${result.id}`;
      const ledgerRecorded = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => {
          const recorded = this.ctx.ledger.record(entry);
          handle.phases.mark('ledger written');
          handle.phases.flush();
          if (recorded.problem) this.ctx.reportProblem?.(what, new Error(recorded.problem));
          this.ctx.answered?.();
        })
        .catch((error: unknown) => this.ctx.reportProblem?.(what, error));
      return { text: `${returned}\n${footer.join('\n')}`, runId: result.id, status: result.status, durationMs: result.durationMs ?? 0, ledger: entry.ledger, ledgerRecorded };
    } finally {
      answerComposed();
    }
  }

  async searchSkills(query: string, limit = 8): Promise<string> {
    requireText(query, 'query', 300);
    await this.ctx.ready();
    const cap = Math.max(1, Math.min(Math.trunc(limit) || 8, SEARCH_LIMIT_MAX));
    const { hits } = this.searchAnyWords(query, 'skill', cap);
    const skills = hits.map((h) => (h.skillName ? this.ctx.index.skill(h.skillName) : undefined)).filter((s): s is Skill => !!s);
    if (skills.length === 0) return `No skills match "${query}". Discover tools with search_tools, and save code that worked with save_skill.`;
    return skills.map(describeSkill).join('\n\n');
  }

  async saveSkill(input: { name: string; description: string; code: string; tags?: string[]; language?: 'typescript' | 'python' }, agentName: string | undefined): Promise<Skill> {
    requireText(input.description, 'description', 1_000);
    requireText(input.code, 'code', CODE_CHARS_MAX);
    if ((input.tags ?? []).length > 20) throw new InvalidInputError('save_skill takes at most 20 tags.');
    const skill = await (await this.ctx.skills()).save(
      {
        name: input.name,
        description: input.description,
        code: input.code,
        tags: input.tags ?? [],
        language: input.language ?? 'typescript',
        ...(this.lastSucceededRunId ? { runId: this.lastSucceededRunId } : {}),
      },
      { kind: 'agent', name: agentName },
    );
    return skill;
  }

  /** Follows changes of the API tree and the skills (for list_changed notifications). */
  onChange(listener: (what: 'api' | 'skills') => void): () => void {
    return this.ctx.onChange?.(listener) ?? (() => {});
  }

  /** The API tree's files and the skills, as MCP resources (resources.ts). */
  async listResources() {
    await this.ctx.ready();
    return browsable.listResources(this.ctx);
  }

  async readResource(uri: string) {
    await this.ctx.ready();
    return browsable.readResource(this.ctx, uri, (rel) => {
      const file = this.resolveInApi(rel);
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        throw new NotFoundError(`"${rel}" is not a file of the API tree; resources/list shows the files there are.`);
      }
    });
  }

  /** Approved skills, offered as prompts. */
  async listPrompts() {
    await this.ctx.ready();
    return browsable.listPrompts(this.ctx);
  }

  async getPrompt(name: string, args?: Record<string, string>) {
    await this.ctx.ready();
    return browsable.getPrompt(this.ctx, name, args);
  }

  async complete(ref: { type: string; name?: string; uri?: string }, argument: { name: string; value: string }) {
    await this.ctx.ready();
    return browsable.complete(this.ctx, ref, argument);
  }

  /**
   * Agents ask in sentences ("read rows from a spreadsheet"): the index ranks documents with every word first and
   * fills the page with those having some (it drops common stopwords itself); filler words agents add about
   * tools are dropped here.
   */
  private searchAnyWords(query: string, kind: 'tool' | 'skill', limit: number): { hits: SearchHit[]; total: number } {
    const words = query.includes('"') ? [] : query.split(/\s+/).filter((w) => w && !AGENT_FILLER_WORDS.has(w.toLowerCase()));
    return this.ctx.index.search(words.length ? words.join(' ') : query, { filters: { kinds: [kind] }, limit, fillWithAnyTerm: true });
  }

  /** A path inside the API tree, or a clear refusal (no `..`, no absolute paths, no symlinks out). */
  private resolveInApi(rel: string): string {
    const root = fs.realpathSync(this.ctx.apiDir);
    const clean = rel.replace(/^\.?\/+/, '');
    if (path.isAbsolute(clean)) throw new InvalidInputError(`"${rel}" is absolute; give a path inside the API tree such as "servers/<server>/index.ts".`);
    const target = path.resolve(root, clean);
    let real = target;
    try {
      real = fs.realpathSync(target);
    } catch {
      // missing: reported by the caller as not found, after the containment check below
    }
    for (const candidate of [target, real]) {
      if (candidate !== root && !candidate.startsWith(root + path.sep)) throw new InvalidInputError(`"${rel}" is outside the API tree; paths are relative to it, like "servers" or "skills".`);
    }
    return real;
  }
}

/**
 * Forwards a run's events as they happen. Output goes by whole lines, so that the PII filter sees an address in one
 * piece; tool calls say which tool, whether it answered and how much, never the arguments (they may hold personal data),
 * and for a call that runs as an MCP task each change of its status (`everything/simulate-research-query task working:
 * Gathering sources...`).
 */
function streamUpdates(handle: Pick<RunManagerHandle, 'on' | 'off'>, redact: (text: string) => string, send: (update: RunUpdate) => void): () => void {
  const partial = { stdout: '', stderr: '' };
  const lines = (kind: 'stdout' | 'stderr') => (chunk: string) => {
    const text = partial[kind] + chunk;
    const cut = text.lastIndexOf('\n');
    partial[kind] = cut < 0 ? text : text.slice(cut + 1);
    if (cut >= 0) for (const line of text.slice(0, cut).split('\n')) send({ kind, text: redact(line) });
  };
  const onStdout = lines('stdout');
  const onStderr = lines('stderr');
  const onCall = (call: ToolCallEvent) => {
    const name = `${call.server}/${call.tool}`;
    if (call.ok === undefined) {
      const task = call.task;
      // The status message is the server's text and may quote what the code sent it.
      send({ kind: 'toolCall', ok: true, text: task ? `${name} task ${task.status}${task.statusMessage ? `: ${redact(task.statusMessage)}` : ''}` : `${name} called` });
      return;
    }
    send({ kind: 'toolCall', ok: call.ok, text: `${name} ${call.ok ? 'answered' : 'failed'}${call.bytesOut !== undefined ? ` (${formatBytes(call.bytesOut)})` : ''}` });
  };
  const onNotice = (notice: string) => send({ kind: 'notice', text: redact(notice) });
  handle.on('stdout', onStdout);
  handle.on('stderr', onStderr);
  handle.on('toolCall', onCall);
  handle.on('notice', onNotice);
  return () => {
    handle.off('stdout', onStdout);
    handle.off('stderr', onStderr);
    handle.off('toolCall', onCall);
    handle.off('notice', onNotice);
    for (const kind of ['stdout', 'stderr'] as const) if (partial[kind]) send({ kind, text: redact(partial[kind]) });
  };
}

type RunManagerHandle = ReturnType<RunManager['start']>;

function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.75);
  const tail = max - head;
  return `${text.slice(0, head)}\n… [${text.length - max} characters omitted] …\n${text.slice(text.length - tail)}`;
}

export function functionName(doc: ToolDoc): string {
  return /function\s+([A-Za-z_$][\w$]*)/.exec(doc.signature)?.[1] ?? doc.identifier;
}

/**
 * One line per tool, so a search answer stays small: `name` is how code refers to it, `summary` adds the first sentence
 * of its doc, `full` the one-line signature too (field docs are in the generated file, for read_api).
 */
export function describeTool(doc: ToolDoc, detail: ToolDetail, dir: string): string {
  const fn = functionName(doc);
  const name = `${dir}.${fn}`;
  if (detail === 'name') return name;
  const summary = `${isDeprecatedTool(doc) ? '(deprecated) ' : ''}${firstSentence(doc.description)}`;
  if (detail === 'summary') return summary ? `${name} — ${summary}` : name;
  const input = inlineType(doc.inputSchema);
  // The argument's type alone reads as the call to write: `sheets.getSheet({ sheet: "orders" | "leads"; limit?: number })`.
  const params = takesNoInput(doc.inputSchema) ? '' : (input ?? `input: ${inputTypeName(doc.signature)} /* read_api servers/${dir}/${doc.identifier}.ts */`);
  // A short output type says how to read the result (`.content`); a long one would outweigh the rest of the line.
  const output = doc.outputSchema ? inlineType(doc.outputSchema, OUTPUT_TYPE_CHARS_MAX) : undefined;
  return `${name}(${params})${output ? `: Promise<${output}>` : ''}${summary ? ` — ${summary}` : ''}`;
}

/** What a tool does, in its doc's first sentence (server docs often run on for a paragraph). */
function firstSentence(text: string, max = 160): string {
  const line = text.trim().split('\n')[0].trim();
  const sentence = /^.*?[.!?](?=\s|$)/.exec(line)?.[0] ?? line;
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}

/** `GetSheetInput` out of `function getSheet(input: GetSheetInput): Promise<GetSheetOutput>`. */
function inputTypeName(signature: string): string {
  return /\((?:input\??): (\w+)\)/.exec(signature)?.[1] ?? 'object';
}

function describeSkill(skill: Skill): string {
  const tags = skill.tags.length ? ` [${skill.tags.join(', ')}]` : '';
  return `${skill.name} (${skill.language}, ${skill.status})${tags} — ${skill.description}\n${skill.language === 'python' ? `from skills.${skill.name} import ${skill.name}` : `import { ${skillExportName(skill.name)} } from './skills/${skill.name}';`}`;
}

function summarizeCalls(calls: ToolCallEvent[]): string {
  if (calls.length === 0) return 'no calls';
  const byTool = new Map<string, { count: number; failed: number; bytes: number }>();
  for (const call of calls) {
    const key = `${call.server}/${call.tool}`;
    const entry = byTool.get(key) ?? { count: 0, failed: 0, bytes: 0 };
    entry.count++;
    if (call.ok === false) entry.failed++;
    entry.bytes += call.bytesOut ?? 0;
    byTool.set(key, entry);
  }
  const parts = [...byTool].map(([key, e]) => `${key}${e.count > 1 ? ` ×${e.count}` : ''}${e.failed ? ` (${e.failed} failed)` : ''} ${formatBytes(e.bytes)}`);
  return calls.length === 1 ? parts[0] : `${calls.length} calls: ${parts.join(', ')}`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/**
 * The servers code imports from the API tree (`./servers/<name>/…` in TypeScript and JavaScript, `servers.<name>` in
 * Python), or undefined when it may reach any of them (the whole `./servers` index, `import servers`, a `servers`
 * path built at run time): those it names are all a run needs generated.
 */
export function importedServers(code: string): string[] | undefined {
  const names = new Set<string>();
  let reachesAll = false;
  for (const match of code.matchAll(/\bservers(?:\/|\.)?([A-Za-z0-9_-]*)/g)) {
    if (match[1] && match[1] !== 'index' && match[1] !== '__init__') names.add(match[1]);
    else reachesAll = true;
  }
  return reachesAll ? undefined : [...names];
}

/** The run's notices, less a refusal the code did not catch: its error line in stderr already says it. */
function noticesNotInErrors(notice: string | undefined, errors: string): string[] {
  return (notice ?? '').split('\n').filter((line) => {
    const refusal = / was refused: (.+)$/.exec(line)?.[1];
    return line && !(refusal && errors.includes(refusal));
  });
}
