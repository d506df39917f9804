// MCP server configuration: `<dataDir>/mcp.json` in the `mcpServers` shape, import from Claude Desktop,
// Cursor and VS Code config files, and `${env:NAME}` substitution done only in memory at connect time.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { McpServersFile, ServerConfig } from '../../../shared/types';
import { McpConfigError, MissingEnvVarError } from './errors';
import { compareCodeUnits } from './names';
import { isObject } from './schema-common';

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** Keys whose literal values are secrets: moved to `${env:...}` references on import. */
const SECRET_KEY = /token|secret|password|passwd|api[-_]?key|apikey|credential|auth|cookie|session|private[-_]?key|(^|[-_])pat($|[-_])|(^|[-_])key$/i;

export interface ImportResult {
  imported: string[];
  skipped: { name: string; reason: string }[];
  /** Environment variables the imported servers now reference and that must be set before they start. */
  requiredEnv: { server: string; variable: string }[];
}

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

/** Every `${env:NAME}` a config references, sorted. */
export function referencedEnv(config: ServerConfig): string[] {
  const names = new Set<string>();
  for (const match of JSON.stringify(config).matchAll(ENV_REFERENCE)) names.add(match[1]);
  return [...names].sort(compareCodeUnits);
}

/** Removes // and /* *\/ comments and trailing commas (VS Code's JSONC), leaving strings intact. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else out += ch;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
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
 * Normalises one imported entry into our ServerConfig: VS Code `${input:id}` and literal secrets in `env`
 * and `headers` become `${env:NAME}` references, so no secret is ever written to mcp.json.
 */
function normaliseImported(server: string, raw: unknown, requiredEnv: ImportResult['requiredEnv']): ServerConfig {
  if (!isObject(raw)) throw new Error('the entry is not an object');
  const entry: Record<string, unknown> = { ...raw };
  const noteEnv = (variable: string) => {
    if (!requiredEnv.some((item) => item.server === server && item.variable === variable)) requiredEnv.push({ server, variable });
  };
  const fromInputs = (text: string): string =>
    text.replace(/\$\{input:([^}]+)\}/g, (_match, id: string) => {
      const variable = envNameFor(id);
      noteEnv(variable);
      return `\${env:${variable}}`;
    });
  const fromVsCodeEnv = (text: string): string => text.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, variable: string) => (noteEnv(variable), match));
  const secretsToEnv = (record: unknown, prefix: string[]): Record<string, string> | undefined => {
    if (!isObject(record)) return undefined;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(record)) {
      if (typeof value !== 'string') continue;
      const text = fromVsCodeEnv(fromInputs(value));
      if (SECRET_KEY.test(key) && text && !/\$\{env:/.test(text)) {
        const variable = prefix.length === 0 ? envNameFor(key) : envNameFor(...prefix, key);
        noteEnv(variable);
        out[key] = `\${env:${variable}}`;
      } else out[key] = text;
    }
    return out;
  };
  if (entry.type === 'local') entry.type = 'stdio';
  if (typeof entry.command === 'string') {
    const config: Record<string, unknown> = { command: fromInputs(entry.command) };
    if (Array.isArray(entry.args)) config.args = entry.args.map((arg) => fromVsCodeEnv(fromInputs(String(arg))));
    const env = secretsToEnv(entry.env, []);
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
    const headers = secretsToEnv(entry.headers, [server]);
    if (headers && Object.keys(headers).length > 0) config.headers = headers;
    if (entry.disabled === true) config.disabled = true;
    return ServerConfig.parse(config);
  }
  throw new Error('the entry has neither `command` (stdio) nor `url` (HTTP)');
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

export class ServerConfigStore {
  readonly file: string;
  private servers: Record<string, ServerConfig> = {};

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'mcp.json');
  }

  static resolveEnv = resolveEnv;

  /** Reads mcp.json (a missing file is an empty config); a malformed file is an error and is left untouched. */
  async load(): Promise<Record<string, ServerConfig>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return (this.servers = {});
      throw new McpConfigError(`cannot read ${this.file}: ${(error as Error).message}`);
    }
    let document: unknown;
    try {
      document = JSON.parse(stripJsonComments(text));
    } catch (error) {
      throw new McpConfigError(`${this.file} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = McpServersFile.safeParse(document);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new McpConfigError(`${this.file} is not a valid mcpServers file at \`${issue.path.join('.')}\`: ${issue.message}`);
    }
    for (const name of Object.keys(parsed.data.mcpServers)) validateServerName(name);
    this.servers = parsed.data.mcpServers;
    return this.list();
  }

  list(): Record<string, ServerConfig> {
    return Object.fromEntries(Object.keys(this.servers).sort(compareCodeUnits).map((name) => [name, this.servers[name]]));
  }

  async add(name: string, config: ServerConfig): Promise<void> {
    validateServerName(name);
    const parsed = ServerConfig.safeParse(config);
    if (!parsed.success) throw new McpConfigError(`server \`${name}\` has an invalid config: ${parsed.error.issues[0].message}`, name);
    this.servers = { ...this.servers, [name]: parsed.data };
    await this.save();
  }

  async remove(name: string): Promise<boolean> {
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
      document = JSON.parse(stripJsonComments(text));
    } catch (error) {
      throw new McpConfigError(`cannot import ${source}: ${(error as Error).message}`);
    }
    const entries = serversOf(document);
    if (!entries) throw new McpConfigError(`${source} has no \`mcpServers\`, \`servers\` or \`mcp.servers\` object to import`);
    const result: ImportResult = { imported: [], skipped: [], requiredEnv: [] };
    const next = { ...this.servers };
    for (const name of Object.keys(entries).sort(compareCodeUnits)) {
      if (!SERVER_NAME.test(name)) {
        result.skipped.push({ name, reason: 'invalid name: use letters, digits, ".", "_" or "-"' });
        continue;
      }
      if (name in next) {
        result.skipped.push({ name, reason: 'a server with this name is already configured' });
        continue;
      }
      const requiredEnv: ImportResult['requiredEnv'] = [];
      try {
        next[name] = normaliseImported(name, entries[name], requiredEnv);
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
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ mcpServers: this.list() }, null, 2)}\n`, 'utf8');
    await rename(temp, this.file);
  }
}
