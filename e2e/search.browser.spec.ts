// Search journey: Ctrl+K opens the palette, results come as you type with matches highlighted as <mark>
// (never as HTML), kind filters narrow them, and opening a result goes to the right view.
import { snap } from './app';
import { expect, test } from './journey-app';

test('search tool docs and pages as you type and open the results', async ({ app, page }, testInfo) => {
  await page.goto(app.loginUrl);
  // Tool docs are indexed once the everything server is ready.
  await expect(page.getByTestId('status-servers')).toContainText('1/1 ready', { timeout: 60_000 });

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Search' });
  await palette.getByRole('combobox', { name: 'Search' }).pressSequentially('sum', { delay: 50 });
  const results = palette.getByRole('listbox', { name: 'Results' });
  const sumHit = results.getByRole('option').filter({ hasText: 'get-sum' });
  await expect(sumHit).toBeVisible();
  await expect(sumHit.locator('mark').first()).toBeVisible();
  await snap(page, testInfo, 'search-tools');

  // Kind filter: only pages; the tool hit disappears.
  await palette.getByRole('button', { name: 'Pages' }).click();
  await expect(palette.getByRole('button', { name: 'Pages' })).toHaveAttribute('aria-pressed', 'true');
  await expect(results.getByRole('option').filter({ hasText: 'get-sum' })).toHaveCount(0);
  await palette.getByRole('button', { name: 'Pages' }).click();

  // Keyboard: the active option opens with Enter.
  await expect(sumHit).toBeVisible();
  const options = results.getByRole('option');
  const index = await options.evaluateAll((els) => els.findIndex((el) => el.textContent?.includes('get-sum')));
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/servers\/everything\/get-sum$/);
  await expect(page.getByRole('heading', { name: 'get-sum' })).toBeVisible();

  // A page result opens the page view, rendered from Markdown.
  await page.keyboard.press('Control+k');
  await palette.getByRole('combobox', { name: 'Search' }).fill('Skillgraph');
  const pageHit = results.getByRole('option').filter({ hasText: 'Welcome to Skillgraph' });
  await pageHit.click();
  await expect(page).toHaveURL(/#\/page\/pages\/Welcome/);
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Skillgraph' }).first()).toBeVisible();
  await snap(page, testInfo, 'search-page');
});
