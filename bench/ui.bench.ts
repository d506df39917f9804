// UI benchmark in Chromium (playwright-core, /usr/bin/chromium) against the real app in browser mode:
// time from navigation to the first visible row of the Skills view over a graph of 10,000 skill pages, and
// how responsive the page stays (requestAnimationFrame gaps, long tasks) while a Console run prints 50 MB.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { repoRoot, startApp, stopApp, type RunningApp } from '../e2e/app';

const SKILLS = Number(process.env.UI_BENCH_SKILLS ?? 10_000);
const OUTPUT_MB = Number(process.env.UI_BENCH_OUTPUT_MB ?? 50);
const PAINT_RUNS = 5;
const TAGS = ['ops', 'github', 'reports', 'data', 'incident', 'billing', 'search', 'email'];

function skillPage(i: number): string {
  const python = i % 3 === 0;
  return [
    'type:: skill',
    `skill-id:: bench-${i}`,
    `description:: Benchmark skill number ${i} that fetches, filters and summarises records`,
    `tags:: ${TAGS[i % TAGS.length]}, ${TAGS[(i * 7) % TAGS.length]}`,
    `language:: ${python ? 'python' : 'typescript'}`,
    `status:: ${['draft', 'approved', 'needs-review'][i % 3]}`,
    `source:: ${i % 2 ? 'agent [[Claude Desktop]]' : 'person'}`,
    `servers:: everything`,
    `created:: 2025-01-${String((i % 28) + 1).padStart(2, '0')}`,
    `updated:: 2025-02-${String((i % 28) + 1).padStart(2, '0')}`,
    '',
    '- ## Code',
    python ? `\t- \`\`\`python\n\t  print(${i})\n\t  \`\`\`` : `\t- \`\`\`ts\n\t  console.log(${i});\n\t  \`\`\``,
    '',
  ].join('\n');
}

function makeGraph(): string {
  const graphDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ui-bench-graph-')), 'graph');
  cpSync(path.join(repoRoot, 'logseq-template'), graphDir, { recursive: true });
  mkdirSync(path.join(graphDir, 'pages'), { recursive: true });
  for (let i = 0; i < SKILLS; i++) writeFileSync(path.join(graphDir, 'pages', `Skills___skill_${String(i).padStart(5, '0')}.md`), skillPage(i));
  return graphDir;
}

async function api<T>(app: RunningApp, method: string, input: unknown): Promise<T> {
  const response = await fetch(`${app.url}api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { ok: boolean; result?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.result!;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function waitForIndex(app: RunningApp): Promise<number> {
  const started = performance.now();
  for (;;) {
    const status = await api<{ index: { skills: number; indexing: boolean } }>(app, 'app.status', {});
    if (!status.index.indexing && status.index.skills >= SKILLS) return performance.now() - started;
    if (performance.now() - started > 300_000) throw new Error(`index holds ${status.index.skills} of ${SKILLS} skills after 5 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function firstRowMs(page: Page, app: RunningApp): Promise<number> {
  await page.goto('about:blank');
  const started = performance.now();
  await page.goto(`${app.url}#/skills`);
  await page.locator('.skill-row').first().waitFor({ state: 'visible', timeout: 120_000 });
  return performance.now() - started;
}

// The probes run inside Chromium; they are strings so the bench needs no DOM types and tsx adds no helpers.
const START_PROBE = `(() => {
  const w = window;
  w.__gaps = []; w.__long = []; w.__stop = false;
  new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: 'longtask' });
  let last = performance.now();
  const tick = (now) => { w.__gaps.push(now - last); last = now; if (!w.__stop) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
const STOP_PROBE = `(() => {
  const w = window;
  w.__stop = true;
  const gaps = w.__gaps.slice(1);
  const sorted = [...gaps].sort((a, b) => a - b);
  return {
    frames: gaps.length,
    avgGap: gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length),
    p95Gap: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    maxGap: sorted[sorted.length - 1] ?? 0,
    longTasks: w.__long.length,
    longTaskMs: w.__long.reduce((a, b) => a + b, 0),
  };
})()`;
const SCROLL_TO_END = `(async () => {
  const el = document.querySelector('.skill-rows');
  for (let y = 0; y < el.scrollHeight; y += 2000) {
    el.scrollTop = y;
    await new Promise((r) => requestAnimationFrame(r));
  }
})()`;

interface Responsiveness {
  frames: number;
  avgGap: number;
  p95Gap: number;
  maxGap: number;
  longTasks: number;
  longTaskMs: number;
}

/** Counts frames and long tasks in the page while `during` runs. */
async function measureResponsiveness(page: Page, during: () => Promise<void>): Promise<Responsiveness> {
  await page.evaluate(START_PROBE);
  await during();
  return (await page.evaluate(STOP_PROBE)) as Responsiveness;
}

async function main(): Promise<void> {
  let started = performance.now();
  const graphDir = makeGraph();
  console.log(`generated ${SKILLS} skill pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const app = await startApp({ graphDir });
  const browser = await chromium.launch({ executablePath: process.env.SKILLGRAPH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const indexMs = await waitForIndex(app);
    console.log(`index ready with ${SKILLS} skills after ${(indexMs / 1000).toFixed(1)} s (from app start)`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(app.loginUrl);
    await page.locator('.skill-row').first().waitFor({ state: 'visible', timeout: 120_000 });
    const paints: number[] = [];
    for (let i = 0; i < PAINT_RUNS; i++) paints.push(await firstRowMs(page, app));
    console.log(`skills view, ${SKILLS} skills: first row visible after ${median(paints).toFixed(0)} ms median (runs: ${paints.map((p) => p.toFixed(0)).join(', ')} ms)`);

    // Scrolling the virtualized list to the end.
    const scroll = await measureResponsiveness(page, async () => {
      await page.evaluate(SCROLL_TO_END);
    });
    console.log(`scrolling ${SKILLS} rows: ${scroll.frames} frames, avg gap ${scroll.avgGap.toFixed(1)} ms, max ${scroll.maxGap.toFixed(0)} ms, ${scroll.longTasks} long tasks`);

    // A run printing OUTPUT_MB megabytes in the Console.
    await page.goto(`${app.url}#/console`);
    const code = `const line = 'x'.repeat(1023);\nfor (let i = 0; i < ${OUTPUT_MB} * 1024; i++) console.log(line);\n`;
    await page.getByRole('textbox', { name: 'Code' }).fill(code);
    started = performance.now();
    const run = await measureResponsiveness(page, async () => {
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const status = page.getByRole('status', { name: 'Run status' });
      await status.getByText(/succeeded|failed|timeout|killed|cancelled|type-error/).waitFor({ timeout: 600_000 });
    });
    const runMs = performance.now() - started;
    const shown = ((await page.locator('.output-text').textContent()) ?? '').length;
    const status = await page.getByRole('status', { name: 'Run status' }).textContent();
    console.log(
      `run printing ${OUTPUT_MB} MB (${status?.trim()}): ${(runMs / 1000).toFixed(1)} s; ${run.frames} frames, rAF gap avg ${run.avgGap.toFixed(1)} ms, p95 ${run.p95Gap.toFixed(0)} ms, max ${run.maxGap.toFixed(0)} ms; ${run.longTasks} long tasks (${run.longTaskMs.toFixed(0)} ms); ${shown.toLocaleString()} characters kept in the DOM`,
    );
  } catch (err) {
    console.log(`ui bench stopped: ${(err as Error).message.split('\n')[0]}`);
    process.exitCode = 1;
  } finally {
    await browser.close();
    await stopApp(app);
    rmSync(path.dirname(graphDir), { recursive: true, force: true });
  }
}

void main();
