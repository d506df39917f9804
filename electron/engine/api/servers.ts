// Handlers for MCP servers and the generated API tree: configuration (add, edit, import, with secrets masked on the
// way out), live state with the cause of a failure, each server's log, resources and prompts, answers to a server's
// questions (elicitation) and requests for a completion (sampling), the tree, and "Try it" calls with progress and cancel.
import { InvalidInputError, NotFoundError } from '../../../shared/errors';
import type { ServerConfig } from '../../../shared/types';
import type { Engine } from '../engine';
import { McpCancelledError } from '../mcp/errors';
import type { ToolTaskStatus } from '../mcp/pool';
import { SecretRedactor, literalSecrets, maskConfigSecrets, type Secret } from '../mcp/redact';
import { toolResultToData } from '../mcp/result';
import type { HandlerSlice } from './types';

export type ServerMethods =
  | 'servers.list'
  | 'servers.add'
  | 'servers.update'
  | 'servers.remove'
  | 'servers.import'
  | 'servers.restart'
  | 'servers.log'
  | 'servers.resources'
  | 'servers.readResource'
  | 'servers.prompts'
  | 'servers.getPrompt'
  | 'servers.elicitAnswer'
  | 'servers.sampleAnswer'
  | 'api.tree'
  | 'api.tool'
  | 'api.call'
  | 'api.file'
  | 'api.cancel'
  | 'api.generate';

/** Values that are tokens whatever their key is called: known token prefixes, or a long unbroken run of letters and digits. */
const TOKEN_VALUE = /^(?:ghp_|gho_|ghs_|github_pat_|glpat-|sk-|xox[abpr]-|AKIA|AIza|eyJ)[\w.-]{8,}$|^(?=[^\s/]*\d)(?=[^\s/]*[A-Za-z])[A-Za-z0-9_\-.=+]{32,}$/;

/** Literal secrets of a config: secret-named keys and secret flags (as the pool masks them), and token-looking values. */
export function configSecrets(config: ServerConfig): Secret[] {
  const found = literalSecrets(config);
  const known = new Set(found.map((s) => s.value));
  const values = 'command' in config ? { where: 'env', entries: config.env } : { where: 'headers', entries: config.headers };
  for (const [key, value] of Object.entries(values.entries ?? {})) {
    const bare = value.replace(/^(Bearer|Basic|Token)\s+/i, '');
    if (!known.has(bare) && !/\$\{env:/.test(value) && TOKEN_VALUE.test(bare)) found.push({ value: bare, label: `${values.where}.${key}` });
  }
  return found;
}

/** The config as the UI may see it: ${env:NAME} references as they are, literal secrets as `[redacted env.KEY]`. */
export function maskedConfig(config: ServerConfig): ServerConfig {
  return new SecretRedactor(configSecrets(config)).value(maskConfigSecrets(config));
}

/** An edited config back with its secrets: every `[redacted label]` the UI sent unchanged becomes the value it hid. */
export function restoreMaskedSecrets(previous: ServerConfig, edited: ServerConfig): ServerConfig {
  const byMarker = new Map(configSecrets(previous).map((s) => [`[redacted ${s.label}]`, s.value]));
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/\[redacted [^\]]+\]/g, (marker) => byMarker.get(marker) ?? marker);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  const restored = walk(edited) as ServerConfig;
  const left = JSON.stringify(restored).match(/\[redacted [^\]]+\]/);
  if (left) throw new InvalidInputError(`${left[0]} no longer matches a secret of this server: type the value again, or a \${env:NAME} reference.`);
  return restored;
}

/** One line saying what a server is: its command line, or its URL. */
export function serverSummary(config: ServerConfig): string {
  if ('command' in config) return [config.command, ...(config.args ?? [])].map((part) => (/[\s"']/.test(part) ? JSON.stringify(part) : part)).join(' ');
  return config.url;
}

const ERROR_LINE = /\b(\w*Error|ERR_[A-Z_]+|Exception|Traceback|fatal|panic|cannot|can't|could not|not found|no such file|denied|refused|invalid|missing|failed)\b/i;
const STACK_FRAME = /^\s*(at\s|File\s"|\^+$|node:internal|Node\.js v\d)/;

/** The meaningful part of what a failed server wrote to stderr: its last error line, not a stack's tail. */
export function stderrCause(lines: readonly string[]): string | undefined {
  const meaningful = lines.map((line) => line.trim()).filter((line) => line && !STACK_FRAME.test(line));
  for (let i = meaningful.length - 1; i >= 0; i--) if (ERROR_LINE.test(meaningful[i])) return meaningful[i].slice(0, 500);
  return undefined;
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .filter((block): block is { type: 'text'; text: string } => (block as { type?: string })?.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

export function serverHandlers(engine: Engine): HandlerSlice<ServerMethods> {
  const calls = new Map<string, AbortController>();
  const configured = (name: string): ServerConfig => {
    const config = engine.serverConfigs.list()[name];
    if (!config) throw new NotFoundError(`No server named ${name} is configured.`);
    return config;
  };
  const list = () => {
    const configs = engine.serverConfigs.list();
    const states = new Map(engine.pool.states().map((s) => [s.name, s]));
    return {
      servers: Object.entries(configs)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, config]) => {
          const state = states.get(name) ?? { name, dir: name, transport: 'command' in config ? ('stdio' as const) : ('http' as const), status: 'idle' as const, toolCount: 0, restarts: 0 };
          const masked = maskedConfig(config);
          const cause = state.status === 'failed' && states.has(name) ? stderrCause(engine.pool.serverLog(name).filter((l) => l.level === 'stderr').slice(-60).map((l) => l.text)) : undefined;
          return { name, config: masked, state, summary: serverSummary(masked), ...(cause ? { cause } : {}) };
        }),
      ...(engine.serverConfigs.problem ? { configProblem: engine.serverConfigs.problem } : {}),
    };
  };
  const reload = (what: string) => void engine.reloadServers().catch(engine.reportBackgroundFailure(what));

  return {
    'servers.list': async () => list(),
    'servers.add': async ({ name, config, replace }) => {
      if (!replace && name.trim() in engine.serverConfigs.list()) {
        throw new InvalidInputError(`A server named ${name.trim()} is already configured: pick another name, or edit that server.`);
      }
      await engine.serverConfigs.add(name.trim(), config);
      reload(`starting the servers after adding \`${name.trim()}\``);
      return list();
    },
    'servers.update': async ({ name, config }) => {
      const restored = restoreMaskedSecrets(configured(name), config);
      await engine.serverConfigs.add(name, restored);
      reload(`restarting \`${name}\` after its edit`);
      return list();
    },
    'servers.remove': async ({ name }) => {
      if (!(await engine.serverConfigs.remove(name))) throw new NotFoundError(`No server named ${name} is configured.`);
      await engine.reloadServers();
      return list();
    },
    'servers.import': async ({ json }) => {
      const result = await engine.serverConfigs.importText(json);
      reload('starting the imported servers');
      return result;
    },
    'servers.restart': async ({ name }) => {
      const state = await engine.pool.restart(name);
      void engine.apiTree.refresh().catch(engine.reportBackgroundFailure(`regenerating the API after restarting \`${name}\``));
      return state;
    },
    'servers.log': async ({ name }) => {
      configured(name);
      return { lines: engine.pool.states().some((s) => s.name === name) ? engine.pool.serverLog(name) : [] };
    },
    'servers.resources': async ({ name }) => {
      const [resources, templates] = await Promise.all([engine.pool.listResources(name), engine.pool.listResourceTemplates(name)]);
      return { resources, templates };
    },
    'servers.readResource': async ({ name, uri }) => ({ contents: (await engine.pool.readResource(name, uri)).contents }),
    'servers.prompts': async ({ name }) => ({ prompts: (await engine.pool.listPrompts(name)).map((p) => ({ ...p, arguments: p.arguments ?? [] })) }),
    'servers.getPrompt': async ({ name, prompt, args }) => {
      const result = await engine.pool.getPrompt(name, prompt, args);
      return { ...(result.description ? { description: result.description } : {}), messages: result.messages };
    },
    'servers.elicitAnswer': async ({ id, action, content }) => {
      engine.elicitations.answer(id, action === 'accept' ? { action, content: (content ?? {}) as Record<string, string | number | boolean | string[]> } : { action });
      return { ok: true as const };
    },
    'servers.sampleAnswer': async ({ id, action, text, model }) => {
      if (action === 'send' && !text?.trim()) throw new InvalidInputError('Write the answer to send, or decline the request.');
      engine.sampling.answer(id, action === 'send' ? { action, text: text!, model } : { action });
      return { ok: true as const };
    },
    'api.tree': async () => {
      const docs = engine.apiTree.toolDocs();
      const dirs = new Map(engine.pool.states().map((s) => [s.name, s.dir]));
      const servers = [...new Set(docs.map((d) => d.server))].sort().map((server) => ({
        server,
        dir: dirs.get(server) ?? server,
        tools: docs
          .filter((d) => d.server === server)
          .sort((a, b) => a.identifier.localeCompare(b.identifier))
          .map((d) => {
            const functionName = /function\s+([\w$]+)/.exec(d.signature)?.[1];
            return { tool: d.tool, identifier: d.identifier, description: d.description, readOnly: d.readOnly, ...(functionName ? { functionName } : {}) };
          }),
      }));
      return { servers, root: engine.apiTree.apiDir };
    },
    'api.tool': async ({ server, tool }) => {
      const doc = engine.apiTree.toolDocs(server).find((d) => d.tool === tool);
      if (!doc) throw new NotFoundError(`Server ${server} has no tool named ${tool} in the generated API.`);
      const dir = engine.pool.states().find((s) => s.name === server)?.dir ?? server;
      const tsPath = `servers/${dir}/${doc.identifier}.ts`;
      const pyPath = `servers/${dir}/${doc.identifier}.py`;
      const [typescript, python] = await Promise.all([engine.apiTree.readFile(tsPath), engine.apiTree.readFile(pyPath)]);
      return { doc, typescript, python, tsPath, pyPath };
    },
    'api.call': async ({ server, tool, args, callId }) => {
      const started = performance.now();
      const controller = new AbortController();
      if (callId) calls.set(callId, controller);
      const onProgress = callId ? (p: { progress: number; total?: number; message?: string }) => engine.events.emit('api.progress', { callId, ...p }) : undefined;
      // A named call is shown while it runs, so a tool where tasks are optional runs as one and its status is shown too.
      const onTaskStatus = callId
        ? ({ taskId, status, statusMessage }: ToolTaskStatus) => engine.events.emit('api.taskStatus', { callId, task: { id: taskId, status, ...(statusMessage ? { statusMessage } : {}) } })
        : undefined;
      try {
        const result = await engine.pool.callTool(server, tool, args, { signal: controller.signal, onProgress, onTaskStatus, taskWhenOptional: callId !== undefined });
        const content = Array.isArray(result.content) ? result.content : [];
        const shown = { content, ...(result.structuredContent != null ? { structuredContent: result.structuredContent } : {}) };
        if (result.isError) return { ok: false, data: undefined, error: textOf(content) || `Tool ${tool} on server ${server} reported an error.`, durationMs: performance.now() - started, ...shown };
        return { ok: true, data: toolResultToData(result, { server, tool }), durationMs: performance.now() - started, ...shown };
      } catch (error) {
        const cancelled = error instanceof McpCancelledError || controller.signal.aborted;
        return { ok: false, data: undefined, error: cancelled ? 'Cancelled.' : (error as Error).message, durationMs: performance.now() - started, ...(cancelled ? { cancelled } : {}) };
      } finally {
        if (callId) calls.delete(callId);
      }
    },
    'api.file': async ({ server, file }) => {
      const dir = engine.pool.states().find((s) => s.name === server)?.dir ?? server;
      const relPath = `servers/${dir}/${file}`;
      try {
        return { path: relPath, text: await engine.apiTree.readFile(relPath) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${relPath} is not in the generated API.`);
        throw error;
      }
    },
    'api.cancel': async ({ callId }) => {
      const controller = calls.get(callId);
      if (!controller) throw new NotFoundError('That call is no longer running.');
      controller.abort();
      return { ok: true as const };
    },
    'api.generate': async () => {
      // Through the engine: it checks skills' pins, and refuses while mcp.json is unreadable since open.
      const result = await engine.refreshApi();
      return { written: result.written.length, unchanged: result.unchanged, removed: result.removed.length };
    },
  };
}
