// The shell a newcomer sees: the app comes up on a new graph, shows real state in the status bar, navigates
// between the four areas, and refuses to work without its token.
import fs from 'node:fs';
import path from 'node:path';
import { expect, snap, test } from './app';

test('the app comes up on a fresh graph with real state and working navigation', async ({ app, page }, testInfo) => {
  await page.goto(app.loginUrl);
  await expect(page.getByTestId('status-graph')).toContainText(app.graphDir);
  expect(fs.existsSync(path.join(app.graphDir, 'logseq', 'config.edn'))).toBe(true);
  await expect(page.getByTestId('status-connection')).toContainText('live');
  // The token is taken out of the address bar once read.
  expect(page.url()).not.toContain('token=');

  for (const area of ['Servers', 'Console', 'Journal', 'Skills']) {
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: area, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: area })).toBeVisible();
  }
  await snap(page, testInfo, 'shell');

  await page.keyboard.press('Control+k');
  await expect(page.getByRole('dialog', { name: 'Search' })).toBeVisible();
  await page.keyboard.press('Escape');
});

test('without the token the page says how to get in, and the API refuses', async ({ app, page }, testInfo) => {
  await page.goto(app.url);
  await expect(page.getByRole('alert')).toContainText('needs its token');
  await snap(page, testInfo, 'locked');
  const response = await page.request.post(`${app.url}api/app.status`, { data: {}, headers: { Authorization: 'Bearer wrong' } });
  expect(response.status()).toBe(401);
});
