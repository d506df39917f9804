// Roots and tasks in the app: a server configured with roots in mcp.json shows the roots it was offered, its roots are
// edited in the server dialog (checked, saved to mcp.json as written, offered without a restart), and "Try it" on
// server-everything's task tool (simulate-research-query) shows the task's status while it runs and where it ended.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startApp, stopApp, type RunningApp } from './app';
import { EVERYTHING_SERVER, expect, test as base } from './journey-app';

const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-e2e-root-'));
const readMcp = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, { roots?: string[] }> };
const test = base.extend<{ app: RunningApp }>({
  app: async ({}, use) => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-ui-')), 'data');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'mcp.json'), JSON.stringify({ mcpServers: { everything: { ...EVERYTHING_SERVER, roots: [rootDir] } } }, null, 2));
    // The variable a root written as ${env:SG_E2E_SECOND_ROOT} reads, in the app's environment.
    const app = await startApp({ dataDir, env: { SG_E2E_SECOND_ROOT: path.join(rootDir, 'second') } });
    await use(app);
    await stopApp(app);
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  },
});
test.afterAll(() => fs.rmSync(rootDir, { recursive: true, force: true }));

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

test('roots are edited in the server dialog: checked like mcp.json, saved to it as written, offered without a restart', async ({ app, page }) => {
  const second = path.join(rootDir, 'second');
  fs.mkdirSync(second, { recursive: true });
  await page.goto(app.loginUrl);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Servers' }).click();
  const everything = page.getByRole('list', { name: 'Configured servers' }).getByRole('listitem').filter({ hasText: 'everything' });
  await expect(everything).toContainText('Offered 1 root (from mcp.json)', { timeout: 60_000 });

  await page.getByRole('button', { name: 'Edit everything' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit everything' });
  const roots = dialog.getByRole('list', { name: 'Roots to offer' });
  await expect(dialog.getByLabel('Root 1', { exact: true })).toHaveValue(rootDir);
  // A relative path is refused, naming it, as mcp.json refuses it; nothing is saved.
  await dialog.getByRole('button', { name: 'Add root' }).click();
  await dialog.getByLabel('Root 2', { exact: true }).fill('relative/notes');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Root 2 (relative/notes): a root is an absolute path');
  expect(readMcp(app.dataDir).mcpServers.everything.roots).toEqual([rootDir]);

  // Replaced by a ${env:} reference (kept as written in mcp.json), the first root removed.
  await dialog.getByLabel('Root 2', { exact: true }).fill('${env:SG_E2E_SECOND_ROOT}');
  await dialog.getByRole('button', { name: 'Remove root 1' }).click();
  await expect(roots.getByRole('listitem')).toHaveCount(1);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
  await expect.poll(() => readMcp(app.dataDir).mcpServers.everything.roots).toEqual(['${env:SG_E2E_SECOND_ROOT}']);
  // The running server is told (roots/list_changed), asks again and is offered the substituted folder.
  await everything.getByText(/Offered 1 root/).click();
  await expect(everything.getByRole('list', { name: 'Roots offered to everything' })).toContainText(pathToFileURL(second).href, { timeout: 30_000 });
  await expect(everything.getByRole('list', { name: 'Roots offered to everything' }).getByRole('listitem')).toHaveCount(1);

  // Unticked: the roots leave mcp.json (the server would get the agent's under the gateway).
  await page.getByRole('button', { name: 'Edit everything' }).click();
  await dialog.getByLabel(/Offer these folders as its roots/).uncheck();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
  await expect.poll(() => 'roots' in readMcp(app.dataDir).mcpServers.everything).toBe(false);
});
