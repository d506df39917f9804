// Console journey: a run writes into its session workspace (listed, and on disk), a long run streams and is
// stopped, and a run printing megabytes keeps only the tail in the page with a notice.
import fs from 'node:fs';
import path from 'node:path';
import { snap } from './app';
import { expect, setCode, test } from './journey-app';

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
  await expect(page.getByRole('status').filter({ hasText: 'Output cut:' })).toBeVisible();
  const kept = await page.getByLabel('Output').evaluate((el) => el.textContent?.length ?? 0);
  expect(kept).toBeLessThanOrEqual(300 * 1024);
  await snap(page, testInfo, 'console-large-output');
});
