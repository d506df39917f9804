// Starts the real app in browser mode (`skillgraph serve`) over a temporary graph and data folder, and logs a
// Chromium page in with the printed token. Each test gets its own app.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export interface RunningApp {
  url: string;
  loginUrl: string;
  token: string;
  graphDir: string;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
}

export async function startApp(opts: { graphDir?: string; dataDir?: string; env?: Record<string, string> } = {}): Promise<RunningApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-e2e-'));
  const dataDir = opts.dataDir ?? path.join(dir, 'data');
  const args = [path.join(repoRoot, 'bin', 'skillgraph.js'), 'serve', '--port', '0', '--json', '--data', dataDir];
  if (opts.graphDir) args.push('--graph', opts.graphDir);
  const child = spawn(process.execPath, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const info = await new Promise<{ url: string; loginUrl: string; token: string; graph: string }>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d) => {
      buffer += d;
      out += d;
      const line = buffer.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`skillgraph serve exited with ${code}:\n${out}`)));
    setTimeout(() => reject(new Error(`skillgraph serve did not start in time:\n${out}`)), 60_000);
  });
  return { url: info.url, loginUrl: info.loginUrl, token: info.token, graphDir: info.graph, dataDir, process: child, output: () => out };
}

export async function stopApp(app: RunningApp): Promise<void> {
  if (app.process.exitCode !== null) return;
  const exited = new Promise((resolve) => app.process.once('exit', resolve));
  app.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (app.process.exitCode === null) app.process.kill('SIGKILL');
}

/** Saves a screenshot as a test artifact (test-results/…) and attaches it to the report. */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

export const test = base.extend<{ app: RunningApp }>({
  app: async ({}, use) => {
    const app = await startApp();
    await use(app);
    await stopApp(app);
  },
});

export { expect };
