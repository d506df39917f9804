// MCP server configuration: `<dataDir>/mcp.json` in the `mcpServers` shape, import from Claude Desktop,
// Cursor and VS Code config files, `${env:NAME}` substitution done only in memory at connect time, and the watch on
// mcp.json that brings a hand edit to a running engine (the last good config kept while the file is malformed; a file
// malformed at open gives an engine with no servers and the same problem, picked up once fixed).
import { readFile } from 'node:fs/promises';
import { watch as chokidarWatch } from 'chokidar';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { McpServersFile, ServerConfig } from '../../../shared/types';
import { describeIssues } from '../../../shared/zod-issues';
import { writeFileAtomicAsync } from '../atomic-write';
import { McpConfigError, MissingEnvVarError } from './errors';
import { compareCodeUnits } from './names';
import { argSecrets, SECRET_KEY } from './redact';
import { isObject } from './schema-common';

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface ImportResult {
  imported: string[];
  skipped: { name: string; reason: string }[];
  /** Environment variables the imported servers now reference and that must be set before they start. */
  requiredEnv: RequiredEnv[];
}

export interface RequiredEnv {
  server: string;
  variable: string;
  /** Where the imported file had the value (`env.GITHUB_TOKEN`, `args --api-key`, `headers.Authorization`, `input id`). */
  source?: string;
  /** The name the value would have had, when it was suffixed to stay distinct from another server's value. */
  renamedFrom?: string;
}

/** One literal secret found in an imported entry, before it has its variable name. */
interface FoundSecret {
  server: string;
  base: string;
  value: string;
  source: string;
}

/** Names a literal secret's variable; pass one of the import collects (and returns a placeholder), pass two names. */
type NameSecret = (found: FoundSecret) => string;

export function validateServerName(name: string): void {
  if (!SERVER_NAME.test(name)) {
    throw new McpConfigError(`server name \`${name}\` is invalid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`, name);
  }
}

/** Substitutes `${env:NAME}` in every string of a config; throws MissingEnvVarError naming the first unset variable. */
export function resolveEnv(config: ServerConfig, env: Record<string, string | undefined>, server?: string): ServerConfig {
  const substitute = (text: string): string =>
    text.replace(ENV_REFERENCE, (_match, variable: string) => {
      const value = env[variable];
      if (value === undefined) throw new MissingEnvVarError(variable, server);
      return value;
    });
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return substitute(value);
    if (Array.isArray(value)) return value.map(walk);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    return value;
  };
  return walk(config) as ServerConfig;
}

/** One MCP root as offered in `roots/list`. */
export interface OfferedRoot {
  uri: string;
  name?: string;
}

/**
 * The roots of a server's config (`${env:NAME}` already substituted) as `roots/list` offers them: paths become
 * `file://` URIs named by their last folder; a root that is neither an absolute path nor a `file://` URI is an error
 * naming it, so a server is never offered a folder other than the one meant.
 */
export function offeredRoots(roots: string[], server?: string): OfferedRoot[] {
  return roots.map((root) => {
    let uri: URL;
    if (root.startsWith('file://')) {
      try {
        uri = new URL(root);
        fileURLToPath(uri);
      } catch (error) {
        throw new McpConfigError(`server \`${server ?? '?'}\` has a root that is not a valid file:// URI (${root}): ${(error as Error).message}`, server);
      }
    } else if (path.isAbsolute(root)) {
      uri = pathToFileURL(root);
    } else {
      throw new McpConfigError(`server \`${server ?? '?'}\` has a root that is not an absolute path on this system or a file:// URI: ${root}`, server);
    }
    const name = path.basename(fileURLToPath(uri).replace(/[\\/]+$/, ''));
    return { uri: uri.href, ...(name ? { name } : {}) };
  });
}

/** Every `${env:NAME}` a config references, sorted. */
export function referencedEnv(config: ServerConfig): string[] {
  const names = new Set<string>();
  for (const match of JSON.stringify(config).matchAll(ENV_REFERENCE)) names.add(match[1]);
  return [...names].sort(compareCodeUnits);
}

/**
 * Parses JSON with comments and trailing commas (VS Code's JSONC) with Microsoft's own parser, so strings are never
 * touched; throws naming the first error's line and column.
 */
export function parseJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const document: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const [first] = errors;
    const before = text.slice(0, first.offset).split('\n');
    throw new SyntaxError(`${printParseErrorCode(first.error)} at line ${before.length}, column ${before[before.length - 1].length + 1}`);
  }
  return document;
}

function envNameFor(...parts: string[]): string {
  return parts
    .join('_')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase()
    .replace(/^([0-9])/, '_$1');
}

/**
 * Normalises one imported entry into our ServerConfig: VS Code `${input:id}` and literal secrets in `env`, `headers`
 * and `args` (`--api-key=X`, `--token X`, `Bearer X`) become `${env:NAME}` references, so no secret is written to mcp.json.
 */
function normaliseImported(server: string, raw: unknown, requiredEnv: RequiredEnv[], nameSecret: NameSecret): ServerConfig {
  if (!isObject(raw)) throw new Error('the entry is not an object');
  const entry: Record<string, unknown> = { ...raw };
  const noteEnv = (item: RequiredEnv) => {
    if (!requiredEnv.some((known) => known.server === server && known.variable === item.variable)) requiredEnv.push(item);
  };
  const fromInputs = (text: string): string =>
    text.replace(/\$\{input:([^}]+)\}/g, (_match, id: string) => {
      const variable = envNameFor(id);
      noteEnv({ server, variable, source: `input ${id}` });
      return `\${env:${variable}}`;
    });
  const fromVsCodeEnv = (text: string): string => text.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, variable: string) => (noteEnv({ server, variable }), match));
  const secret = (base: string, value: string, source: string): string => `\${env:${nameSecret({ server, base, value, source })}}`;
  const secretsToEnv = (record: unknown, where: 'env' | 'headers'): Record<string, string> | undefined => {
    if (!isObject(record)) return undefined;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(record)) {
      if (typeof value !== 'string') continue;
      const text = fromVsCodeEnv(fromInputs(value));
      if (SECRET_KEY.test(key) && text && !/\$\{env:/.test(text)) {
        out[key] = secret(where === 'env' ? envNameFor(key) : envNameFor(server, key), text, `${where}.${key}`);
      } else out[key] = text;
    }
    return out;
  };
  if (entry.type === 'local') entry.type = 'stdio';
  if (typeof entry.command === 'string') {
    const config: Record<string, unknown> = { command: fromInputs(entry.command) };
    if (Array.isArray(entry.args)) {
      const args = entry.args.map((arg) => fromVsCodeEnv(fromInputs(String(arg))));
      for (const found of argSecrets(args)) {
        const base = /^(Bearer|Basic|Token)$/i.test(found.flag) ? envNameFor(server, 'token') : envNameFor(server, found.flag);
        args[found.index] = found.rewrite(secret(base, found.value, `args ${found.flag}`));
      }
      config.args = args;
    }
    const env = secretsToEnv(entry.env, 'env');
    if (env && Object.keys(env).length > 0) config.env = env;
    if (typeof entry.cwd === 'string') config.cwd = entry.cwd;
    if (entry.disabled === true) config.disabled = true;
    return ServerConfig.parse(config);
  }
  const url = entry.url ?? entry.serverUrl;
  if (typeof url === 'string') {
    const config: Record<string, unknown> = { url: fromInputs(url) };
    if (entry.type === 'sse' || entry.transport === 'sse') config.type = 'sse';
    else if (entry.type === 'http' || entry.type === 'streamable-http') config.type = entry.type;
    const headers = secretsToEnv(entry.headers, 'headers');
    if (headers && Object.keys(headers).length > 0) config.headers = headers;
    if (entry.disabled === true) config.disabled = true;
    return ServerConfig.parse(config);
  }
  throw new Error('the entry has neither `command` (stdio) nor `url` (HTTP)');
}

/**
 * Variable names for the literal secrets of one import. A name stays as found (GITHUB_TOKEN) when every server in
 * the file has the same value for it and no configured server uses it yet; otherwise each server gets its own
 * (GITHUB_TOKEN_WORK, GITHUB_TOKEN_HOME), so two different tokens never collapse into one variable.
 */
function nameSecrets(found: FoundSecret[], taken: Set<string>): Map<FoundSecret, string> {
  const names = new Map<FoundSecret, string>();
  const valueOf = new Map<string, string>();
  const claim = (wanted: string, value: string): string => {
    for (let n = 1; ; n++) {
      const name = n === 1 ? wanted : `${wanted}_${n}`;
      if (taken.has(name)) continue;
      const holder = valueOf.get(name);
      if (holder === undefined || holder === value) {
        valueOf.set(name, value);
        return name;
      }
    }
  };
  const byBase = new Map<string, FoundSecret[]>();
  for (const item of found) byBase.set(item.base, [...(byBase.get(item.base) ?? []), item]);
  for (const [base, items] of byBase) {
    // Different values within one server only need a counter (BRAVE_TOKEN_2); across servers, the server's name.
    const oneValue = new Set(items.map((item) => item.value)).size === 1;
    const oneServer = new Set(items.map((item) => item.server)).size === 1;
    const shared = (oneValue || oneServer) && !taken.has(base);
    for (const item of items) {
      const wanted = shared ? base : `${base}_${envNameFor(item.server)}`;
      names.set(item, claim(wanted, item.value));
    }
  }
  return names;
}

/** Finds the server map in Claude Desktop / Cursor (`mcpServers`), VS Code mcp.json (`servers`) or settings.json (`mcp.servers`). */
function serversOf(document: unknown): Record<string, unknown> | undefined {
  if (!isObject(document)) return undefined;
  if (isObject(document.mcpServers)) return document.mcpServers;
  if (isObject(document.servers)) return document.servers;
  if (isObject(document.mcp) && isObject(document.mcp.servers)) return document.mcp.servers;
  if (isObject(document['mcp.servers'])) return document['mcp.servers'];
  return undefined;
}

/** What a new mcp.json changes, server by server; `rootsOnly` servers differ in their `roots` alone. */
export interface ServerConfigDiff {
  added: string[];
  removed: string[];
  changed: string[];
  rootsOnly: string[];
}

export function diffServerConfigs(previous: Record<string, ServerConfig>, next: Record<string, ServerConfig>): ServerConfigDiff {
  const diff: ServerConfigDiff = { added: [], removed: [], changed: [], rootsOnly: [] };
  for (const name of Object.keys(previous).sort(compareCodeUnits)) if (!(name in next)) diff.removed.push(name);
  for (const name of Object.keys(next).sort(compareCodeUnits)) {
    const before = previous[name];
    if (!before) diff.added.push(name);
    else if (JSON.stringify(before) !== JSON.stringify(next[name])) {
      const { roots: _rootsBefore, ...restBefore } = before;
      const { roots: _rootsAfter, ...restAfter } = next[name];
      (JSON.stringify(restBefore) === JSON.stringify(restAfter) ? diff.rootsOnly : diff.changed).push(name);
    }
  }
  return diff;
}

/** What a watch of mcp.json reports: a new valid config (with the one it replaces), or why the file on disk is not one. */
export interface ServerConfigWatch {
  changed(next: Record<string, ServerConfig>, previous: Record<string, ServerConfig>): void;
  invalid(error: McpConfigError): void;
}

export class ServerConfigStore {
  readonly file: string;
  private servers: Record<string, ServerConfig> = {};
  /** The text of mcp.json as last read or written here: a watch event finding it unchanged (our own save) does nothing. */
  private lastText: string | undefined;
  /** Why mcp.json on disk is not used (malformed since the last good read); undefined when the file is what runs. */
  problem: string | undefined;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'mcp.json');
  }

  static resolveEnv = resolveEnv;

  /** Reads mcp.json (a missing file is an empty config); a malformed file is an error and is left untouched. */
  async load(): Promise<Record<string, ServerConfig>> {
    const text = await this.readText();
    this.servers = text === undefined ? {} : this.parse(text);
    this.lastText = text;
    this.problem = undefined;
    this.unreadSinceOpen = false;
    return this.list();
  }

  /**
   * Reads mcp.json as an engine opens. A malformed or unreadable file does not stop the app, browser mode, the CLI or
   * the gateway: they open with no server from it, `problem` says what is wrong where (as the watch says it), the file
   * is left as it is, and a watch applies it once fixed. No "last good copy" is kept on disk: it would start servers
   * the person may just have removed, or with the credentials they were changing, from a second file they never see.
   * (A running engine keeps its last good config only because those servers are already running and shown.)
   */
  async loadAtOpen(): Promise<Record<string, ServerConfig>> {
    let text: string | undefined;
    try {
      text = await this.readText();
      return await this.load();
    } catch (error) {
      if (!(error instanceof McpConfigError)) throw error;
      this.servers = {};
      // The watch hears this same text as nothing new; any other text (a fix, the file removed) is read.
      this.lastText = text;
      this.lastBadText = text;
      this.unreadSinceOpen = true;
      this.problem = this.describeProblem(error);
      return {};
    }
  }

  /** What is wrong with mcp.json, and what runs meanwhile: the last valid config, or (malformed since open) nothing. */
  private describeProblem(error: McpConfigError): string {
    return this.unreadSinceOpen
      ? `${error.message}. No server from it was started; they start once the file is fixed (it is left as it is).`
      : `${error.message}. The servers keep running with the last valid mcp.json until the file is fixed.`;
  }

  /**
   * True while mcp.json has not been readable since the engine opened (loadAtOpen): no server is known, so nothing
   * may regenerate the API tree from this empty config (it would drop every server's tree and tool docs).
   */
  unreadSinceOpen = false;

  /** mcp.json's text, undefined when there is no file. */
  private async readText(): Promise<string | undefined> {
    try {
      return await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new McpConfigError(`cannot read ${this.file}: ${(error as Error).message}`);
    }
  }

  /** Validates mcp.json's text with the file's schema and the server-name rule; throws McpConfigError saying where. */
  private parse(text: string): Record<string, ServerConfig> {
    let document: unknown;
    try {
      document = parseJsonc(text);
    } catch (error) {
      throw new McpConfigError(`${this.file} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = McpServersFile.safeParse(document);
    if (!parsed.success) {
      throw new McpConfigError(`${this.file} is not a valid mcpServers file: ${describeIssues(parsed.error, 'file')}`);
    }
    for (const name of Object.keys(parsed.data.mcpServers)) validateServerName(name);
    return parsed.data.mcpServers;
  }

  /**
   * Watches mcp.json for edits made outside this store (by hand, another process): each settled change is read and
   * validated; a valid one becomes the config and is reported with the one it replaces, a malformed or half-written
   * one is reported as invalid while the last good config stays (the file itself is never touched). Our own saves
   * and saves that change nothing are not reported. Returns how to stop.
   */
  watch(report: ServerConfigWatch, options: { stabilityThresholdMs?: number } = {}): () => Promise<void> {
    const dir = path.dirname(this.file);
    const watcher = chokidarWatch(dir, {
      depth: 0,
      ignoreInitial: true,
      ignored: (absPath: string) => absPath !== dir && absPath !== this.file,
      // An editor's save arrives in pieces: only a file whose size held still is read.
      awaitWriteFinish: { stabilityThreshold: options.stabilityThresholdMs ?? 150, pollInterval: 25 },
    });
    let queue = Promise.resolve();
    const reread = () => {
      queue = queue.then(() => this.rereadForWatch(report));
    };
    watcher.on('add', reread);
    watcher.on('change', reread);
    watcher.on('unlink', reread);
    watcher.on('error', (error) => report.invalid(new McpConfigError(`watching ${this.file} failed: ${(error as Error).message}`)));
    const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.watchReady = ready;
    return async () => {
      await watcher.close();
      await queue;
    };
  }

  /** Resolves once a watch started by `watch` reports changes (tests edit the file after this). */
  whenWatching(): Promise<void> {
    return this.watchReady ?? Promise.resolve();
  }

  private watchReady: Promise<void> | undefined;
  /** The malformed text last reported, so the watcher's repeated events for one save report it once. */
  private lastBadText: string | undefined;

  /** How many settled changes of mcp.json the watch has read (tests wait for one to be heard). */
  heardChanges = 0;

  private async rereadForWatch(report: ServerConfigWatch): Promise<void> {
    let text: string | undefined;
    let next: Record<string, ServerConfig>;
    try {
      text = await this.readText();
      this.heardChanges++;
      if (text === this.lastText || (text !== undefined && text === this.lastBadText)) return;
      next = text === undefined ? {} : this.parse(text);
    } catch (error) {
      const problem = error instanceof McpConfigError ? error : new McpConfigError(`${this.file}: ${(error as Error).message}`);
      this.lastBadText = text;
      this.problem = this.describeProblem(problem);
      report.invalid(new McpConfigError(this.problem));
      return;
    }
    const previous = this.list();
    this.servers = next;
    this.lastText = text;
    this.problem = undefined;
    this.unreadSinceOpen = false;
    report.changed(this.list(), previous);
  }

  /**
   * Before an edit made here, takes what is on disk now: a hand edit not yet heard by the watch is kept, not
   * overwritten, and a malformed file is refused rather than replaced.
   */
  private async takeDiskEdits(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      throw new McpConfigError(`${(error as Error).message}. Fix mcp.json first: the app does not overwrite a file it cannot read.`);
    }
  }

  list(): Record<string, ServerConfig> {
    return Object.fromEntries(Object.keys(this.servers).sort(compareCodeUnits).map((name) => [name, this.servers[name]]));
  }

  async add(name: string, config: ServerConfig): Promise<void> {
    validateServerName(name);
    const parsed = ServerConfig.safeParse(config);
    if (!parsed.success) throw new McpConfigError(`server \`${name}\` has an invalid config: ${describeIssues(parsed.error, 'config')}`, name);
    await this.takeDiskEdits();
    this.servers = { ...this.servers, [name]: parsed.data };
    await this.save();
  }

  async remove(name: string): Promise<boolean> {
    await this.takeDiskEdits();
    if (!(name in this.servers)) return false;
    const { [name]: _removed, ...rest } = this.servers;
    this.servers = rest;
    await this.save();
    return true;
  }

  /** Imports servers from a Claude Desktop, Cursor or VS Code config file; existing names are kept, not overwritten. */
  async importFile(file: string): Promise<ImportResult> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new McpConfigError(`cannot import ${file}: ${(error as Error).message}`);
    }
    return this.importText(text, file);
  }

  /** Imports from a config file's content (what the app's "paste a config" box sends). */
  async importText(text: string, source = 'the pasted config'): Promise<ImportResult> {
    let document: unknown;
    try {
      document = parseJsonc(text);
    } catch (error) {
      throw new McpConfigError(`cannot import ${source}: ${(error as Error).message}`);
    }
    const entries = serversOf(document);
    if (!entries) throw new McpConfigError(`${source} has no \`mcpServers\`, \`servers\` or \`mcp.servers\` object to import`);
    await this.takeDiskEdits();
    const result: ImportResult = { imported: [], skipped: [], requiredEnv: [] };
    const next = { ...this.servers };
    // Pass one finds every literal secret of the file, so names can be chosen knowing all servers' values.
    const found: FoundSecret[] = [];
    for (const name of Object.keys(entries)) {
      try {
        normaliseImported(name, entries[name], [], (item) => (found.push(item), 'PENDING'));
      } catch {
        // Reported by pass two.
      }
    }
    const taken = new Set(Object.values(this.servers).flatMap(referencedEnv));
    const names = nameSecrets(found, taken);
    const nameSecret: NameSecret = (item) => {
      const match = found.find((known) => known.server === item.server && known.source === item.source && known.value === item.value);
      if (!match) throw new Error(`internal: secret at ${item.source} was not seen in the first pass`);
      return names.get(match)!;
    };
    for (const name of Object.keys(entries).sort(compareCodeUnits)) {
      if (!SERVER_NAME.test(name)) {
        result.skipped.push({ name, reason: 'invalid name: use letters, digits, ".", "_" or "-"' });
        continue;
      }
      if (name in next) {
        result.skipped.push({ name, reason: 'a server with this name is already configured' });
        continue;
      }
      const requiredEnv: RequiredEnv[] = [];
      const naming: NameSecret = (item) => {
        const variable = nameSecret(item);
        if (!requiredEnv.some((known) => known.variable === variable)) requiredEnv.push({ server: name, variable, source: item.source, ...(variable !== item.base ? { renamedFrom: item.base } : {}) });
        return variable;
      };
      try {
        next[name] = normaliseImported(name, entries[name], requiredEnv, naming);
        result.imported.push(name);
        result.requiredEnv.push(...requiredEnv);
      } catch (error) {
        const message = error instanceof Error && 'issues' in error ? 'invalid `command` or `url`' : (error as Error).message;
        result.skipped.push({ name, reason: message });
      }
    }
    if (result.imported.length > 0) {
      this.servers = next;
      await this.save();
    }
    return result;
  }

  private async save(): Promise<void> {
    const text = `${JSON.stringify({ mcpServers: this.list() }, null, 2)}\n`;
    // Set first: the watch may hear the rename before the write resolves.
    this.lastText = text;
    await writeFileAtomicAsync(this.file, text);
  }
}
