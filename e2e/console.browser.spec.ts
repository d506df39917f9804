// Console journey: a run writes into its session workspace (listed, and on disk), a long run streams and is
// stopped, and a run printing megabytes keeps only the tail in the page with a notice. The editor checks types while
// typing and completes from the types of the generated API; a tool error names the user's line, which can be clicked.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, snap, stopApp, type RunningApp } from './app';
import { expect, setCode, startAppWithServers, test } from './journey-app';

test('workspace files, stop a running script, and a large output stays capped', async ({ app, page }, testInfo) => {
  await page.goto(`${app.loginUrl}`);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();
  const status = page.getByRole('status', { name: 'Run status' });
  const run = page.getByRole('button', { name: 'Run', exact: true });

  await setCode(page, "import { writeFileSync } from 'node:fs';\nwriteFileSync('notes.txt', 'kept between runs');\nconsole.error('wrote notes.txt');\n");
  await run.click();
  await expect(status).toContainText('succeeded', { timeout: 60_000 });
  await expect(page.getByLabel('Output').locator('.stderr')).toContainText('wrote notes.txt');
  await expect(page.getByRole('list', { name: 'Workspace files' })).toContainText('notes.txt');
  expect(fs.readFileSync(path.join(app.dataDir, 'sessions', 'console', 'workspace', 'notes.txt'), 'utf8')).toBe('kept between runs');

  // A script that never ends streams its output until Stop.
  await setCode(page, "let n = 0;\nsetInterval(() => console.log('tick', ++n), 100);\nawait new Promise(() => {});\n");
  await run.click();
  await expect(page.getByLabel('Output')).toContainText('tick 3', { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toContainText(/cancelled|killed/, { timeout: 30_000 });
  await expect(run).toBeEnabled();

  // 3 MB of output (the engine may cap what it forwards): the page keeps the last ~256 KB and says so.
  await setCode(page, "const line = 'y'.repeat(1023);\nfor (let i = 0; i < 3 * 1024; i++) console.log(line);\nconsole.log('THE END');\n");
  await run.click();
  await expect(status).toContainText('succeeded', { timeout: 90_000 });
  // One wording wherever output is cut: the engine's cut (the first notice is replaced when the run ends) and the page's.
  const cuts = page.locator('.output-pane').getByRole('status').filter({ hasText: 'Output cut:' });
  await expect(cuts).toHaveCount(2);
  await expect(cuts.nth(0)).toHaveText(/^Output cut: [\d.]+ MB not shown here; the last [\d.]+ KB follow; full log: \S+\.log$/);
  await expect(cuts.nth(1)).toHaveText(/^Output cut: [\d.]+ KB not shown here; the last 256 KB follow; full log: \S+\.log$/);
  // The log path opens the full log.
  await cuts.nth(1).getByRole('button', { name: /\.log$/ }).click();
  const fullLog = page.getByRole('dialog', { name: /^Full log of run / });
  await expect(fullLog.getByLabel('Full log')).toContainText('THE END');
  expect(await fullLog.getByLabel('Full log').evaluate((el) => el.textContent?.length ?? 0)).toBeGreaterThan(3 * 1024 * 1024);
  await fullLog.getByRole('button', { name: 'Close' }).click();
  await expect(fullLog).toHaveCount(0);
  const kept = await page.getByLabel('Output', { exact: true }).evaluate((el) => el.textContent?.length ?? 0);
  expect(kept).toBeLessThanOrEqual(300 * 1024);
  await snap(page, testInfo, 'console-large-output');
});

/** The app with server-filesystem for a temporary folder, and a file outside it the server must refuse. */
const withFilesystem = test.extend<{ fsApp: { app: RunningApp; shared: string; outside: string } }>({
  fsApp: async ({}, use) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-console-fs-'));
    const shared = path.join(root, 'shared');
    fs.mkdirSync(shared);
    fs.writeFileSync(path.join(shared, 'notes.txt'), 'first\nsecond\n');
    const outside = path.join(root, 'outside.txt');
    fs.writeFileSync(outside, 'not for the server');
    const app = await startAppWithServers({ fs: { command: process.execPath, args: [path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'), shared] } });
    await use({ app, shared, outside });
    await stopApp(app);
  },
});

withFilesystem('the editor checks while typing, completes result fields, and a tool error names the user\'s line and jumps to it', async ({ fsApp, page }, testInfo) => {
  const { app, shared, outside } = fsApp;
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(app.loginUrl);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();
  const editor = page.getByRole('textbox', { name: 'Code' });
  const typeErrors = page.getByRole('list', { name: 'Type errors' });

  // Diagnostics appear while typing, without a run, and go away once the code is fixed.
  await setCode(page, "import { readTextFile } from './servers/fs';\n\nconst r = await readTextFile({ path: 42 });\n");
  await expect(typeErrors).toContainText('Line 3', { timeout: 30_000 });
  await expect(page.getByRole('status', { name: 'Run status' })).toHaveCount(0);
  await setCode(page, `import { readTextFile } from './servers/fs';\n\nconst r = await readTextFile({ path: ${JSON.stringify(path.join(shared, 'notes.txt'))} });\n`);
  await expect(typeErrors).toHaveCount(0, { timeout: 30_000 });

  // Completion after `r.` lists the fields of the tool's result.
  await editor.press('Control+End');
  await page.keyboard.type('console.log(r.');
  const completions = page.getByRole('listbox');
  await expect(completions.getByRole('option', { name: /^content/ })).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press('Escape');

  // A tool error shows the user's line, and no runtime frame; clicking it puts the cursor on that line.
  await setCode(page, `import { readTextFile } from './servers/fs';\n\nconst text = 'a line before the call';\nconst r = await readTextFile({ path: ${JSON.stringify(outside)} });\nconsole.log(r.content);\n`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Run status' })).toContainText('failed', { timeout: 60_000 });
  const output = page.getByLabel('Output');
  await expect(output).toContainText(/console\.ts:4:\d+ McpToolError: tool `read_text_file` on server `fs` failed: Access denied/);
  for (const trace of ['node:internal', '_bridge', 'runner.mjs', '.staging', 'Node.js v']) await expect(output).not.toContainText(trace);
  await snap(page, testInfo, 'console-tool-error');
  await output.getByRole('button', { name: /^console\.ts:4:\d+$/ }).click();
  await expect(page.locator('.cm-activeLine')).toContainText('const r = await readTextFile');

  // Find and clear.
  await page.getByRole('searchbox', { name: 'Find text' }).fill('Access denied');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  expect(await page.evaluate(() => (globalThis as unknown as { getSelection(): { toString(): string } | null }).getSelection()?.toString())).toBe('Access denied');
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await expect(output).toHaveText('');
});
