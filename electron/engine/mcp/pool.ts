// Client pool over @modelcontextprotocol/sdk: starts servers lazily, lists tools page by page, follows
// tools/list_changed, times out calls, restarts crashed servers with backoff, and reports each server's state.
// It is the one place where server text is redacted: results, tool lists, errors and stderr leave it without secrets.
// Beyond tools it reads resources and prompts, passes progress and log messages on, answers the requests a
// server sends back (elicitation, sampling) through the host's handlers, offers each server its roots (from mcp.json,
// else the host's), signs in to HTTP servers with OAuth, and opens a new session when an HTTP server has forgotten the
// old one (404).
import { EventEmitter } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError as SdkMcpError,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
  ToolSchema,
  type CallToolResult,
  type ClientCapabilities,
  type CreateMessageRequest,
  type CreateMessageResult,
  type ElicitRequest,
  type ElicitResult,
  type GetPromptResult,
  type LoggingLevel,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Root,
  TaskStatusNotificationSchema,
  type Task,
  type TaskStatus,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ServerConfig, ServerState } from '../../../shared/types';
import { offeredRoots, resolveEnv } from './config';
import { McpAuthError, McpCancelledError, McpError, McpServerError, McpTimeoutError } from './errors';
import { LoopbackRedirect, ServerOAuthProvider, type OAuthCredentialStore, type OpenAuthorization } from './oauth';
import { SecretRedactor, serverSecrets } from './redact';
import { ProcessGroupStdioTransport } from './stdio-transport';
import { compareCodeUnits, serverDirectories } from './names';
import { keepSchemasOf, withObjectSubschemas } from './schema-common';

export interface McpPoolOptions {
  configs: Record<string, ServerConfig>;
  /** Default time limit of one tool call (and of tools/list), ms. */
  callTimeoutMs?: number;
  /** Time a server gets to answer initialize, ms. */
  startTimeoutMs?: number;
  /** Characters of each server's stderr kept to explain failures. */
  stderrTail?: number;
  /** Where `${env:NAME}` references are read from; process.env by default. */
  env?: Record<string, string | undefined>;
  /** Consecutive automatic restarts after crashes before a server stays failed until asked again. */
  maxRestarts?: number;
  /** First restart delay, doubled on each consecutive failure (capped at 30 s). */
  restartBackoffMs?: number;
  /** Sign-in for HTTP servers that answer 401; without it they fail with "needs you to sign in". */
  oauth?: PoolOAuth;
  /** Answers to the requests servers send to Skillgraph; a capability is offered only when its handler is set. */
  serverRequests?: ServerRequestHandlers;
}

export interface PoolOAuth {
  store: OAuthCredentialStore;
  /** Sends the user to the authorization page (the app and CLI open the browser); absent: sign-in is refused. */
  open?: OpenAuthorization;
  /** How long a sign-in may wait for the browser to come back, ms (default 5 minutes). */
  signInTimeoutMs?: number;
}

/** What a server may ask of Skillgraph while it works: the user (elicitation), a model (sampling), the roots. */
export interface ServerRequestHandlers {
  elicit?(server: string, params: ElicitRequest['params'], signal: AbortSignal): Promise<ElicitResult>;
  sample?(server: string, params: CreateMessageRequest['params'], signal: AbortSignal): Promise<CreateMessageResult>;
  /**
   * The host's roots (the gateway: the agent's), offered to servers that have no `roots` in mcp.json; a server with
   * its own `roots` (even `[]`) is offered only those. Call `McpPool.hostRootsChanged()` when they change.
   */
  roots?(server: string): Promise<Root[]>;
}

export interface ToolProgress {
  progress: number;
  total?: number;
  message?: string;
}

/** Where a call that runs as an MCP task stands: each change of its status or status message. */
export interface ToolTaskStatus {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
}

export interface CallToolOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Progress the server reports for this call; setting it sends a progress token and lets progress extend the time limit. */
  onProgress?: (progress: ToolProgress) => void;
  /** The task's status as it changes, for a call that runs as a task. */
  onTaskStatus?: (status: ToolTaskStatus) => void;
  /**
   * Run a tool whose task support is optional as a task too (a tool that requires one always is): for callers that
   * show the call while it runs (the app's Try it, a gateway run the agent follows with a progress token).
   */
  taskWhenOptional?: boolean;
}

/** One line of a server's log: an MCP logging message, or a line it wrote to stderr. */
export interface ServerLogLine {
  server: string;
  at: number;
  level: LoggingLevel | 'stderr';
  logger?: string;
  text: string;
}

interface ServerEntry {
  name: string;
  config: ServerConfig;
  state: ServerState;
  client?: Client;
  connecting?: Promise<Client>;
  tools?: Tool[];
  /** Tools listed last time the server was up, kept so a failed server's API tree is not deleted. */
  lastTools?: Tool[];
  /** Tail of the server's stderr, redacted as it arrives (a secret split across chunks is masked once whole). */
  stderr: string;
  redactor: SecretRedactor;
  /** Increments with every connection so callbacks of an old connection are ignored. */
  generation: number;
  readyAt: number;
  failures: number;
  nextAttemptAt: number;
  lastError?: Error;
  restartTimer?: NodeJS.Timeout;
  refreshTimer?: NodeJS.Timeout;
  oauth?: ServerOAuthProvider;
  log: ServerLogLine[];
}

const LenientToolsPage = z.object({ tools: z.array(z.unknown()), nextCursor: z.string().optional() }).passthrough();
const MAX_TOOL_PAGES = 1000;
const MAX_BACKOFF_MS = 30_000;
const MAX_LOG_LINES = 500;

function transportKind(config: ServerConfig): ServerState['transport'] {
  if ('command' in config) return 'stdio';
  return config.type === 'sse' ? 'sse' : 'http';
}

/** Events of the pool: every state change of a server, and a server whose tool list changed. */
export interface McpPoolEvents {
  state: [ServerState];
  toolsChanged: [string];
  resourcesChanged: [string];
  resourceUpdated: [string, string];
  promptsChanged: [string];
  log: [ServerLogLine];
}

export class McpPool extends EventEmitter<McpPoolEvents> {
  private entries = new Map<string, ServerEntry>();
  private readonly callTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly stderrTail: number;
  private readonly env: Record<string, string | undefined>;
  private readonly maxRestarts: number;
  private readonly restartBackoffMs: number;
  private closed = false;
  private readonly oauth?: PoolOAuth;
  private readonly serverRequests: ServerRequestHandlers;
  private loopback?: LoopbackRedirect;

  constructor(opts: McpPoolOptions) {
    super();
    this.callTimeoutMs = opts.callTimeoutMs ?? 60_000;
    this.startTimeoutMs = opts.startTimeoutMs ?? 30_000;
    this.stderrTail = opts.stderrTail ?? 4000;
    this.env = opts.env ?? process.env;
    this.maxRestarts = opts.maxRestarts ?? 5;
    this.restartBackoffMs = opts.restartBackoffMs ?? 500;
    this.oauth = opts.oauth;
    this.serverRequests = opts.serverRequests ?? {};
    this.setConfigs(opts.configs);
  }

  /** Replaces the configured servers: removed or changed servers are stopped, new ones wait for first use. */
  setConfigs(configs: Record<string, ServerConfig>): void {
    const dirs = serverDirectories(Object.keys(configs));
    for (const [name, entry] of this.entries) {
      if (name in configs && this.onlyRootsDiffer(entry, configs[name])) {
        // New roots need no new connection: the server is told they changed and asks for them again.
        entry.config = configs[name];
        this.announceRootsChanged(entry);
        continue;
      }
      if (!(name in configs) || JSON.stringify(configs[name]) !== JSON.stringify(entry.config)) {
        void this.stopEntry(entry);
        this.entries.delete(name);
      }
    }
    for (const name of Object.keys(configs).sort(compareCodeUnits)) {
      const config = configs[name];
      const existing = this.entries.get(name);
      if (existing) {
        existing.state = { ...existing.state, dir: dirs.get(name)! };
        continue;
      }
      const entry: ServerEntry = {
        name,
        config,
        state: { name, dir: dirs.get(name)!, transport: transportKind(config), status: config.disabled ? 'stopped' : 'idle', toolCount: 0, restarts: 0 },
        stderr: '',
        redactor: new SecretRedactor([]),
        generation: 0,
        readyAt: 0,
        failures: 0,
        nextAttemptAt: 0,
        log: [],
      };
      if (config.disabled) entry.state.error = 'disabled in mcp.json';
      this.entries.set(name, entry);
      this.emit('state', { ...entry.state });
    }
  }

  /**
   * The host's roots changed (the agent sent roots/list_changed): every connected server offered them is told, and
   * asks again. Servers with their own `roots` in mcp.json are not affected.
   */
  hostRootsChanged(): void {
    for (const entry of this.entries.values()) if (entry.config.roots === undefined) this.announceRootsChanged(entry);
  }

  states(): ServerState[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.state })).sort((a, b) => compareCodeUnits(a.name, b.name));
  }

  /** The server's tools (all pages), starting it if needed. */
  async listTools(server: string): Promise<Tool[]> {
    const entry = this.entry(server);
    if (entry.tools && entry.client) return entry.tools;
    const client = await this.ensureConnected(entry);
    return this.refreshTools(entry, client);
  }

  /** Tools of every enabled server; a server that fails is reported through its state, not thrown. */
  async catalog(): Promise<Map<string, Tool[]>> {
    const names = [...this.entries.values()].filter((entry) => !entry.config.disabled).map((entry) => entry.name);
    const lists = await Promise.all(names.map((name) => this.listTools(name).catch(() => this.entries.get(name)?.lastTools)));
    const catalog = new Map<string, Tool[]>();
    names.forEach((name, i) => {
      const tools = lists[i];
      if (tools) catalog.set(name, tools);
    });
    return catalog;
  }

  async callTool(server: string, tool: string, args: Record<string, unknown> = {}, opts: CallToolOptions = {}): Promise<CallToolResult> {
    const entry = this.entry(server);
    const timeoutMs = opts.timeoutMs ?? this.callTimeoutMs;
    if (opts.signal?.aborted) throw new McpCancelledError(server, tool);
    // The SDK leaves its abort listener on the signal it is given; a signal of our own per call, unlinked when the
    // call settles, keeps a run's signal (shared by all its calls) from cancelling calls that already finished.
    const call = new AbortController();
    const forward = () => call.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', forward, { once: true });
    try {
      const options = {
        timeout: timeoutMs,
        signal: call.signal,
        ...(opts.onProgress ? { onprogress: opts.onProgress, resetTimeoutOnProgress: true } : {}),
      };
      // A tool's task support is known from its listing (listed first if this server has not been yet).
      const listed = entry.lastTools ?? (await this.listTools(server));
      const support = listed.find((t) => t.name === tool)?.execution?.taskSupport;
      const asTask = support === 'required' || (support === 'optional' && opts.taskWhenOptional === true);
      const result = (await this.withSession(entry, (client) =>
        asTask
          ? callAsTask(client, tool, args, options, (status) => {
              if (opts.onTaskStatus) opts.onTaskStatus(entry.redactor.value(status));
            })
          : client.callTool({ name: tool, arguments: args }, undefined, options),
      )) as CallToolResult;
      return entry.redactor.value(result);
    } catch (error) {
      if (call.signal.aborted) throw new McpCancelledError(server, tool);
      if (error instanceof SdkMcpError && error.code === ErrorCode.RequestTimeout) throw new McpTimeoutError(server, tool, timeoutMs);
      if (error instanceof SdkMcpError && error.code === ErrorCode.ConnectionClosed) {
        throw new McpServerError(server, this.redact(entry, `server \`${server}\` closed the connection during \`${tool}\`${this.stderrSuffix(entry)}`));
      }
      // A JSON-RPC error's message and data are the server's own text, so they may carry a secret too.
      throw entry.redactor.error(error);
    } finally {
      opts.signal?.removeEventListener('abort', forward);
    }
  }

  /** The server's resources (all pages); empty when it offers none. */
  async listResources(server: string): Promise<Resource[]> {
    return this.paginate(server, 'resources', (client, cursor) => client.listResources(cursor ? { cursor } : {}, { timeout: this.callTimeoutMs }), (page) => page.resources);
  }

  /** The server's resource templates (URI templates such as `file:///{path}`). */
  async listResourceTemplates(server: string): Promise<ResourceTemplate[]> {
    return this.paginate(server, 'resources', (client, cursor) => client.listResourceTemplates(cursor ? { cursor } : {}, { timeout: this.callTimeoutMs }), (page) => page.resourceTemplates);
  }

  async readResource(server: string, uri: string): Promise<ReadResourceResult> {
    const entry = this.entry(server);
    return entry.redactor.value(await this.withSession(entry, (client) => client.readResource({ uri }, { timeout: this.callTimeoutMs })));
  }

  /** Asks the server to send `resourceUpdated` events for `uri` (where it supports subscriptions). */
  async subscribeResource(server: string, uri: string): Promise<void> {
    const entry = this.entry(server);
    await this.withSession(entry, (client) => client.subscribeResource({ uri }, { timeout: this.callTimeoutMs }));
  }

  async unsubscribeResource(server: string, uri: string): Promise<void> {
    const entry = this.entry(server);
    await this.withSession(entry, (client) => client.unsubscribeResource({ uri }, { timeout: this.callTimeoutMs }));
  }

  /** The server's prompts (all pages); empty when it offers none. */
  async listPrompts(server: string): Promise<Prompt[]> {
    return this.paginate(server, 'prompts', (client, cursor) => client.listPrompts(cursor ? { cursor } : {}, { timeout: this.callTimeoutMs }), (page) => page.prompts);
  }

  async getPrompt(server: string, name: string, args: Record<string, string> = {}): Promise<GetPromptResult> {
    const entry = this.entry(server);
    return entry.redactor.value(await this.withSession(entry, (client) => client.getPrompt({ name, arguments: args }, { timeout: this.callTimeoutMs })));
  }

  /** The server's recent log: MCP logging messages and stderr lines, oldest first (secrets masked). */
  serverLog(server: string): ServerLogLine[] {
    return [...this.entry(server).log];
  }

  /** Forgets the OAuth credentials of an HTTP server and stops it; the next use signs in again. */
  async signOut(server: string): Promise<void> {
    const entry = this.entry(server);
    await this.stopEntry(entry);
    const provider = entry.oauth ?? (this.oauth && 'url' in entry.config ? await this.oauthProvider(entry, entry.config.url, entry.config) : undefined);
    await provider?.signOut();
    entry.oauth = undefined;
  }

  /** Stops a server and starts it again now (the user's "Restart"), clearing any backoff. */
  async restart(server: string): Promise<ServerState> {
    const entry = this.entry(server);
    await this.stopEntry(entry);
    entry.failures = 0;
    entry.nextAttemptAt = 0;
    entry.lastError = undefined;
    try {
      await this.listTools(server);
    } catch {
      // The failure is in the server's state, which is what the caller shows.
    }
    return { ...entry.state };
  }

  /** Stops every server; the pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.entries.values()].map((entry) => this.stopEntry(entry)));
    await this.loopback?.close();
  }

  /**
   * Runs a request on the server's session. An HTTP server that answers 404 has forgotten the session (it
   * restarted): per the spec the client starts a new one, so the request is sent once more on a fresh session.
   */
  private async withSession<T>(entry: ServerEntry, request: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.ensureConnected(entry);
    try {
      return await request(client);
    } catch (error) {
      if (error instanceof UnauthorizedError && entry.oauth?.awaitingCode && client.transport instanceof StreamableHTTPClientTransport) {
        // A request needed more than the current token (expired, or a step-up to more scopes): the user signs in
        // again in the browser and the request is sent once more with the new token.
        this.appendLog(entry, 'notice', 'the server asked for authorization again; waiting for sign-in in the browser');
        await client.transport.finishAuth(await entry.oauth.waitForCode(this.oauth?.signInTimeoutMs ?? 300_000));
        return request(client);
      }
      if (!(error instanceof StreamableHTTPError && error.code === 404) || entry.client !== client) throw error;
      this.appendLog(entry, 'notice', 'the server forgot the session (HTTP 404); starting a new one');
      entry.client = undefined;
      entry.tools = undefined;
      entry.generation++;
      // The old session is already gone on the server; closing our side can only fail for the same reason.
      await client.close().catch(() => undefined);
      return request(await this.ensureConnected(entry));
    }
  }

  private async paginate<P extends { nextCursor?: string }, T>(
    server: string,
    capability: 'resources' | 'prompts',
    page: (client: Client, cursor: string | undefined) => Promise<P>,
    items: (page: P) => T[],
  ): Promise<T[]> {
    const entry = this.entry(server);
    const client = await this.ensureConnected(entry);
    if (!client.getServerCapabilities()?.[capability]) return [];
    const out: T[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let i = 0; i < MAX_TOOL_PAGES; i++) {
      const result = await this.withSession(entry, (c) => page(c, cursor));
      out.push(...items(result));
      cursor = result.nextCursor;
      if (!cursor || seen.has(cursor)) break;
      seen.add(cursor);
    }
    return out;
  }

  private appendLog(entry: ServerEntry, level: ServerLogLine['level'], text: string, logger?: string): void {
    const line: ServerLogLine = { server: entry.name, at: Date.now(), level, text: this.redact(entry, text), ...(logger ? { logger } : {}) };
    entry.log.push(line);
    if (entry.log.length > MAX_LOG_LINES) entry.log.splice(0, entry.log.length - MAX_LOG_LINES);
    this.emit('log', line);
  }

  private entry(server: string): ServerEntry {
    if (this.closed) throw new McpServerError(server, 'the MCP pool is closed');
    const entry = this.entries.get(server);
    if (!entry) throw new McpServerError(server, `no MCP server named \`${server}\` is configured`);
    if (entry.config.disabled) throw new McpServerError(server, `server \`${server}\` is disabled in mcp.json`);
    return entry;
  }

  private setState(entry: ServerEntry, patch: Partial<ServerState>): void {
    const next: ServerState = { ...entry.state, ...patch };
    if (next.error !== undefined) next.error = entry.redactor.text(next.error);
    if (!('error' in patch) && patch.status && patch.status !== entry.state.status) delete next.error;
    if (next.error === undefined) delete next.error;
    if (JSON.stringify(next) === JSON.stringify(entry.state)) return;
    entry.state = next;
    this.emit('state', { ...next });
  }

  private stderrSuffix(entry: ServerEntry): string {
    const lines = entry.stderr.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
    return lines.length > 0 ? `: ${lines.slice(-5).join(' | ')}` : '';
  }

  private redact(entry: ServerEntry, text: string): string {
    return entry.redactor.text(text);
  }

  private ensureConnected(entry: ServerEntry): Promise<Client> {
    if (entry.client) return Promise.resolve(entry.client);
    if (entry.connecting) return entry.connecting;
    if (entry.state.status === 'failed' && entry.lastError && Date.now() < entry.nextAttemptAt) return Promise.reject(entry.lastError);
    entry.connecting = this.connect(entry).finally(() => {
      entry.connecting = undefined;
    });
    return entry.connecting;
  }

  private async connect(entry: ServerEntry): Promise<Client> {
    const generation = ++entry.generation;
    entry.stderr = '';
    entry.tools = undefined;
    this.setState(entry, { status: 'starting', error: undefined });
    let client: Client | undefined;
    try {
      entry.redactor = new SecretRedactor(serverSecrets(entry.config, this.env));
      const resolved = resolveEnv(entry.config, this.env, entry.name);
      client = await this.openClient(entry, resolved, generation);
      if (generation !== entry.generation || this.closed) {
        await client.close().catch(() => undefined); // a client nobody will use: its close failing changes nothing
        throw new McpServerError(entry.name, `server \`${entry.name}\` was stopped while starting`);
      }
      entry.client = client;
      entry.readyAt = Date.now();
      entry.lastError = undefined;
      this.setState(entry, { status: 'ready', error: undefined });
      return client;
    } catch (error) {
      const failure = error instanceof McpError ? entry.redactor.error(error) : new McpServerError(entry.name, this.redact(entry, this.describeStartFailure(entry, error)));
      if (generation === entry.generation) {
        entry.failures++;
        entry.lastError = failure;
        entry.nextAttemptAt = Date.now() + this.backoff(entry.failures);
        this.setState(entry, { status: 'failed', error: failure.message });
      }
      throw failure;
    }
  }

  private describeStartFailure(entry: ServerEntry, error: unknown): string {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' && 'command' in entry.config) return `server \`${entry.name}\` could not start: command \`${entry.config.command}\` was not found`;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof SdkMcpError && error.code === ErrorCode.ConnectionClosed) {
      return `server \`${entry.name}\` exited while starting${this.stderrSuffix(entry) || ' (it wrote nothing to stderr)'}`;
    }
    return `server \`${entry.name}\` could not start: ${message}${this.stderrSuffix(entry)}`;
  }

  private backoff(failures: number): number {
    return Math.min(this.restartBackoffMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
  }

  private async openClient(entry: ServerEntry, config: ServerConfig, generation: number): Promise<Client> {
    if ('command' in config) return this.handshake(entry, this.stdioTransport(entry, config, generation), generation);
    const url = new URL(config.url);
    const requestInit = config.headers ? { headers: config.headers } : undefined;
    // A server configured with its own Authorization header is not signed in to with OAuth.
    const hasAuthorization = Object.keys(config.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
    const authProvider = this.oauth && !hasAuthorization ? await this.oauthProvider(entry, config.url, config) : undefined;
    if (config.type === 'sse') return this.handshake(entry, new SSEClientTransport(url, { requestInit, authProvider }), generation);
    const streamable = () => new StreamableHTTPClientTransport(url, { requestInit, authProvider });
    const first = streamable();
    try {
      return await this.handshake(entry, first, generation);
    } catch (error) {
      if (error instanceof UnauthorizedError && authProvider?.awaitingCode) {
        // The SDK sent the user to the authorization page; the loopback page brings the code back.
        this.appendLog(entry, 'notice', 'waiting for sign-in in the browser');
        const code = await authProvider.waitForCode(this.oauth?.signInTimeoutMs ?? 300_000);
        await first.finishAuth(code);
        return this.handshake(entry, streamable(), generation);
      }
      if (error instanceof McpAuthError) throw error;
      if (error instanceof UnauthorizedError || isHttpStatus(error, 401) || isHttpStatus(error, 403)) {
        throw new McpAuthError(entry.name, this.redact(entry, `server \`${entry.name}\` refused the connection: ${isHttpStatus(error, 403) ? 'HTTP 403 forbidden' : 'HTTP 401 unauthorized'}${this.oauth ? ` (${error instanceof Error ? error.message : String(error)})` : ' (set an Authorization header for it in mcp.json)'}`));
      }
      // Servers that only speak the older HTTP+SSE transport reject the Streamable HTTP POST.
      if (config.type !== undefined || error instanceof McpTimeoutError) throw error;
      const client = await this.handshake(entry, new SSEClientTransport(url, { requestInit, authProvider }), generation);
      this.setState(entry, { transport: 'sse' });
      return client;
    }
  }

  private async oauthProvider(entry: ServerEntry, url: string, config: ServerConfig): Promise<ServerOAuthProvider> {
    if (!this.oauth) throw new McpAuthError(entry.name, 'OAuth sign-in is not available in this process');
    if (!entry.oauth) {
      this.loopback ??= new LoopbackRedirect();
      const settings = 'oauth' in config ? config.oauth : undefined;
      entry.oauth = new ServerOAuthProvider(entry.name, url, this.oauth.store, this.loopback, this.oauth.open, settings);
    }
    await entry.oauth.prepare();
    return entry.oauth;
  }

  private stdioTransport(entry: ServerEntry, config: Extract<ServerConfig, { command: string }>, generation: number): Transport {
    // Our own transport rather than the SDK's: the server leads its own process group, so closing ends its children too.
    const transport = new ProcessGroupStdioTransport({ command: config.command, args: config.args, env: config.env, cwd: config.cwd });
    transport.stderr.on('data', (chunk: Buffer) => {
      if (generation !== entry.generation) return;
      // Redacted before the tail is cut, so a secret straddling the cut is masked whole, never left half visible.
      const text = chunk.toString('utf8');
      entry.stderr = entry.redactor.text(entry.stderr + text).slice(-this.stderrTail);
      for (const line of text.split(/\r?\n/)) if (line.trim()) this.appendLog(entry, 'stderr', line.slice(0, 2000));
    });
    return transport;
  }

  private async handshake(entry: ServerEntry, transport: Transport, generation: number): Promise<Client> {
    const handlers = this.serverRequests;
    const capabilities: ClientCapabilities = {
      ...(handlers.elicit ? { elicitation: { form: { applyDefaults: true } } } : {}),
      ...(handlers.sample ? { sampling: {} } : {}),
      ...(this.offersRoots(entry.config) ? { roots: { listChanged: true } } : {}),
    };
    const client = new Client({ name: 'skillgraph', version: '0.1.0' }, { capabilities });
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      if (generation === entry.generation) this.scheduleToolsRefresh(entry, client);
    });
    client.setNotificationHandler(ResourceListChangedNotificationSchema, async () => {
      if (generation === entry.generation) this.emit('resourcesChanged', entry.name);
    });
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, async (notification) => {
      if (generation === entry.generation) this.emit('resourceUpdated', entry.name, notification.params.uri);
    });
    client.setNotificationHandler(PromptListChangedNotificationSchema, async () => {
      if (generation === entry.generation) this.emit('promptsChanged', entry.name);
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, async (notification) => {
      if (generation !== entry.generation) return;
      const { level, logger, data } = notification.params;
      this.appendLog(entry, level, typeof data === 'string' ? data : JSON.stringify(data), logger);
    });
    // A task's status as the server announces it: reported at once to the call waiting on it (callAsTask).
    const tasks = new TaskStatusWatch();
    taskStatusWatches.set(client, tasks);
    client.setNotificationHandler(TaskStatusNotificationSchema, async (notification) => tasks.heard(notification.params));
    if (handlers.elicit) client.setRequestHandler(ElicitRequestSchema, (request, extra) => handlers.elicit!(entry.name, request.params, extra.signal));
    if (handlers.sample) client.setRequestHandler(CreateMessageRequestSchema, (request, extra) => handlers.sample!(entry.name, request.params, extra.signal));
    if (this.offersRoots(entry.config)) client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: await this.rootsFor(entry) }));
    client.onclose = () => {
      if (generation === entry.generation && entry.client === client) this.onUnexpectedClose(entry);
    };
    // Per server in mcp.json ("startupTimeoutMs"), else the pool's default.
    const startupTimeoutMs = entry.config.startupTimeoutMs ?? this.startTimeoutMs;
    try {
      await client.connect(transport, { timeout: startupTimeoutMs });
      // Ask for log messages where the server offers them, so the server log shows what it reports.
      if (client.getServerCapabilities()?.logging) {
        await client.setLoggingLevel('info', { timeout: startupTimeoutMs }).catch((error: unknown) => {
          this.appendLog(entry, 'warning', `logging/setLevel failed: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
      return client;
    } catch (error) {
      await transport.close().catch(() => undefined); // the start's own error, thrown below, is the one to report
      if (error instanceof SdkMcpError && error.code === ErrorCode.RequestTimeout) {
        throw new McpTimeoutError(entry.name, undefined, startupTimeoutMs, this.redact(entry, this.stderrSuffix(entry)));
      }
      throw error;
    }
  }

  /** Roots are declared to a server that has its own in mcp.json, or to every server when the host has some to offer. */
  private offersRoots(config: ServerConfig): boolean {
    return config.roots !== undefined || this.serverRequests.roots !== undefined;
  }

  private onlyRootsDiffer(entry: ServerEntry, next: ServerConfig): boolean {
    const { roots: before, ...rest } = entry.config;
    const { roots: after, ...nextRest } = next;
    if (JSON.stringify(before) === JSON.stringify(after) || JSON.stringify(rest) !== JSON.stringify(nextRest)) return false;
    // Roots declared at the handshake stay declared; a server that was not offered roots needs a new connection.
    return this.offersRoots(entry.config) && this.offersRoots(next);
  }

  private announceRootsChanged(entry: ServerEntry): void {
    const client = entry.client;
    if (!client || !this.offersRoots(entry.config)) return;
    void client.sendRootsListChanged().catch((error: unknown) => this.appendLog(entry, 'warning', `notifications/roots/list_changed could not be sent: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Answers the server's roots/list: its roots from mcp.json when it has them, else the host's; the state keeps what was offered. */
  private async rootsFor(entry: ServerEntry): Promise<Root[]> {
    let roots: Root[];
    const configured = entry.config.roots;
    try {
      roots = configured !== undefined ? offeredRoots(resolveEnv(entry.config, this.env, entry.name).roots ?? [], entry.name) : await this.serverRequests.roots!(entry.name);
    } catch (error) {
      const message = this.redact(entry, `roots/list failed: ${error instanceof Error ? error.message : String(error)}`);
      this.appendLog(entry, 'error', message);
      throw new SdkMcpError(ErrorCode.InternalError, message);
    }
    const shown = entry.redactor.value(roots.map((root) => ({ uri: root.uri, ...(root.name ? { name: root.name } : {}) })));
    this.setState(entry, { offeredRoots: { from: configured !== undefined ? 'mcp.json' : 'agent', roots: shown } });
    return roots;
  }

  private onUnexpectedClose(entry: ServerEntry): void {
    entry.client = undefined;
    entry.tools = undefined;
    if (this.closed) return;
    if (Date.now() - entry.readyAt > 60_000) entry.failures = 0;
    entry.failures++;
    const message = this.redact(entry, `server \`${entry.name}\` exited unexpectedly${this.stderrSuffix(entry)}`);
    entry.lastError = new McpServerError(entry.name, message);
    entry.nextAttemptAt = Date.now() + this.backoff(entry.failures);
    this.setState(entry, { status: 'failed', error: message });
    if (entry.failures > this.maxRestarts) return;
    clearTimeout(entry.restartTimer);
    entry.restartTimer = setTimeout(() => {
      if (this.closed || entry.client || entry.connecting || this.entries.get(entry.name) !== entry) return;
      this.setState(entry, { restarts: entry.state.restarts + 1 });
      entry.nextAttemptAt = 0;
      void this.ensureConnected(entry)
        .then((client) => this.refreshTools(entry, client))
        .catch((error: unknown) => this.appendLog(entry, 'warning', `restart failed: ${error instanceof Error ? error.message : String(error)}`));
    }, this.backoff(entry.failures));
    entry.restartTimer.unref?.();
  }

  private scheduleToolsRefresh(entry: ServerEntry, client: Client): void {
    clearTimeout(entry.refreshTimer);
    // Servers often register several tools in a row; one refresh covers the burst.
    entry.refreshTimer = setTimeout(() => {
      void this.refreshTools(entry, client)
        .then(() => this.emit('toolsChanged', entry.name))
        .catch((error: unknown) => this.appendLog(entry, 'warning', `listing tools after tools/list_changed failed: ${error instanceof Error ? error.message : String(error)}`));
    }, 30);
  }

  /** Lists all pages of tools/list; tools whose definition is malformed are skipped and named in the state. */
  private async refreshTools(entry: ServerEntry, client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    const skipped: string[] = [];
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_TOOL_PAGES; page++) {
        // Through withSession: a server may let initialize through and ask for authorization on tools/list.
        const params = cursor ? { cursor } : {};
        const result = await this.withSession(entry, (c) => c.request({ method: 'tools/list', params }, LenientToolsPage, { timeout: this.callTimeoutMs }));
        for (const raw of result.tools) {
          const parsed = ToolSchema.safeParse(withObjectSubschemas(raw));
          const name = typeof (raw as { name?: unknown })?.name === 'string' ? (raw as { name: string }).name : '(unnamed)';
          // Validated with boolean subschemas as objects; the tool keeps the schemas the server sent.
          if (parsed.success) tools.push(keepSchemasOf(raw, parsed.data as Tool));
          else {
            const issue = parsed.error.issues[0];
            skipped.push(`\`${name}\` (${issue.path.join('.') || 'tool'}: ${issue.message})`);
          }
        }
        cursor = result.nextCursor;
        if (!cursor || seenCursors.has(cursor)) break;
        seenCursors.add(cursor);
      }
    } catch (error) {
      const message =
        error instanceof SdkMcpError && error.code === ErrorCode.RequestTimeout
          ? `server \`${entry.name}\` did not answer tools/list within ${this.callTimeoutMs} ms`
          : `server \`${entry.name}\` sent a malformed tools/list answer or failed to list tools: ${error instanceof Error ? error.message : String(error)}`;
      const failure = new McpServerError(entry.name, this.redact(entry, message));
      if (entry.client === client) this.setState(entry, { status: 'failed', error: failure.message });
      throw failure;
    }
    const unique = new Map<string, Tool>();
    // Descriptions and schemas become generated code and tool docs the model reads.
    for (const tool of entry.redactor.value(tools)) if (!unique.has(tool.name)) unique.set(tool.name, tool);
    const listed = [...unique.values()];
    if (entry.client === client) {
      entry.tools = listed;
      entry.lastTools = listed;
      const error = skipped.length > 0 ? `skipped ${skipped.length} tool(s) with malformed definitions: ${skipped.join('; ')}` : undefined;
      this.setState(entry, { status: 'ready', toolCount: listed.length, error });
    }
    return listed;
  }

  private async stopEntry(entry: ServerEntry): Promise<void> {
    entry.generation++;
    clearTimeout(entry.restartTimer);
    clearTimeout(entry.refreshTimer);
    const client = entry.client;
    entry.client = undefined;
    entry.tools = undefined;
    if (entry.state.status !== 'stopped') this.setState(entry, { status: 'stopped', error: undefined });
    await client?.close().catch(() => undefined); // stopping: the server's state already says stopped, nothing is pending
  }
}

function isHttpStatus(error: unknown, status: number): boolean {
  if (error instanceof StreamableHTTPError) return error.code === status;
  // The SSE transport reports the status only in its message ("Non-200 status code (401)").
  return error instanceof Error && new RegExp(`\\(${status}\\)|\\b${status}\\b.*(unauthori[sz]ed|forbidden)`, 'i').test(error.message);
}

/** Tasks whose status notifications have arrived before the call learnt their id, kept for it (oldest dropped). */
const EARLY_TASK_STATUS_MAX = 50;

/**
 * The notifications/tasks/status of one connection, routed to the call waiting on that task. A server may announce a
 * status before the call has its task id (the notification can precede the tools/call answer): those are kept until
 * the call asks, a few at most.
 */
class TaskStatusWatch {
  private readonly waiting = new Map<string, (task: Task) => void>();
  private readonly early = new Map<string, Task[]>();

  heard(task: Task): void {
    const listener = this.waiting.get(task.taskId);
    if (listener) return listener(task);
    this.early.set(task.taskId, [...(this.early.get(task.taskId) ?? []), task]);
    if (this.early.size > EARLY_TASK_STATUS_MAX) this.early.delete(this.early.keys().next().value!);
  }

  /** Hears `taskId`'s statuses (those already come first); returns how to stop. */
  follow(taskId: string, listener: (task: Task) => void): () => void {
    this.waiting.set(taskId, listener);
    for (const task of this.early.get(taskId) ?? []) listener(task);
    this.early.delete(taskId);
    return () => this.waiting.delete(taskId);
  }
}

const taskStatusWatches = new WeakMap<Client, TaskStatusWatch>();

/**
 * Calls a tool as an MCP task: the server answers with a task at once and the SDK polls it to its end; each change of
 * its status (working, input_required, completed…) or status message is reported, from the server's
 * notifications/tasks/status as they arrive and from the SDK's polls (the fallback for servers that send none), and
 * the caller gets the final result as from a plain call. The same timeout and signal apply to the whole task; a call
 * cancelled while its task runs asks the server to cancel the task (tasks/cancel).
 */
async function callAsTask(client: Client, tool: string, args: Record<string, unknown>, options: RequestOptions & { signal: AbortSignal }, onStatus: (status: ToolTaskStatus) => void): Promise<CallToolResult> {
  let last = '';
  let taskId: string | undefined;
  let unfollow: (() => void) | undefined;
  const report = (task: { taskId: string; status: TaskStatus; statusMessage?: string }) => {
    taskId = task.taskId;
    const status: ToolTaskStatus = { taskId: task.taskId, status: task.status, ...(task.statusMessage ? { statusMessage: task.statusMessage } : {}) };
    // A notification and the next poll tell the same status; only a change is news.
    const key = `${status.status}\n${status.statusMessage ?? ''}`;
    if (key !== last) onStatus(status);
    last = key;
  };
  try {
    for await (const message of client.experimental.tasks.callToolStream({ name: tool, arguments: args }, undefined, { ...options, task: {} })) {
      if (message.type === 'taskCreated' || message.type === 'taskStatus') report(message.task);
      // After the task as created: statuses announced before the answer are newer than it.
      if (message.type === 'taskCreated') unfollow ??= taskStatusWatches.get(client)?.follow(message.task.taskId, report);
      else if (message.type === 'result') return message.result as CallToolResult;
      else if (message.type === 'error') throw message.error;
    }
  } finally {
    unfollow?.();
    if (options.signal.aborted && taskId) {
      // The caller has gone; the server is asked to stop the work. It may have finished meanwhile, which loses nothing.
      void client.experimental.tasks.cancelTask(taskId, { timeout: 10_000 }).catch(() => undefined);
    }
  }
  throw new Error(`the task of tool \`${tool}\` ended without a result`);
}
