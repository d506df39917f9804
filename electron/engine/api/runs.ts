// Handlers for runs and sessions: start a run and stream its events to the UI, stop it, list and show runs,
// and the files of a session's workspace.
import fs from 'node:fs';
import path from 'node:path';
import { NotFoundError } from '../../../shared/errors';
import { outputCutNotice } from '../../../shared/output-notice';
import type { EventSink } from '../../../shared/contract';
import type { RunSummary } from '../../../shared/types';
import type { Engine } from '../engine';
import type { RunHandle, RunResult } from '../sandbox/runs';
import type { HandlerSlice } from './types';

export type RunMethods = 'runs.start' | 'runs.cancel' | 'runs.list' | 'runs.get' | 'runs.log' | 'sessions.files' | 'sessions.clear';

/** How much of a past run's log `runs.get` returns when the run is no longer in memory. */
const LOG_TAIL_BYTES = 1024 * 1024;
/** How much of a log `runs.log` returns: as much as a run may write (its log cap). */
const FULL_LOG_BYTES = 8 * 1024 * 1024;

/** Forwards one run's live events to the contract's run.* events (IPC or WebSocket). */
export function forwardRunEvents(handle: RunHandle, emit: EventSink, start: Omit<RunSummary, 'id' | 'status' | 'toolCalls'>): void {
  const runId = handle.id;
  let toolCalls = 0;
  handle.on('toolCall', (call) => {
    if (call.ok === undefined) toolCalls++;
  });
  handle.on('stdout', (chunk) => emit('run.output', { runId, stream: 'stdout', chunk }));
  handle.on('stderr', (chunk) => emit('run.output', { runId, stream: 'stderr', chunk }));
  handle.on('toolCall', (call) => emit('run.toolCall', { runId, call }));
  handle.on('notice', (message) => emit('run.notice', { runId, message }));
  handle.on('status', (status) => emit('run.status', { ...start, id: runId, status, toolCalls }));
  void handle.done.then((result) => {
    if (result.diagnostics.length) emit('run.diagnostics', { runId, diagnostics: result.diagnostics });
    emit('run.status', summaryOf(result));
  });
}

export function summaryOf(result: RunResult) {
  const { stdout: _o, stderr: _e, diagnostics: _d, logPath: _l, code: _c, toolCalls, ...summary } = result;
  return { ...summary, toolCalls: toolCalls.length };
}

function readTail(file: string, bytes: number): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, bytes);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      return (size > length ? `[${outputCutNotice({ notShown: size - length, last: length, logPath: file })}]\n` : '') + buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // No log file (a run that printed nothing, or one deleted with its record): there is no output to show.
    return '';
  }
}

export function runHandlers(engine: Engine): HandlerSlice<RunMethods> {
  return {
    'runs.start': async (req) => {
      const handle = engine.runs.start({ ...req, backend: req.backend ?? engine.settings.get().backend, origin: 'app' });
      void engine.ledger.observe(handle, req.code).catch(engine.reportBackgroundFailure(`recording the context ledger of run ${handle.id}`));
      forwardRunEvents(handle, engine.events.emit, {
        session: req.session ?? 'default',
        language: req.language,
        backend: req.backend ?? engine.settings.get().backend,
        startedAt: Date.now(),
        origin: 'app',
      });
      return { runId: handle.id };
    },
    'runs.cancel': async ({ runId }) => {
      if (!engine.runs.cancel(runId)) throw new NotFoundError(`Run ${runId} is not running.`);
      return { ok: true as const };
    },
    'runs.list': async ({ limit }) => ({ runs: engine.runs.list().slice(0, limit ?? 100) }),
    'runs.get': async ({ runId }) => {
      const run = engine.runs.get(runId);
      if (!run) throw new NotFoundError(`No run with id ${runId}.`);
      if ('stdout' in run) return { ...summaryOf(run), stdout: run.stdout, stderr: run.stderr, diagnostics: run.diagnostics, toolCallEvents: run.toolCalls, logPath: run.logPath, code: run.code };
      const logPath = path.join(engine.dataDir, 'runs', `${runId}.log`);
      const details = engine.runs.details(runId);
      return { ...run, stdout: readTail(logPath, LOG_TAIL_BYTES), stderr: '', diagnostics: details?.diagnostics ?? [], toolCallEvents: details?.toolCalls ?? [], logPath, code: details?.code };
    },
    'runs.log': async ({ runId }) => {
      if (!/^[\w-]+$/.test(runId)) throw new NotFoundError(`No run with id ${runId}.`);
      const logPath = path.join(engine.dataDir, 'runs', `${runId}.log`);
      if (!fs.existsSync(logPath)) throw new NotFoundError(`Run ${runId} has no log in ${path.dirname(logPath)}.`);
      return { text: readTail(logPath, FULL_LOG_BYTES), logPath };
    },
    'sessions.files': async ({ session }) => ({ files: engine.runs.listWorkspaceFiles(session) }),
    'sessions.clear': async ({ session }) => {
      engine.runs.clearSession(session);
      return { ok: true as const };
    },
  };
}
