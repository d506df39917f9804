// Settings and run history without agents: allowed domains are checked before saving, kept in config.json and shown
// again after a reload; the backend choice is saved with a note when E2B has no key; a Console run shows up in the
// Console's Runs section with its output.
import fs from 'node:fs';
import path from 'node:path';
import { expect, snap, test } from './app';

const config = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'config.json'), 'utf8')) as Record<string, unknown>;

test('allowed domains and sandbox backend are validated, saved and shown again', async ({ app, page }, testInfo) => {
  await page.goto(app.loginUrl);
  await page.getByRole('banner').getByRole('link', { name: 'Settings' }).click();
  const network = page.getByRole('region', { name: 'Network' });
  await expect(network).toContainText('No domains allowed');
  const domain = network.getByRole('textbox', { name: 'Allow a domain' });

  // An address instead of a host name is refused with what to type instead; nothing is saved.
  await domain.fill('https://api.github.com/repos');
  await network.getByRole('button', { name: 'Add' }).click();
  await expect(network.getByRole('alert')).toContainText('type only the host name');
  await expect(domain).toHaveAttribute('aria-invalid', 'true');
  expect(config(app.dataDir).allowedDomains ?? []).toEqual([]);

  await domain.fill('api.github.com');
  await domain.press('Enter');
  await domain.fill('*.example.com');
  await domain.press('Enter');
  const list = network.getByRole('list', { name: 'Allowed domains' });
  await expect(list.getByRole('listitem')).toHaveText([/api\.github\.com/, /\*\.example\.com/]);
  await expect(network.getByRole('alert')).toHaveCount(0);
  await expect.poll(() => config(app.dataDir).allowedDomains).toEqual(['api.github.com', '*.example.com']);

  // The values come from the engine, so they are there after a reload.
  await page.reload();
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await list.getByRole('button', { name: 'Remove *.example.com' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect.poll(() => config(app.dataDir).allowedDomains).toEqual(['api.github.com']);

  const sandbox = page.getByRole('region', { name: 'Sandbox' });
  await expect(sandbox.getByRole('radio', { name: /^Local/ })).toBeChecked();
  await sandbox.getByRole('radio', { name: /^E2B/ }).check();
  await expect.poll(() => config(app.dataDir).backend).toBe('e2b');
  if (!process.env.E2B_API_KEY) await expect(page.getByTestId('e2b-key-state')).toContainText('No E2B API key is configured');
  expect(fs.readFileSync(path.join(app.dataDir, 'config.json'), 'utf8')).not.toMatch(/e2bConfigured/);
  await snap(page, testInfo, 'settings-network-backend');
  await sandbox.getByRole('radio', { name: /^Local/ }).check();
  await expect.poll(() => config(app.dataDir).backend).toBe('local');
});

test('a Console run appears in the run history, opens with its output, and closes from the keyboard', async ({ app, page }, testInfo) => {
  await page.goto(`${app.loginUrl}`);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();
  const editor = page.getByRole('textbox', { name: 'Code' });
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await editor.fill("console.log('history check', 6 * 7);\n");
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Run status' })).toContainText('succeeded', { timeout: 60_000 });

  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Runs' }).click();
  const row = page.getByRole('table', { name: 'Recent runs' }).getByRole('row').filter({ hasText: 'App' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('succeeded');
  await expect(row).toContainText('console');
  await page.getByRole('combobox', { name: 'Origin' }).selectOption('gateway');
  await expect(page.getByText('No runs from Agent (gateway) among the recent ones.')).toBeVisible();
  await page.getByRole('combobox', { name: 'Origin' }).selectOption('all');

  await row.getByRole('link').click();
  const runId = decodeURIComponent(new URL(page.url()).hash.split('/').pop()!);
  const detail = page.getByRole('region', { name: `Run ${runId}` });
  await expect(detail.getByLabel('Run output')).toContainText('history check 42');
  await expect(detail).toContainText('App');
  await snap(page, testInfo, 'run-history-app-run');
  await detail.getByRole('button', { name: 'Close run' }).focus();
  await page.keyboard.press('Enter');
  await expect(detail).toHaveCount(0);
  await expect(page).toHaveURL(/#\/console\/runs$/);
});
