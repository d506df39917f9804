// Closing ends everything the sandbox started: a program that runs code and closes the engine exits by itself, and no
// runner, bwrap or socat process (nor a handle to one) is left, also when a warm-up is still spawning at dispose.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSandboxBackend } from './local-backend';
import { RunManager } from './runs';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');

/** Command lines of live processes (zombies have none) containing `needle`. */
function processesMatching(needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(needle)) found.push(`${name}: ${cmdline}`);
    } catch {
      // ended while we looked
    }
  }
  return found;
}

interface ProgramOutcome {
  code: number | null;
  killedByTest: boolean;
  report: { pid: number; status: string; stdout: string; proxySocket?: string };
  stderr: string;
}

/** Runs the program; if it has not exited on its own well within the test timeout, the test kills it and says so. */
function runProgram(language: 'typescript' | 'python'): Promise<ProgramOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'test-scripts/run-then-close.ts'), language], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let killedByTest = false;
    const guard = setTimeout(() => {
      killedByTest = true;
      child.kill('SIGKILL');
    }, 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ code, killedByTest, report: JSON.parse(line), stderr });
      } catch {
        reject(new Error(`the program printed no report (exit ${code}): ${stderr}`));
      }
    });
  });
}

describe('closing the engine', () => {
  for (const language of ['typescript', 'python'] as const) {
    it(`lets a plain Node program exit by itself after a ${language} run, leaving no sandbox process`, async () => {
      const outcome = await runProgram(language);
      expect(outcome.report).toMatchObject({ status: 'succeeded', stdout: 'hi\n' });
      expect(outcome.killedByTest, 'the program was still alive after engine.close()').toBe(false);
      expect(outcome.code).toBe(0);
      expect(processesMatching(`skillgraph-sandbox-${outcome.report.pid}-`)).toEqual([]);
      if (outcome.report.proxySocket) expect(processesMatching(outcome.report.proxySocket)).toEqual([]);
    });
  }
});

describe('LocalSandboxBackend.dispose', () => {
  let fixture: SandboxFixture;
  beforeAll(async () => {
    fixture = await createSandboxFixture();
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });

  it('ends the warm runner spawned after a run, even when disposed while it is still starting', async () => {
    const backend = new LocalSandboxBackend();
    const runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', backends: { local: backend } });
    const handlesBefore = new Set((process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles());
    const result = await runs.start({ code: 'console.log("hi")', language: 'javascript', origin: 'app' }).done;
    expect(result.stdout).toBe('hi\n');
    // The run's finally has just asked for a warm runner; dispose now, while it spawns.
    await runs.dispose();
    const runtimeDir = (backend as unknown as { runtimeDir: string }).runtimeDir;
    expect(processesMatching(runtimeDir)).toEqual([]);
    const left = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().filter((handle) => !handlesBefore.has(handle));
    expect(left.map((handle) => handle.constructor.name)).toEqual([]);
  });
});
