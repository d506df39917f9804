// First start: a new graph opens on the Welcome page, whose steps lead to the areas; the Console's first script says
// how to add a server when none is configured, and imports a tool of a configured server when there is one.
import { expect, test as bareTest } from './app';
import { test } from './journey-app';

bareTest.use({ viewport: { width: 1024, height: 700 } });
test.use({ viewport: { width: 1024, height: 700 } });

bareTest('a first start shows the Welcome page; the Console explains how to add a server', async ({ app, page }) => {
  await page.goto(app.loginUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Skillgraph' })).toBeVisible();
  const steps = page.getByRole('list', { name: 'Getting started' });
  await expect(steps).toContainText('None yet: start with a ready example');
  await expect(steps).toContainText('0 skills in the graph so far');
  await steps.getByRole('link', { name: 'Open Servers' }).click();
  await expect(page.getByLabel('Example servers')).toContainText('Files in a folder');
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();
  await expect(page.getByRole('textbox', { name: 'Code' })).toContainText('No MCP server is configured yet: add one under Servers');
});

test('with a server configured, the Console starter imports one of its tools and runs', async ({ app, page }) => {
  await page.goto(app.loginUrl);
  await expect(page.getByTestId('status-servers')).toContainText('1/1 ready', { timeout: 60_000 });
  await expect(page.getByRole('list', { name: 'Getting started' })).toContainText('1 server configured, 1 ready');
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();
  const editor = page.getByRole('textbox', { name: 'Code' });
  await expect(editor).toContainText("from './servers/everything/");
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Run status' })).toContainText('succeeded', { timeout: 90_000 });
  await expect(page.getByLabel('Output')).toContainText('ready to call function');
});
