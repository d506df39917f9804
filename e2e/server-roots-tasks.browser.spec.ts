// Roots and tasks in the app: a server configured with roots in mcp.json shows the roots it was offered, and "Try it"
// on server-everything's task tool (simulate-research-query) shows the task's status while it runs and where it ended.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stopApp, type RunningApp } from './app';
import { EVERYTHING_SERVER, expect, startAppWithServers, test as base } from './journey-app';

const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-e2e-root-'));
const test = base.extend<{ app: RunningApp }>({
  app: async ({}, use) => {
    const app = await startAppWithServers({ everything: { ...EVERYTHING_SERVER, roots: [rootDir] } });
    await use(app);
    await stopApp(app);
    fs.rmSync(rootDir, { recursive: true, force: true });
  },
});

test('a server shows the roots it was offered, and Try it shows a task status as it runs', async ({ app, page }) => {
  await page.goto(app.loginUrl);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Servers' }).click();
  const everything = page.getByRole('list', { name: 'Configured servers' }).getByRole('listitem').filter({ hasText: 'everything' });
  await expect(everything).toContainText('ready', { timeout: 60_000 });
  await expect(everything).toContainText('Offered 1 root (from mcp.json)', { timeout: 30_000 });
  await everything.getByText('Offered 1 root').click();
  await expect(everything.getByRole('list', { name: 'Roots offered to everything' })).toContainText(pathToFileURL(rootDir).href);

  await everything.getByRole('link', { name: 'everything' }).click();
  await page.getByRole('navigation', { name: 'Tools of everything' }).getByRole('link', { name: 'simulate-research-query', exact: true }).click();
  await page.getByLabel(/^topic/).fill('bubblewrap');
  await page.getByRole('button', { name: 'Call simulate-research-query' }).click();
  const progress = page.getByRole('status', { name: 'Call progress' });
  await expect(progress.getByLabel('Task status')).toContainText(/Task Working: (Gathering sources|Analyzing content|Synthesizing findings|Generating report)/, { timeout: 30_000 });
  const result = page.getByRole('status', { name: 'Result' });
  await expect(result).toContainText('Succeeded', { timeout: 60_000 });
  await expect(result).toContainText('Research Report: bubblewrap');
  await expect(page.getByLabel('Task status')).toContainText(/Ran as task .+: Completed/);
});
