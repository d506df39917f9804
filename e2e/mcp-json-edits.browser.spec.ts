// mcp.json edited by hand while the app runs in browser mode: the app starts even though the file is malformed (the
// Servers view and the status bar say what is wrong where), a fix brings the server, a server added by editing the file
// appears in the Servers view, breaking the file again shows the alert while the servers keep running, and fixing it
// clears the alert. Real app (`skillgraph serve`), real servers from npm, the file written as an editor would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, stopApp, type RunningApp } from './app';
import { EVERYTHING_SERVER, MEMORY_SERVER, expect, test as base } from './journey-app';

const BROKEN = '{\n  "mcpServers": {\n    "everything": { "command": \n';
const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-e2e-mcp-json-')), 'data');
const mcpJson = path.join(dataDir, 'mcp.json');
const writeByHand = (text: string) => fs.writeFileSync(mcpJson, text);
const config = (servers: Record<string, unknown>) => `${JSON.stringify({ mcpServers: servers }, null, 2)}\n`;

const test = base.extend<{ app: RunningApp }>({
  app: async ({}, use) => {
    fs.mkdirSync(dataDir, { recursive: true });
    writeByHand(BROKEN);
    const app = await startApp({ dataDir });
    await use(app);
    await stopApp(app);
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  },
});

test('hand edits of mcp.json reach the Servers view: broken at start, fixed, a server added, broken again, fixed', async ({ app, page }) => {
  await page.goto(app.loginUrl);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Servers' }).click();
  const alert = page.getByRole('alert', { name: 'mcp.json problem' });
  const servers = page.getByRole('list', { name: 'Configured servers' });

  // Malformed when the app started: it runs with no server from the file and says which file and line.
  await expect(alert).toContainText(`${mcpJson} is not valid JSON: ValueExpected at line 4, column 1. No server from it was started`);
  await expect(page.getByTestId('status-problems')).toHaveAttribute('title', /reading mcp\.json: .*not valid JSON/);
  expect(fs.readFileSync(mcpJson, 'utf8')).toBe(BROKEN);

  // Fixed: the alert goes and the server starts.
  writeByHand(config({ everything: EVERYTHING_SERVER }));
  await expect(alert).toHaveCount(0);
  const everything = servers.getByRole('listitem').filter({ hasText: 'everything' });
  await expect(everything).toBeVisible();

  // A server added by editing the file appears beside it.
  writeByHand(config({ everything: EVERYTHING_SERVER, memory: MEMORY_SERVER }));
  const memory = servers.getByRole('listitem').filter({ hasText: 'memory' });
  await expect(memory).toContainText('ready', { timeout: 60_000 });
  await expect(memory).toContainText('9 tools');

  // Broken again mid-edit: the alert says so while both servers stay configured.
  writeByHand(config({ everything: EVERYTHING_SERVER, memory: MEMORY_SERVER }).replace('"memory": {', '"memory": { "startupTimeoutMs": "soon",'));
  await expect(alert).toContainText('is not a valid mcpServers file');
  await expect(alert).toContainText('The servers keep running with the last valid mcp.json');
  await expect(servers.getByRole('listitem')).toHaveCount(2);

  // Fixed again: the alert clears, and the server removed in the fix leaves the list.
  writeByHand(config({ memory: MEMORY_SERVER }));
  await expect(alert).toHaveCount(0);
  await expect(servers.getByRole('listitem')).toHaveCount(1);
  await expect(memory).toBeVisible();
});
