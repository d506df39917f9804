// The Logseq reader on a graph written from Logseq's documented syntax (e2e/fixtures/reader-graph): links
// navigate and come back, references, properties, callouts, block refs, embeds, simple queries, Org pages,
// All pages and Journals, and search ranking; each view screenshotted at 1440×900 and 1024×700.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, snap, startApp, stopApp, test as base, type RunningApp } from './app';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'reader-graph');
const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
];

const test = base.extend<{ reader: RunningApp }>({
  reader: async ({}, use) => {
    const graphDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-reader-')), 'reader-graph');
    fs.cpSync(FIXTURE, graphDir, { recursive: true });
    const app = await startApp({ graphDir });
    await use(app);
    await stopApp(app);
  },
});

async function snapBoth(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await snap(page, testInfo, `${name}-${size.width}x${size.height}`);
  }
  await page.setViewportSize(SIZES[0]);
}

async function openPage(page: Page, app: RunningApp, relPath: string): Promise<void> {
  await page.goto(`${app.url}#/page/${relPath}`);
  await expect(page.getByTestId('page-path')).toHaveText(relPath);
}

test('a page renders Logseq syntax and its links navigate, with back', async ({ reader, page }, testInfo) => {
  await page.setViewportSize(SIZES[0]);
  await page.goto(reader.loginUrl);
  await expect(page.getByTestId('status-index')).toContainText('pages');
  await openPage(page, reader, 'pages/Reader Guide.md');
  const view = page.locator('.page-view');

  // Page properties as a table, tags as links.
  const props = view.getByRole('table', { name: 'Page properties' });
  await expect(props.getByRole('row').filter({ hasText: 'type' })).toContainText('guide');
  await expect(props.getByRole('link', { name: 'Reading' })).toBeVisible();

  // Callouts, quote, example and src blocks.
  await expect(view.getByRole('note', { name: 'note' })).toContainText('Notes are callouts, not a line of prose.');
  await expect(view.getByRole('note', { name: 'tip' })).toContainText('Press Ctrl+K to search.');
  await expect(view.getByRole('note', { name: 'warning' })).toBeVisible();
  await expect(view.locator('blockquote')).toContainText('A quoted line from a book.');
  await expect(view.locator('pre.src')).toContainText('print("hello from a src block")');
  await expect(view.getByText('#+BEGIN_NOTE')).toHaveCount(0);

  // Markers, priority, block properties as chips, headings with their children as blocks (not code).
  await expect(view.locator('.marker-todo').first()).toHaveText('TODO');
  await expect(view.locator('.marker-doing')).toHaveText('DOING');
  await expect(view.locator('.priority-a')).toHaveText('A');
  const chips = view.getByLabel('Block properties');
  await expect(chips.locator('.property-chip').filter({ hasText: 'status' })).toContainText('active');
  await expect(chips.getByRole('link', { name: 'Ada' })).toBeVisible();
  await expect(view.getByRole('heading', { level: 2, name: 'Reading list' })).toBeVisible();
  await expect(view.locator('li.block').filter({ has: page.getByRole('heading', { name: 'Reading list' }) }).getByRole('link', { name: 'Book A' })).toBeVisible();

  // Collapsed block: child hidden until opened.
  await expect(view.getByText('Hidden child block')).toHaveCount(0);
  await view.locator('li.block').filter({ hasText: 'Collapsed parent' }).getByRole('button', { name: 'Expand block' }).click();
  await expect(view.getByText('Hidden child block')).toBeVisible();

  // Block ref shows the referenced block's text; embeds show the page and the block with its child.
  await expect(view.locator('a.block-ref')).toHaveText("The target page's first block, referenced elsewhere by id.");
  await expect(view.getByLabel('Embedded page Properties Only')).toContainText('This page has nothing but properties.');
  await expect(view.getByLabel('Embedded block')).toContainText('Its child comes along in the embed.');
  await snapBoth(page, testInfo, 'page-reader-guide');

  // A link opens its page (case-insensitive, alias), and Back returns.
  await view.locator('a.page-ref[data-ref="target page"]').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Target Page' })).toBeVisible();
  await expect(page.getByTestId('page-aliases')).toContainText('TP');
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Reader Guide' })).toBeVisible();
  await view.locator('a.page-ref[data-ref="TP"]').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Target Page' })).toBeVisible();
  await page.goBack();
  await view.getByRole('link', { name: '#Multi Word Tag' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Multi Word Tag' })).toBeVisible();
  await expect(page.getByLabel('Linked references', { exact: true })).toContainText('Reader Guide');
  await page.goBack();

  // Clicking a block ref opens the referenced page with the block highlighted.
  await view.locator('a.block-ref').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Target Page' })).toBeVisible();
  await expect(page.locator('li.block.highlighted')).toContainText("The target page's first block");
  await expect(page.getByRole('link', { name: 'Open in Logseq' })).toHaveAttribute('href', 'logseq://graph/reader-graph?page=Target%20Page');

  // Linked references of the target, grouped by page.
  const linked = page.getByLabel('Linked references', { exact: true });
  await expect(linked.locator(':scope > .ref-group > a.ref-page')).toHaveText(['Nov 30th, 2026', 'Queries', 'Reader Guide']);
  await expect(linked.getByLabel('References on Reader Guide')).toContainText('its alias');
  await expect(linked.getByLabel('References on Nov 30th, 2026')).toContainText('Read about');
  await snapBoth(page, testInfo, 'page-target-references');
});

test('property-only pages, unlinked references, queries and Org pages', async ({ reader, page }, testInfo) => {
  await page.setViewportSize(SIZES[0]);
  await page.goto(reader.loginUrl);
  await expect(page.getByTestId('status-index')).toContainText('pages');

  await openPage(page, reader, 'pages/Properties Only.md');
  // The page's own table (an embed of this page elsewhere shows one too, inside that page's references).
  const props = page.locator('.page-view > table.page-properties');
  await expect(props).toContainText('This page has nothing but properties.');
  await expect(props.getByRole('row').filter({ hasText: 'platforms' })).toContainText('linux, macos');
  await expect(page.getByText('This page is empty.')).toHaveCount(0);
  await snapBoth(page, testInfo, 'page-properties-only');

  await openPage(page, reader, 'pages/Reader Guide.md');
  await page.getByRole('button', { name: 'Unlinked references' }).click();
  const unlinked = page.getByLabel('Unlinked references');
  await expect(unlinked.getByLabel('References on Projects/Beta')).toContainText('mentions the Reader Guide without linking it');

  await openPage(page, reader, 'pages/Queries.md');
  const books = page.getByLabel('Query (page-property type book)');
  await expect(books.getByRole('link')).toHaveText(['Book A', 'Book B']);
  const tasks = page.getByLabel('Query (task TODO DOING)');
  await expect(tasks).toContainText('Write the quarterly report');
  await expect(tasks).toContainText('Gather the numbers');
  await expect(tasks).not.toContainText('Book the meeting room');
  await expect(page.getByLabel('Query [[Target Page]]').locator('.ref-page')).toHaveText(['Nov 30th, 2026', 'Reader Guide']);
  await expect(page.getByLabel('Advanced query')).toContainText('All tasks');
  await snapBoth(page, testInfo, 'page-queries');

  await openPage(page, reader, 'pages/Org Sample.org');
  const org = page.locator('.page-view');
  await expect(org.getByRole('heading', { level: 1, name: 'Org Sample' })).toBeVisible();
  await expect(org.locator('.marker-todo')).toHaveText('TODO');
  await expect(org.locator('strong')).toHaveText('bold');
  await expect(org.getByRole('link', { name: 'Target Page' })).toBeVisible();
  await expect(org.getByRole('note', { name: 'note' })).toContainText('An org note callout.');
  await expect(org.locator('.property-chip')).toContainText('org-example');
  await snapBoth(page, testInfo, 'page-org');
});

test('All pages (filter, sort, namespaces), Journals, and search ranking', async ({ reader, page }, testInfo) => {
  await page.setViewportSize(SIZES[0]);
  await page.goto(reader.loginUrl);
  await expect(page.getByTestId('status-index')).toContainText('pages');

  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'All pages' }).click();
  const table = page.getByRole('table', { name: 'Pages' });
  await expect(table.getByRole('link', { name: 'Target Page' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Sort pages' }).selectOption('backlinks');
  await expect(table.getByRole('row').nth(1)).toContainText('Target Page');
  await snapBoth(page, testInfo, 'all-pages');
  await page.getByRole('textbox', { name: 'Filter pages' }).fill('proj');
  await expect(table.getByRole('link')).toHaveText(['Projects/Alpha', 'Projects/Beta']);
  await page.getByRole('button', { name: 'Namespace tree' }).click();
  const tree = page.getByRole('tree', { name: 'Namespace tree' });
  await expect(tree.getByRole('treeitem').first()).toContainText('Projects');
  await expect(tree.getByRole('link', { name: 'Alpha' })).toBeVisible();
  await snapBoth(page, testInfo, 'all-pages-namespaces');

  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Journals' }).click();
  const days = page.locator('article.journal-page');
  await expect(days.locator('h2')).toHaveText(['Dec 1st, 2026', 'Nov 30th, 2026']);
  await expect(days.nth(1).locator('li.block.skill-event')).toContainText('Skills/fetch_report');
  await snapBoth(page, testInfo, 'journals');

  // Search: the exact title first; a page reachable by its alias; Enter opens the keyboard's choice even under the mouse.
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Search' });
  const input = palette.getByRole('combobox', { name: 'Search' });
  await input.fill('Reader Guide');
  const results = palette.getByRole('listbox', { name: 'Results' });
  await expect(results.getByRole('option').first()).toContainText('Reader Guide');
  await expect(results.getByRole('option').first().locator('.hit-snippet')).not.toContainText('[[');
  await snapBoth(page, testInfo, 'search');
  await input.fill('TP');
  await expect(results.getByRole('option').filter({ hasText: 'Target Page' })).toBeVisible();
  await input.fill('Book');
  // Results update as you type: wait for this query's results, not the previous one's, before choosing.
  await expect(results.getByRole('option').first()).toContainText('Book');
  const count = await results.getByRole('option').count();
  if (count > 1) await results.getByRole('option').nth(count - 1).hover();
  await expect(results.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  const first = (await results.getByRole('option').first().locator('.hit-title').textContent())!;
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: first })).toBeVisible();
});
