// The Console's state, kept for the app's lifetime outside React so a run keeps streaming while the user
// looks at another area, and so "Run" on a skill can hand its code to the Console.
import { useSyncExternalStore } from 'react';
import type { EventPayload } from '../../../shared/contract';
import type { RunLanguage, RunStatus, RunSummary, ToolCallEvent, TypeDiagnostic } from '../../../shared/types';
import type { SkillgraphClient } from '../client/client';
import { OutputBuffer } from '../components/outputBuffer';

export interface ConsoleState {
  code: string;
  language: RunLanguage;
  session: string;
  runId?: string;
  status?: RunStatus | 'starting';
  summary?: RunSummary;
  toolCalls: ToolCallEvent[];
  diagnostics: TypeDiagnostic[];
  notices: string[];
  error?: string;
  /** Skill the code came from ("Run" on a skill), offered as the default when saving. */
  fromSkill?: { name: string; description: string; tags: string[] };
  logPath?: string;
  /** Bumped when a run ends, so the workspace file list reloads. */
  finishedRuns: number;
}

/** The name the Console's code goes by in errors (`console.ts:3:17 McpToolError: …`), so they can be clicked. */
export const consoleFileName = (language: RunLanguage) => `console.${language === 'python' ? 'py' : language === 'javascript' ? 'js' : 'ts'}`;

const TERMINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'type-error', 'timeout', 'killed', 'cancelled']);
export const isRunning = (status: ConsoleState['status']) => status !== undefined && !TERMINAL.has(status);

const STARTER = `// No MCP server is configured yet: add one under Servers, then import its tools here as functions.\nconsole.log('hello from the sandbox');\n`;

/** The first script of a Console: it imports a tool of a configured server, or says how to add one. */
export function starterCode(tool?: { server: string; dir: string; identifier: string; functionName: string; tool: string }): string {
  if (!tool) return STARTER;
  return [
    `// The tools of your MCP servers are functions: Servers shows each one's input and output.`,
    `import { ${tool.functionName} } from './servers/${tool.dir}/${tool.identifier}';`,
    '',
    `// const result = await ${tool.functionName}({ ... });  // calls \`${tool.tool}\` of server \`${tool.server}\``,
    `console.log('hello from the sandbox; ready to call', typeof ${tool.functionName});`,
    '',
  ].join('\n');
}

type RunEvent =
  | { kind: 'output'; payload: EventPayload<'run.output'> }
  | { kind: 'toolCall'; payload: EventPayload<'run.toolCall'> }
  | { kind: 'status'; payload: EventPayload<'run.status'> }
  | { kind: 'notice'; payload: EventPayload<'run.notice'> }
  | { kind: 'diagnostics'; payload: EventPayload<'run.diagnostics'> };

class ConsoleSession {
  state: ConsoleState = { code: STARTER, language: 'typescript', session: 'console', toolCalls: [], diagnostics: [], notices: [], finishedRuns: 0 };
  readonly output = new OutputBuffer();
  private listeners = new Set<() => void>();
  private client: SkillgraphClient | null = null;
  /** Events that arrive before runs.start has told us the run's id. */
  private early: RunEvent[] = [];
  private awaitingId = false;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getState = () => this.state;

  private update(patch: Partial<ConsoleState>) {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** Puts a starter that imports from a configured server in place of the untouched generic one. */
  offerStarter(tool: Parameters<typeof starterCode>[0]) {
    if (this.state.code === STARTER && tool) this.update({ code: starterCode(tool) });
  }

  setCode(code: string) {
    this.update({ code });
  }
  /** Type errors checked while typing; kept only if the code is still the code that was checked. */
  setLiveDiagnostics(code: string, diagnostics: TypeDiagnostic[]) {
    if (code === this.state.code && !isRunning(this.state.status)) this.update({ diagnostics });
  }
  setLanguage(language: RunLanguage) {
    this.update({ language });
  }
  setSession(session: string) {
    this.update({ session });
  }

  openSkill(skill: { name: string; description: string; tags: string[]; code: string; language: 'typescript' | 'python' }) {
    this.update({ code: skill.code, language: skill.language, fromSkill: { name: skill.name, description: skill.description, tags: skill.tags } });
  }

  /** Subscribes to run events once for the app's lifetime. */
  attach(client: SkillgraphClient) {
    if (this.client === client) return;
    this.client = client;
    client.on('run.output', (payload) => this.route({ kind: 'output', payload }));
    client.on('run.toolCall', (payload) => this.route({ kind: 'toolCall', payload }));
    client.on('run.status', (payload) => this.route({ kind: 'status', payload }));
    client.on('run.notice', (payload) => this.route({ kind: 'notice', payload }));
    client.on('run.diagnostics', (payload) => this.route({ kind: 'diagnostics', payload }));
  }

  private route(event: RunEvent) {
    const runId = event.kind === 'status' ? event.payload.id : event.payload.runId;
    if (this.awaitingId) {
      if (this.early.length < 10_000) this.early.push(event);
      return;
    }
    if (runId === this.state.runId) this.apply(event);
  }

  private apply(event: RunEvent) {
    switch (event.kind) {
      case 'output':
        this.output.append(event.payload.stream, event.payload.chunk);
        return;
      case 'toolCall': {
        const call = event.payload.call;
        const others = this.state.toolCalls.filter((c) => c.id !== call.id);
        this.update({ toolCalls: [...others, call].sort((a, b) => a.id - b.id) });
        return;
      }
      case 'notice':
        this.update({ notices: [...this.state.notices, event.payload.message] });
        return;
      case 'diagnostics':
        this.update({ diagnostics: event.payload.diagnostics });
        return;
      case 'status': {
        const wasRunning = isRunning(this.state.status);
        this.update({ status: event.payload.status, summary: event.payload });
        if (wasRunning && !isRunning(event.payload.status)) void this.finish(event.payload.id);
        return;
      }
    }
  }

  /** The run's record is the authority once it ends: its diagnostics and full tool-call list. */
  private async finish(runId: string) {
    if (!this.client) return;
    try {
      const detail = await this.client.call('runs.get', { runId });
      if (runId !== this.state.runId) return;
      this.update({
        diagnostics: detail.diagnostics,
        toolCalls: detail.toolCallEvents.length >= this.state.toolCalls.length ? detail.toolCallEvents : this.state.toolCalls,
        logPath: detail.logPath,
        summary: detail,
        status: detail.status,
        finishedRuns: this.state.finishedRuns + 1,
      });
      if (this.output.received === 0 && (detail.stdout || detail.stderr)) {
        this.output.append('stdout', detail.stdout);
        this.output.append('stderr', detail.stderr);
      }
    } catch (error) {
      // The live events already showed the run; say that its full record (diagnostics, every tool call) is missing.
      const message = error instanceof Error ? error.message : String(error);
      this.update({ finishedRuns: this.state.finishedRuns + 1, notices: [...this.state.notices, `Could not load the run's record: ${message}`] });
    }
  }

  async run(client: SkillgraphClient) {
    this.attach(client);
    this.output.clear();
    this.early = [];
    this.awaitingId = true;
    this.update({ runId: undefined, status: 'starting', summary: undefined, toolCalls: [], diagnostics: [], notices: [], error: undefined, logPath: undefined });
    try {
      const { runId } = await client.call('runs.start', { code: this.state.code, language: this.state.language, session: this.state.session, fileName: consoleFileName(this.state.language) });
      this.awaitingId = false;
      this.update({ runId, status: this.state.status === 'starting' ? 'queued' : this.state.status });
      const early = this.early;
      this.early = [];
      for (const event of early) this.route(event);
    } catch (err) {
      this.awaitingId = false;
      this.early = [];
      this.update({ status: undefined, error: (err as Error).message });
    }
  }

  async stop(client: SkillgraphClient) {
    const runId = this.state.runId;
    if (!runId) return;
    try {
      await client.call('runs.cancel', { runId });
    } catch (err) {
      this.update({ error: (err as Error).message });
    }
  }
}

export const consoleSession = new ConsoleSession();

export function useConsoleState(): ConsoleState {
  return useSyncExternalStore(consoleSession.subscribe, consoleSession.getState);
}
