// The one API contract between the engine and every UI: each request method and each pushed event is
// declared here once. The Electron IPC host, the browser-mode HTTP/WebSocket host and the renderer's
// clients are all derived from this object, and inputs are parsed against it at every boundary.
import { z } from 'zod';
import {
  Actor,
  Properties,
  BackendName,
  ContextLedger,
  RunLanguage,
  RunSummary,
  SearchFilters,
  SearchHit,
  ServerConfig,
  ServerState,
  Skill,
  SkillLanguage,
  SkillStatus,
  ToolCallEvent,
  ToolCallTask,
  ToolDoc,
  TypeDiagnostic,
} from '../types';
import { method, type MethodDef } from './define';
import { editorMethods } from './editor';
import { BlockView, PageBlock, PageListEntry, ReferenceGroup, ResolvedPage, SimpleQueryResult } from './pages';

export { method, type MethodDef, type WireError } from './define';
export * from './pages';
export * from './editor';

const Empty = z.object({});
const Ok = z.object({ ok: z.literal(true) });

/** A failure of background work (API regeneration, sandbox warm-up, …) that had no caller to report to. */
export const BackgroundProblem = z.object({ at: z.string(), what: z.string(), message: z.string() });
export type BackgroundProblem = z.infer<typeof BackgroundProblem>;

export const AppStatus = z.object({
  version: z.string(),
  graphDir: z.string(),
  dataDir: z.string(),
  /** True when this start created the graph from the starter template. */
  createdGraph: z.boolean(),
  graphWarnings: z.array(z.string()),
  backend: z.object({ name: BackendName, available: z.boolean(), reason: z.string().optional() }),
  servers: z.object({ ready: z.number().int(), total: z.number().int(), failed: z.number().int() }),
  index: z.object({
    pages: z.number().int(),
    skills: z.number().int(),
    tools: z.number().int(),
    indexing: z.boolean(),
    message: z.string().optional(),
  }),
  host: z.enum(['electron', 'browser']),
  /** Recent background failures, newest last (at most 20 are kept). */
  problems: z.array(BackgroundProblem),
});
export type AppStatus = z.infer<typeof AppStatus>;

export const PageView = z.object({
  path: z.string(),
  title: z.string(),
  kind: z.enum(['page', 'journal']),
  /** Raw Markdown of the page as it is on disk. */
  markdown: z.string(),
  warnings: z.array(z.string()),
  name: z.string(),
  format: z.enum(['markdown', 'org']),
  properties: Properties,
  aliases: z.array(z.string()),
  /** The page's blocks in file order (a tree through `parent`). */
  blocks: z.array(PageBlock),
  /** Opens the page in the Logseq app: logseq://graph/<graph>?page=<title>. */
  logseqUrl: z.string(),
});
export type PageView = z.infer<typeof PageView>;

export const JournalEntry = z.object({
  /** ISO date of the journal day. */
  date: z.string(),
  journalPath: z.string(),
  action: z.string(),
  skill: z.string(),
  actor: Actor,
  at: z.string().optional(),
  run: z.string().optional(),
  servers: z.array(z.string()),
  text: z.string(),
  /** Current status of the skill, if the page still exists. */
  skillStatus: SkillStatus.optional(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

export const SkillDetail = z.object({
  skill: Skill,
  markdown: z.string(),
  history: z.array(JournalEntry),
  pins: z.array(z.object({ tool: z.string(), pinned: z.string(), current: z.string().optional(), changed: z.boolean() })),
  logseqUrl: z.string(),
});
export type SkillDetail = z.infer<typeof SkillDetail>;

export const SkillSaveInput = z.object({
  name: z.string(),
  description: z.string(),
  code: z.string(),
  language: SkillLanguage,
  tags: z.array(z.string()).default([]),
  usage: z.string().optional(),
  example: z.string().optional(),
  runId: z.string().optional(),
  servers: z.array(z.string()).optional(),
});
export type SkillSaveInput = z.input<typeof SkillSaveInput>;

export const SkillListQuery = z.object({
  tag: z.string().optional(),
  language: z.string().optional(),
  status: z.string().optional(),
  source: z.enum(['agent', 'person']).optional(),
  server: z.string().optional(),
  sort: z.enum(['name', 'updated', 'usage']).optional(),
  limit: z.number().int().positive().max(20_000).optional(),
  offset: z.number().int().nonnegative().optional(),
});

export const ServerEntry = z.object({
  name: z.string(),
  /** The configuration as written in mcp.json: ${env:NAME} references as they are, literal secret-looking values masked. */
  config: ServerConfig,
  state: ServerState,
  /** What the server is: its command line or its URL (masked like `config`). */
  summary: z.string(),
  /** Why a failed server failed, in its own words: the first meaningful lines it wrote to stderr. */
  cause: z.string().optional(),
});

/** The configured servers, and why mcp.json on disk is not what runs when it is malformed. */
export const ServerList = z.object({ servers: z.array(ServerEntry), configProblem: z.string().optional() });

/** One line of a server's log: an MCP logging message, or a line it wrote to stderr (secrets masked). */
export const ServerLogLine = z.object({ server: z.string(), at: z.number(), level: z.string(), logger: z.string().optional(), text: z.string() });

export const ServerResource = z.object({ uri: z.string(), name: z.string(), title: z.string().optional(), description: z.string().optional(), mimeType: z.string().optional() });
export const ServerResourceTemplate = z.object({ uriTemplate: z.string(), name: z.string(), description: z.string().optional(), mimeType: z.string().optional() });
export const ServerPrompt = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  arguments: z.array(z.object({ name: z.string(), description: z.string().optional(), required: z.boolean().optional() })).default([]),
});

/**
 * A server's request for a completion (sampling/createMessage) as the app shows it: each message's content as text
 * (an image or audio part as a note of its type), and what the server asked of the model.
 */
export const SamplingRequest = z.object({
  id: z.string(),
  server: z.string(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() })),
  systemPrompt: z.string().optional(),
  maxTokens: z.number(),
  temperature: z.number().optional(),
  stopSequences: z.array(z.string()).optional(),
  /** Model names the server would prefer, best first (hints), and its priorities from 0 to 1. */
  modelHints: z.array(z.string()),
  priorities: z.object({ cost: z.number().optional(), speed: z.number().optional(), intelligence: z.number().optional() }),
  includeContext: z.string().optional(),
  /** Tools the server offers the model (sampling with tools); a person's answer is text only. */
  tools: z.array(z.string()).optional(),
});

export const ApiToolEntry = z.object({
  tool: z.string(),
  identifier: z.string(),
  description: z.string(),
  readOnly: z.boolean(),
  /** The TypeScript function to import (`getSum` from `servers/<dir>/<identifier>`). */
  functionName: z.string().optional(),
});
export const ApiServerEntry = z.object({ server: z.string(), dir: z.string(), tools: z.array(ApiToolEntry) });

export const ToolFiles = z.object({ doc: ToolDoc, typescript: z.string(), python: z.string(), tsPath: z.string(), pyPath: z.string() });

export const RunRequest = z.object({
  code: z.string(),
  language: RunLanguage,
  session: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a session name uses letters, digits, - and _').optional(),
  skipTypeCheck: z.boolean().optional(),
  backend: BackendName.optional(),
  /** The name errors are reported at (`console.ts`); `main.ts` when unset. */
  fileName: z.string().regex(/^[\w.-]{1,100}$/, 'a file name uses letters, digits, ".", "_" and "-"').optional(),
});

export const RunDetail = RunSummary.extend({
  stdout: z.string(),
  stderr: z.string(),
  diagnostics: z.array(TypeDiagnostic),
  toolCallEvents: z.array(ToolCallEvent),
  logPath: z.string(),
  /** The code that ran, when the run's details kept it. */
  code: z.string().optional(),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const WorkspaceFile = z.object({ path: z.string(), size: z.number().int(), mtimeMs: z.number() });

export const Approval = z.object({
  id: z.string(),
  runId: z.string(),
  server: z.string(),
  tool: z.string(),
  argsPreview: z.string(),
  requestedAt: z.number(),
});

/** App settings as the UI may see them: the E2B key itself never leaves the engine, only whether one is set. */
export const SettingsView = z.object({
  backend: BackendName,
  e2bConfigured: z.boolean(),
  /** The environment variable the E2B key setting refers to (`${env:NAME}`), when it is a reference. */
  e2bKeyEnv: z.string().optional(),
  /** Why no E2B key can be used, when none can. */
  e2bKeyProblem: z.string().optional(),
  e2bTemplate: z.string().optional(),
  e2bIdleTimeoutMinutes: z.number().int(),
  parallelRuns: z.number().int(),
  allowedDomains: z.array(z.string()),
  requireApproval: z.boolean(),
  writeTools: z.array(z.string()),
  piiFilter: z.boolean(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const methods = {
  'app.status': method(Empty, AppStatus, 'What the status bar shows: graph, data folder, servers, sandbox backend, index.'),

  'pages.get': method(z.object({ path: z.string() }), PageView, 'One page or journal of the graph, as Markdown.'),
  'search.query': method(
    z.object({ query: z.string().max(500), filters: SearchFilters.optional(), limit: z.number().int().positive().max(200).optional(), offset: z.number().int().nonnegative().optional() }),
    z.object({
      hits: z.array(SearchHit),
      total: z.number().int(),
      /** How many results hold every word; 0 means none did and the hits hold some of the words. */
      allTerms: z.number().int().optional(),
    }),
    'Full-text search over skills, pages, journals and tool docs (offline).',
  ),

  'skills.list': method(SkillListQuery, z.object({ skills: z.array(Skill), total: z.number().int() }), 'Skills with filters and sorting.'),
  'skills.get': method(z.object({ name: z.string() }), SkillDetail, 'A skill with its page, journal history and schema pins.'),
  'skills.save': method(SkillSaveInput, Skill, 'Create a skill page and a journal entry.'),
  'skills.update': method(
    z.object({ name: z.string(), description: z.string().optional(), code: z.string().optional(), tags: z.array(z.string()).optional(), usage: z.string().optional() }),
    Skill,
    'Change a skill\'s description, code, tags or usage.',
  ),
  'skills.rename': method(z.object({ name: z.string(), newName: z.string() }), Skill, 'Rename the page and file, updating references.'),
  'skills.setStatus': method(z.object({ name: z.string(), status: z.enum(['approved', 'archived', 'draft']) }), Skill, 'Approve, reject (archive) or reopen a skill.'),
  'skills.signature': method(
    z.object({ name: z.string() }),
    z.object({
      mode: z.enum(['object', 'positional', 'keywords']),
      text: z.string(),
      schema: z.object({ type: z.literal('object'), properties: z.record(z.string(), z.record(z.string(), z.unknown())), required: z.array(z.string()) }),
      order: z.array(z.string()),
      exportName: z.string(),
    }),
    'What a skill takes, read from its code: its parameters as a JSON Schema for a form.',
  ),
  'skills.run': method(
    z.object({ name: z.string(), args: z.record(z.string(), z.unknown()).default({}), session: RunRequest.shape.session }),
    z.object({ runId: z.string(), code: z.string() }),
    'Call a skill with arguments in a run (output arrives as run.* events); returns the code that calls it.',
  ),
  'skills.delete': method(z.object({ name: z.string() }), z.object({ recycledPath: z.string() }), 'Move the skill page to logseq/.recycle.'),
  'skills.restore': method(z.object({ recycledPath: z.string() }), Skill, 'Undo a delete: put a recycled skill page back.'),

  'journal.list': method(
    z.object({ days: z.number().int().positive().max(3650).optional() }),
    z.object({ entries: z.array(JournalEntry) }),
    'Journal entries about skills, newest first.',
  ),

  'servers.list': method(
    Empty,
    ServerList,
    'Configured MCP servers with live state; `configProblem` says why mcp.json as edited on disk is not used (the last valid one runs).',
  ),
  'servers.add': method(
    z.object({ name: z.string(), config: ServerConfig, replace: z.boolean().optional() }),
    ServerList,
    'Add a server; a name already configured is refused unless `replace` is set.',
  ),
  'servers.update': method(
    z.object({ name: z.string(), config: ServerConfig }),
    ServerList,
    'Change a configured server; values still masked as [redacted …] keep the secret they stood for.',
  ),
  'servers.log': method(z.object({ name: z.string() }), z.object({ lines: z.array(ServerLogLine) }), 'A server\'s recent log: stderr lines and MCP log messages, oldest first.'),
  'servers.resources': method(
    z.object({ name: z.string() }),
    z.object({ resources: z.array(ServerResource), templates: z.array(ServerResourceTemplate) }),
    'The resources and resource templates a server offers.',
  ),
  'servers.readResource': method(z.object({ name: z.string(), uri: z.string().max(10_000) }), z.object({ contents: z.array(z.unknown()) }), 'Read one resource of a server.'),
  'servers.prompts': method(z.object({ name: z.string() }), z.object({ prompts: z.array(ServerPrompt) }), 'The prompts a server offers.'),
  'servers.getPrompt': method(
    z.object({ name: z.string(), prompt: z.string(), args: z.record(z.string(), z.string()).default({}) }),
    z.object({ description: z.string().optional(), messages: z.array(z.unknown()) }),
    'Get one prompt of a server with its arguments filled in.',
  ),
  'servers.elicitAnswer': method(
    z.object({ id: z.string(), action: z.enum(['accept', 'decline', 'cancel']), content: z.record(z.string(), z.unknown()).optional() }),
    Ok,
    'Answer a question a server asked (servers.elicit).',
  ),
  'servers.sampleAnswer': method(
    z.object({ id: z.string(), action: z.enum(['send', 'decline']), text: z.string().max(1_000_000).optional(), model: z.string().max(200).optional() }),
    Ok,
    'Answer a server\'s request for a completion (servers.sample): send the text the person wrote, or decline.',
  ),
  'servers.remove': method(z.object({ name: z.string() }), ServerList, 'Remove a server.'),
  'servers.import': method(
    z.object({ json: z.string().max(1_000_000) }),
    z.object({ imported: z.array(z.string()), skipped: z.array(z.object({ name: z.string(), reason: z.string() })) }),
    'Import servers from a Claude Desktop, Cursor or VS Code config file\'s content.',
  ),
  'servers.restart': method(z.object({ name: z.string() }), ServerState, 'Restart one server.'),

  'api.tree': method(Empty, z.object({ servers: z.array(ApiServerEntry), root: z.string() }), 'The generated API tree.'),
  'api.tool': method(z.object({ server: z.string(), tool: z.string() }), ToolFiles, 'A tool\'s doc and its generated TypeScript and Python.'),
  'api.call': method(
    z.object({
      server: z.string(),
      tool: z.string(),
      args: z.record(z.string(), z.unknown()),
      /** Names the call for its api.progress and api.taskStatus events and for api.cancel; a named call runs optional-task tools as tasks. */
      callId: z.string().max(100).optional(),
    }),
    z.object({
      ok: z.boolean(),
      data: z.unknown(),
      error: z.string().optional(),
      durationMs: z.number(),
      /** The result's content blocks as the server sent them (text, image, audio, resource_link, resource). */
      content: z.array(z.unknown()).optional(),
      structuredContent: z.unknown().optional(),
      cancelled: z.boolean().optional(),
    }),
    'Call one tool directly (the "Try it" form).',
  ),
  'api.file': method(
    z.object({ server: z.string(), file: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}$/, 'a file name of the server\'s folder') }),
    z.object({ path: z.string(), text: z.string() }),
    'One file of a server\'s generated API folder (index.ts, README.md, __init__.py, a tool\'s .ts or .py).',
  ),
  'api.cancel': method(z.object({ callId: z.string() }), Ok, 'Cancel a "Try it" call that is still running.'),
  'api.generate': method(Empty, z.object({ written: z.number().int(), unchanged: z.number().int(), removed: z.number().int() }), 'Regenerate the API tree now.'),

  'runs.start': method(RunRequest, z.object({ runId: z.string() }), 'Start a run; output arrives as run.* events.'),
  'runs.cancel': method(z.object({ runId: z.string() }), Ok, 'Stop a run and its whole process tree.'),
  'runs.list': method(z.object({ limit: z.number().int().positive().max(500).optional() }), z.object({ runs: z.array(RunSummary) }), 'Recent runs, newest first.'),
  'runs.get': method(z.object({ runId: z.string() }), RunDetail, 'A run with its (capped) output and tool calls.'),
  'runs.log': method(z.object({ runId: z.string() }), z.object({ text: z.string(), logPath: z.string() }), 'A run\'s full log (its last 8 MB at most, as kept on disk).'),
  'sessions.files': method(z.object({ session: z.string() }), z.object({ files: z.array(WorkspaceFile) }), 'Files in a session\'s workspace.'),
  'sessions.clear': method(z.object({ session: z.string() }), Ok, 'Empty a session\'s workspace.'),

  'approvals.list': method(Empty, z.object({ pending: z.array(Approval), required: z.boolean() }), 'Tool calls waiting for the user\'s approval.'),
  'approvals.decide': method(z.object({ id: z.string(), allow: z.boolean() }), Ok, 'Allow or deny a pending tool call.'),
  'settings.get': method(Empty, SettingsView, 'Current app settings (approvals, PII filter, network allowances, sandbox backend); never secrets.'),
  'settings.update': method(
    z.object({
      requireApproval: z.boolean().optional(),
      allowedDomains: z.array(z.string()).optional(),
      backend: BackendName.optional(),
      piiFilter: z.boolean().optional(),
      /** Stored as the reference ${env:NAME}: the key itself is never sent through the app. */
      e2bKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name uses letters, digits and _').optional(),
      /** An E2B template name or id; '' goes back to E2B's base image. */
      e2bTemplate: z.string().trim().max(200).optional(),
      e2bIdleTimeoutMinutes: z.number().int().min(1).max(1440).optional(),
      parallelRuns: z.number().int().min(1).max(64).optional(),
    }),
    Ok,
    'Change app settings.',
  ),

  'pages.resolve': method(z.object({ name: z.string().max(1000) }), ResolvedPage, 'The page a [[name]] link opens (case-insensitive, aliases followed).'),
  'pages.references': method(
    z.object({ name: z.string().max(1000), unlinked: z.boolean().optional() }),
    z.object({ linked: z.array(ReferenceGroup), unlinked: z.array(ReferenceGroup).optional() }),
    'Linked references of a page (blocks on other pages linking it or an alias), and on request its unlinked mentions.',
  ),
  'pages.list': method(Empty, z.object({ pages: z.array(PageListEntry) }), 'Every page and journal with aliases and backlink counts.'),
  'blocks.get': method(z.object({ uuid: z.string().max(100) }), BlockView, 'The block a ((uuid)) reference points to, with its children.'),
  'query.simple': method(z.object({ query: z.string().max(2000) }), SimpleQueryResult, 'Evaluate a Logseq simple query ({{query …}}) over the index.'),
  ...editorMethods,
} satisfies Record<string, MethodDef>;

export const events = {
  'run.status': RunSummary,
  'run.output': z.object({ runId: z.string(), stream: z.enum(['stdout', 'stderr']), chunk: z.string() }),
  'run.toolCall': z.object({ runId: z.string(), call: ToolCallEvent }),
  'run.notice': z.object({ runId: z.string(), message: z.string() }),
  'run.diagnostics': z.object({ runId: z.string(), diagnostics: z.array(TypeDiagnostic) }),
  'servers.state': ServerState,
  /** mcp.json changed on disk: applied (no problem), or malformed (`problem`) while the last good config runs on. */
  'servers.config': z.object({ problem: z.string().optional() }),
  'servers.log': ServerLogLine,
  'servers.elicit': z.object({ id: z.string(), server: z.string(), message: z.string(), requestedSchema: z.unknown(), url: z.string().optional() }),
  'servers.elicitDone': z.object({ id: z.string() }),
  'servers.sample': SamplingRequest,
  'servers.sampleDone': z.object({ id: z.string() }),
  /** The API tree was regenerated (all servers or some): views of it reload. */
  'api.changed': z.object({}),
  'api.progress': z.object({ callId: z.string(), progress: z.number(), total: z.number().optional(), message: z.string().optional() }),
  /** A Try it call that runs as an MCP task: each change of the task's status. */
  'api.taskStatus': z.object({ callId: z.string(), task: ToolCallTask }),
  'graph.changed': z.object({ events: z.array(z.object({ type: z.enum(['added', 'changed', 'renamed', 'removed']), path: z.string() })) }),
  'index.progress': z.object({ indexed: z.number().int(), total: z.number().int(), done: z.boolean() }),
  'skills.changed': z.object({ names: z.array(z.string()) }),
  'approvals.changed': z.object({ pending: z.number().int() }),
  'ledger.updated': z.object({ runId: z.string(), ledger: ContextLedger }),
  'app.problem': BackgroundProblem,
} satisfies Record<string, z.ZodType>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** What a host needs: one async function per method, receiving already-parsed input. */
export type Handlers = { [M in MethodName]: (input: z.output<Methods[M]['input']>) => Promise<MethodOutput<M>> };

/** Where the engine pushes events; each host forwards them over its transport. */
export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
