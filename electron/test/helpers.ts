// Test helpers: temporary folders, a real engine built the way the app builds it, and the real CLI run in-process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../cli/main';
import { Engine, type EngineOptions } from '../engine/engine';

export function tempDir(prefix = 'skillgraph-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Opens a real engine over a fresh graph (from the starter template) and a fresh data folder. */
export async function openTestEngine(options: Partial<EngineOptions> = {}): Promise<Engine> {
  const dir = tempDir();
  return Engine.open({ data: path.join(dir, 'data'), host: 'cli', ...options });
}

/** Runs the real CLI entry in this process (a process start per command costs too much here), capturing its output. */
export async function runCliCapturing(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await runCli(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}
