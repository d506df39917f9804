// CLI commands that run code in the sandbox: `run` streams a script's output to the terminal and exits
// with the run's status; `runs list` shows the history shared with the app. Neither scans the graph: the engine
// opens with the index caught up (only changed page files read) and a run writes only the skills that changed.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RunLanguage } from '../../shared/types';
import { InvalidInputError } from '../../shared/errors';
import { locationsOf, printJsonOr, str, warnOfConfigProblem, type Command } from './command';

const LANGUAGES: Record<string, RunLanguage> = { '.ts': 'typescript', '.mts': 'typescript', '.js': 'javascript', '.mjs': 'javascript', '.py': 'python' };

export function languageOf(file: string, explicit?: string): RunLanguage {
  if (explicit) {
    if (!['typescript', 'javascript', 'python'].includes(explicit)) throw new InvalidInputError(`--language is typescript, javascript or python, not "${explicit}".`);
    return explicit as RunLanguage;
  }
  const language = LANGUAGES[path.extname(file).toLowerCase()];
  if (!language) throw new InvalidInputError(`Cannot tell the language of ${file}: name it .ts, .js or .py, or pass --language.`);
  return language;
}

/** The process exit code for a run's final status. */
export function exitCodeFor(status: string, exitCode: number | null | undefined): number {
  if (status === 'succeeded') return 0;
  if (status === 'type-error') return 3;
  if (status === 'timeout') return 124;
  if (status === 'cancelled' || status === 'killed') return 130;
  return exitCode && exitCode > 0 ? exitCode : 1;
}

export const RUN_COMMANDS: Command[] = [
  {
    name: 'run',
    usage: 'run <file> [--backend local|e2b] [--session <name>] [--language typescript|javascript|python] [--no-check] [--json]',
    summary: 'Run a script in the sandbox against the generated API, streaming its output; exits with the run\'s status.',
    help: 'TypeScript is type-checked against servers/ and skills/ first (type errors exit 3 without running). The session keeps its workspace/ between runs.',
    options: { backend: { type: 'string' }, session: { type: 'string' }, language: { type: 'string' }, 'no-check': { type: 'boolean' } },
    async run({ values, positionals }) {
      const file = positionals[0];
      if (!file) throw new InvalidInputError('run needs a script file, e.g. skillgraph run analyse.ts');
      const language = languageOf(file, str(values.language));
      // The engine's modules load while the script is read (a failed read still reports first).
      const loadingEngine = import('../engine/engine');
      loadingEngine.catch(() => undefined); // awaited below once the script is read; a load failure is thrown there
      let code: string;
      try {
        code = await fs.readFile(path.resolve(file), 'utf8');
      } catch (error) {
        throw new InvalidInputError(`Cannot read ${file}: ${(error as Error).message}`);
      }
      const backend = str(values.backend);
      if (backend && backend !== 'local' && backend !== 'e2b') throw new InvalidInputError('--backend is local or e2b.');
      const { Engine } = await loadingEngine;
      const engine = await Engine.open({ ...locationsOf(values), host: 'cli', loadGraph: false });
      try {
        warnOfConfigProblem(engine);
        // The tokenizer loads in the counter's worker while the run runs, so the ledger does not hold the exit.
        engine.ledger.counter.warm();
        const handle = engine.runs.start({ code, language, session: str(values.session), backend: backend as 'local' | 'e2b' | undefined, skipTypeCheck: Boolean(values['no-check']), origin: 'cli', fileName: file });
        const ledger = engine.ledger.observe(handle, code).catch(engine.reportBackgroundFailure('recording the context ledger'));
        const onSignal = () => engine.runs.cancel(handle.id);
        process.once('SIGINT', onSignal);
        if (!values.json) {
          handle.on('stdout', (chunk) => process.stdout.write(chunk));
          handle.on('stderr', (chunk) => process.stderr.write(chunk));
          handle.on('notice', (message) => process.stderr.write(`[skillgraph] ${message}\n`));
          handle.on('toolCall', (call) => {
            if (call.ok !== undefined && process.env.SKILLGRAPH_TRACE) process.stderr.write(`[tool] ${call.server}/${call.tool} ${call.ok ? 'ok' : 'error'} ${call.durationMs?.toFixed(0)} ms\n`);
          });
        }
        const result = await handle.done;
        process.off('SIGINT', onSignal);
        if (values.json) {
          // The JSON answer carries the run's ledger (observe adds it to the result).
          await ledger;
          printJsonOr(values, result, () => '');
        } else {
          // Type errors were already printed with the run's stderr, at the file's name (runs.ts).
          if (result.status !== 'succeeded') process.stderr.write(`[skillgraph] run ${result.id} ${result.status}${result.exitCode != null ? ` (exit code ${result.exitCode})` : ''}; full log: ${result.logPath}\n`);
          // The output is out; the ledger entry is written before the process exits.
          await ledger;
        }
        return exitCodeFor(result.status, result.exitCode);
      } finally {
        await engine.close();
      }
    },
  },
  {
    name: 'runs list',
    usage: 'runs list [--limit <n>] [--json]',
    summary: 'Recent runs from the app, the CLI and the gateway, newest first.',
    options: { limit: { type: 'string' } },
    async run({ values }) {
      // The summaries on disk: no engine, sandbox or compiler is loaded for a listing.
      const [{ resolveDataDir }, { listRunSummaries, runsDirOf }] = await Promise.all([import('../engine/locations'), import('../engine/sandbox/run-history')]);
      const runs = listRunSummaries(runsDirOf(resolveDataDir(locationsOf(values)))).slice(0, Number(str(values.limit) ?? 20));
      printJsonOr(values, runs, () =>
        runs.length
          ? runs.map((r) => `${r.id}  ${new Date(r.startedAt).toISOString()}  ${r.origin.padEnd(7)} ${r.language.padEnd(10)} ${r.status.padEnd(10)} ${r.durationMs?.toFixed(0) ?? '-'} ms  ${r.toolCalls} tool call(s)`).join('\n')
          : 'No runs yet.',
      );
    },
  },
];
