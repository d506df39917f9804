// Servers journey: the configured everything server comes up ready, its generated API is browsable, the
// "Try it" form built from the input schema calls the real tool, and servers can be imported, fail with
// their reason, and be removed, with mcp.json following each step.
import fs from 'node:fs';
import path from 'node:path';
import { snap } from './app';
import { MEMORY_SERVER, expect, test } from './journey-app';

const readMcp = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, unknown> };

test('browse a server API, try a tool, import, fail and remove servers', async ({ app, page }, testInfo) => {
  await page.goto(app.loginUrl);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Servers' }).click();
  const servers = page.getByRole('list', { name: 'Configured servers' });
  const everything = servers.getByRole('listitem').filter({ hasText: 'everything' });
  await expect(everything).toContainText('ready', { timeout: 60_000 });

  await everything.getByRole('link', { name: 'everything' }).click();
  const tools = page.getByRole('navigation', { name: 'Tools of everything' });
  await tools.getByRole('link', { name: 'get-sum', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'get-sum' })).toBeVisible();
  await expect(page.getByLabel('Generated TypeScript')).toContainText('export async function getSum');
  await page.getByRole('tab', { name: 'Python' }).click();
  await expect(page.getByLabel('Generated Python')).toContainText('def get_sum');

  // The form comes from the JSON Schema: two required numbers.
  await page.getByRole('button', { name: 'Call get-sum' }).click();
  await expect(page.getByRole('alert')).toContainText('a is required');
  await page.getByLabel(/^a/).fill('19');
  await page.getByLabel(/^b/).fill('23');
  await page.getByRole('button', { name: 'Call get-sum' }).click();
  const result = page.getByRole('status', { name: 'Result' });
  await expect(result).toContainText('Succeeded');
  await expect(result).toContainText('42');
  await snap(page, testInfo, 'servers-try-it');

  // Import a Claude Desktop config with one good server.
  await page.getByRole('button', { name: 'Import config' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import configuration' });
  await dialog.getByRole('textbox').fill(JSON.stringify({ mcpServers: { memory: MEMORY_SERVER } }));
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(dialog.getByRole('status')).toContainText('Imported: memory');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(servers.getByRole('listitem').filter({ hasText: 'memory' })).toContainText('ready', { timeout: 60_000 });
  expect(Object.keys(readMcp(app.dataDir).mcpServers).sort()).toEqual(['everything', 'memory']);

  // A server that exits shows as failed with the reason.
  await page.getByRole('button', { name: 'Add server' }).click();
  const add = page.getByRole('dialog', { name: 'Add server' });
  await add.getByLabel('Name').fill('broken');
  await add.getByRole('textbox', { name: 'Command' }).fill(process.execPath);
  await add.getByLabel('Arguments (one per line)').fill('-e\nprocess.exit(3)');
  await add.getByRole('button', { name: 'Add' }).click();
  const broken = servers.getByRole('listitem').filter({ hasText: 'broken' });
  await expect(broken).toContainText('failed', { timeout: 60_000 });
  await expect(broken.locator('.error')).not.toBeEmpty();
  await snap(page, testInfo, 'servers-failed');

  page.on('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Remove memory' }).click();
  await expect(servers.getByRole('listitem').filter({ hasText: 'memory' })).toHaveCount(0);
  expect(Object.keys(readMcp(app.dataDir).mcpServers).sort()).toEqual(['broken', 'everything']);
});
