// Domain types shared by the engine, both hosts and the renderer, declared once as zod schemas.
// Pure TypeScript: no node, electron or DOM imports may appear in shared/.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Graph: pages and blocks as the Logseq parser reads them.

/** A property value: Logseq keeps single values as text and multi-value properties (tags::, alias::) as lists. */
export const PropertyValue = z.union([z.string(), z.array(z.string())]);
export type PropertyValue = z.infer<typeof PropertyValue>;
export const Properties = z.record(z.string(), PropertyValue);
export type Properties = z.infer<typeof Properties>;

export const CodeFence = z.object({ lang: z.string(), code: z.string() });
export type CodeFence = z.infer<typeof CodeFence>;

export const ParsedBlock = z.object({
  /** `id::` property when the block has one (target of `((uuid))` references). */
  uuid: z.string().optional(),
  /** Exact slice of the file for this block and its properties (not its children), bullet excluded. */
  content: z.string(),
  /** The block's text without its property lines and continuation prefixes. */
  text: z.string(),
  properties: Properties,
  /** 0 for top-level blocks. */
  level: z.number().int(),
  /** Index of the parent block in the page's flat block list, or -1 for top-level. */
  parent: z.number().int(),
  /** Task marker such as TODO, DOING, DONE, LATER, NOW, WAITING, CANCELED. */
  marker: z.string().optional(),
  refs: z.array(z.string()),
  blockRefs: z.array(z.string()),
  code: z.array(CodeFence),
  /** 0-based line range in the file, end exclusive (including children is not implied). */
  startLine: z.number().int(),
  endLine: z.number().int(),
});
export type ParsedBlock = z.infer<typeof ParsedBlock>;

export const PageKind = z.enum(['page', 'journal']);
export type PageKind = z.infer<typeof PageKind>;

export const ParsedPage = z.object({
  /** Path relative to the graph root, forward slashes, NFC. */
  path: z.string(),
  /** Display title as Logseq derives it (title:: wins, else the decoded file name). */
  title: z.string(),
  /** Identity: lower-cased NFC title. Two pages with the same name are the same page to Logseq. */
  name: z.string(),
  kind: PageKind,
  /** ISO date (YYYY-MM-DD) for journals. */
  journalDate: z.string().optional(),
  format: z.enum(['markdown', 'org']),
  properties: Properties,
  blocks: z.array(ParsedBlock),
  /** Page names referenced anywhere on the page (lower-cased). */
  refs: z.array(z.string()),
  warnings: z.array(z.string()),
  /** Content hash of the raw file, used for conditional writes and change detection. */
  hash: z.string(),
  mtimeMs: z.number(),
});
export type ParsedPage = z.infer<typeof ParsedPage>;

export const GraphEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('added'), page: ParsedPage }),
  z.object({ type: z.literal('changed'), page: ParsedPage }),
  z.object({ type: z.literal('renamed'), from: z.string(), page: ParsedPage }),
  z.object({ type: z.literal('removed'), path: z.string(), name: z.string() }),
]);
export type GraphEvent = z.infer<typeof GraphEvent>;

// ---------------------------------------------------------------------------------------------
// Skills: a skill is a Logseq page with `type:: skill`.

export const SkillLanguage = z.enum(['typescript', 'python']);
export type SkillLanguage = z.infer<typeof SkillLanguage>;
export const SkillStatus = z.enum(['draft', 'approved', 'archived', 'needs-review']);
export type SkillStatus = z.infer<typeof SkillStatus>;
export const Actor = z.object({ kind: z.enum(['agent', 'person']), name: z.string().optional() });
export type Actor = z.infer<typeof Actor>;

export const Skill = z.object({
  id: z.string(),
  /** Skill name, the last segment of `Skills/<name>` (snake_case identifier). */
  name: z.string(),
  pageTitle: z.string(),
  path: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  language: SkillLanguage,
  status: SkillStatus,
  source: Actor,
  servers: z.array(z.string()),
  created: z.string().optional(),
  updated: z.string().optional(),
  run: z.string().optional(),
  /** `server/tool` -> schema hash the skill was written against. */
  pins: z.record(z.string(), z.string()),
  usage: z.string(),
  example: z.string(),
  code: z.string(),
  warnings: z.array(z.string()),
});
export type Skill = z.infer<typeof Skill>;

// ---------------------------------------------------------------------------------------------
// MCP servers.

/**
 * A folder offered to a server as an MCP root: an absolute path or a `file://` URI, or one built from `${env:NAME}`
 * (checked again once substituted, when the server asks).
 */
export const ServerRootEntry = z
  .string()
  .min(1)
  .refine((value) => /^\$\{env:/.test(value) || /^file:\/\//.test(value) || value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value), {
    message: 'a root is an absolute path (/home/me/project) or a file:// URI',
  });
/** The roots Skillgraph offers a server (`roots/list`); `[]` offers none, not even an agent's (see the gateway). */
const ServerRoots = z.array(ServerRootEntry).max(100);

export const StdioServerConfig = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
  disabled: z.boolean().optional(),
  /** How long this server gets to answer initialize, ms (default 30 s): a slow first `npx -y` download needs more. */
  startupTimeoutMs: z.number().int().positive().max(600_000).optional(),
  roots: ServerRoots.optional(),
});
export const HttpServerConfig = z.object({
  type: z.enum(['http', 'streamable-http', 'sse']).optional(),
  url: z.string().url(),
  headers: z.record(z.string(), z.string()).optional(),
  /** OAuth sign-in settings; without them Skillgraph registers itself dynamically where the server allows it. */
  oauth: z
    .object({
      clientId: z.string().min(1).optional(),
      clientSecret: z.string().min(1).optional(),
      scope: z.string().min(1).optional(),
      clientMetadataUrl: z.string().url().optional(),
    })
    .strict()
    .optional(),
  disabled: z.boolean().optional(),
  startupTimeoutMs: z.number().int().positive().max(600_000).optional(),
  roots: ServerRoots.optional(),
});
export const ServerConfig = z.union([StdioServerConfig, HttpServerConfig]);
export type ServerConfig = z.infer<typeof ServerConfig>;
/** The `mcpServers` shape used by Claude Desktop and Cursor. */
export const McpServersFile = z.object({ mcpServers: z.record(z.string(), ServerConfig) });
export type McpServersFile = z.infer<typeof McpServersFile>;

export const ServerStatus = z.enum(['idle', 'starting', 'ready', 'failed', 'stopped']);
export type ServerStatus = z.infer<typeof ServerStatus>;
export const ServerState = z.object({
  name: z.string(),
  /** Identifier used in generated code (`servers/<dir>/`), shown when it differs from `name`. */
  dir: z.string(),
  transport: z.enum(['stdio', 'http', 'sse']),
  status: ServerStatus,
  error: z.string().optional(),
  toolCount: z.number().int(),
  restarts: z.number().int(),
  /** The roots the server was last offered when it asked (`roots/list`), and whose they were. */
  offeredRoots: z
    .object({ from: z.enum(['mcp.json', 'agent']), roots: z.array(z.object({ uri: z.string(), name: z.string().optional() })) })
    .optional(),
});
export type ServerState = z.infer<typeof ServerState>;

export const ToolDoc = z.object({
  server: z.string(),
  tool: z.string(),
  /** File stem / function name in the generated API. */
  identifier: z.string(),
  description: z.string(),
  /** TypeScript signature as generated (`function x(input: XInput): Promise<XOutput>`). */
  signature: z.string(),
  inputSchema: z.unknown(),
  outputSchema: z.unknown().optional(),
  readOnly: z.boolean(),
  schemaHash: z.string(),
});
export type ToolDoc = z.infer<typeof ToolDoc>;

// ---------------------------------------------------------------------------------------------
// Runs in the sandbox.

export const RunLanguage = z.enum(['typescript', 'javascript', 'python']);
export type RunLanguage = z.infer<typeof RunLanguage>;
export const BackendName = z.enum(['local', 'e2b']);
export type BackendName = z.infer<typeof BackendName>;

/** Where a tool call that runs as an MCP task stands, as the server last reported it. */
export const ToolCallTask = z.object({
  id: z.string(),
  status: z.enum(['working', 'input_required', 'completed', 'failed', 'cancelled']),
  statusMessage: z.string().optional(),
});
export type ToolCallTask = z.infer<typeof ToolCallTask>;

export const ToolCallEvent = z.object({
  id: z.number().int(),
  server: z.string(),
  tool: z.string(),
  startedAt: z.number(),
  durationMs: z.number().optional(),
  bytesIn: z.number().int(),
  bytesOut: z.number().int().optional(),
  ok: z.boolean().optional(),
  error: z.string().optional(),
  /** The start of the arguments and of the result as JSON (at most TOOL_CALL_PREVIEW_CHARS each). */
  argsPreview: z.string().optional(),
  resultPreview: z.string().optional(),
  /** True when the result is longer than its preview. */
  resultTruncated: z.boolean().optional(),
  /** For a call that runs as an MCP task: its status as last reported (working, input_required, completed…). */
  task: ToolCallTask.optional(),
});
export const TOOL_CALL_PREVIEW_CHARS = 2000;
export type ToolCallEvent = z.infer<typeof ToolCallEvent>;

export const TypeDiagnostic = z.object({ line: z.number().int(), column: z.number().int(), message: z.string(), code: z.number().int().optional() });
export type TypeDiagnostic = z.infer<typeof TypeDiagnostic>;

export const RunStatus = z.enum(['queued', 'checking', 'running', 'succeeded', 'failed', 'type-error', 'timeout', 'killed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

export const ContextLedger = z.object({
  /** Tokens of tool results the code received (would have entered the model's context). */
  toolResultTokens: z.number().int(),
  /** Tokens of what the run printed back. */
  printedTokens: z.number().int(),
  savedTokens: z.number().int(),
});
export type ContextLedger = z.infer<typeof ContextLedger>;

export const RunSummary = z.object({
  id: z.string(),
  session: z.string(),
  language: RunLanguage,
  backend: BackendName,
  status: RunStatus,
  startedAt: z.number(),
  durationMs: z.number().optional(),
  exitCode: z.number().int().nullable().optional(),
  origin: z.enum(['app', 'cli', 'gateway']),
  toolCalls: z.number().int(),
  ledger: ContextLedger.optional(),
  notice: z.string().optional(),
  /** The cloud sandbox the run used (E2B). */
  sandboxId: z.string().optional(),
  /** Why a run meant for E2B ran locally. */
  fallbackReason: z.string().optional(),
  /** The first line of the code that says what it does (not an import or a comment), to label the run. */
  title: z.string().optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

// ---------------------------------------------------------------------------------------------
// Search.

export const SearchKind = z.enum(['skill', 'page', 'journal', 'tool']);
export type SearchKind = z.infer<typeof SearchKind>;
export const SearchFilters = z.object({
  kinds: z.array(SearchKind).optional(),
  tag: z.string().optional(),
  language: z.string().optional(),
  status: z.string().optional(),
  source: z.enum(['agent', 'person']).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});
export type SearchFilters = z.infer<typeof SearchFilters>;
export const SearchHit = z.object({
  kind: SearchKind,
  /** Page path for pages/journals/skills, `server/tool` for tools. */
  key: z.string(),
  title: z.string(),
  /** Snippet with matches wrapped in \u0002 … \u0003 markers (rendered as <mark> by the UI). */
  snippet: z.string(),
  score: z.number(),
  skillName: z.string().optional(),
  /** Pages and journals: the block that best matches the query, when one does (`ord` is its place in the page). */
  block: z.object({ uuid: z.string().optional(), ord: z.number().int(), text: z.string() }).optional(),
});
export type SearchHit = z.infer<typeof SearchHit>;
