// Runs are inspectable: a run is labelled by its first line and a human time, its detail shows the code that ran,
// and each tool-call row expands to the arguments and a preview of the result with its size.
import { expect, setCode, test } from './journey-app';

test.use({ viewport: { width: 1024, height: 700 } });

test('a run shows its code, and its tool calls expand to arguments and result', async ({ app, page }) => {
  await page.goto(app.loginUrl);
  await expect(page.getByTestId('status-servers')).toContainText('1/1 ready', { timeout: 60_000 });
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();
  await setCode(page, "import { getSum } from './servers/everything/get_sum';\nconst total = await getSum({ a: 19, b: 23 });\nconsole.log(JSON.stringify(total));\n");
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Run status' })).toContainText('succeeded', { timeout: 90_000 });

  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Runs' }).click();
  const table = page.getByRole('table', { name: 'Recent runs' });
  await expect(page.getByTestId('runs-total')).toHaveText(/^1 run\b/);
  const row = table.getByRole('row').filter({ hasText: 'const total = await getSum({ a: 19, b: 23 });' });
  await expect(row).toHaveCount(1);
  await expect(row.locator('time')).toHaveText(/just now|s ago|min ago/);
  await row.getByRole('link').click();

  const detail = page.locator('.run-detail');
  await expect(detail.getByLabel('Code that ran')).toContainText("import { getSum } from './servers/everything/get_sum';");
  await expect(detail).toContainText('Code (typescript)');
  await expect(detail.getByRole('term').filter({ hasText: 'Tool calls' }).locator('xpath=following-sibling::dd[1]')).toHaveText('1');
  const call = detail.getByRole('list', { name: 'Tool calls' }).getByRole('button', { name: 'everything/get-sum' });
  await expect(call).toHaveAttribute('aria-expanded', 'false');
  await call.click();
  await expect(call).toHaveAttribute('aria-expanded', 'true');
  await expect(detail.getByLabel('Arguments')).toContainText('"a": 19');
  await expect(detail.getByLabel('Result preview')).toContainText('The sum of 19 and 23 is 42.');
  await expect(detail).toContainText(/received \d+ bytes/);
  await expect(detail.getByRole('button', { name: 'Copy result' })).toBeVisible();
});
