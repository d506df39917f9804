// The main journey, end to end on a real graph and the real everything server: write a script in the Console
// that calls a tool, see type errors inline, run it with live output and tool calls, save it as a skill, find
// it by search, review it in the journal, edit (sanitized Markdown), approve, rename and delete it with undo,
// checking the files of the graph at every step.
import fs from 'node:fs';
import path from 'node:path';
import { snap } from './app';
import { expect, graphFiles, setCode, test } from './journey-app';

const skillFile = (graphDir: string, name: string) => path.join(graphDir, 'pages', `Skills___${name}.md`);
const journalText = (graphDir: string) =>
  [...graphFiles(graphDir).entries()]
    .filter(([p]) => p.startsWith('journals/'))
    .map(([, text]) => text)
    .join('\n');

test('script -> skill -> search -> journal -> approve -> rename -> delete', async ({ app, page }, testInfo) => {
  await page.goto(app.loginUrl);
  await expect(page.getByTestId('status-servers')).toContainText('1/1 ready', { timeout: 60_000 });
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();

  // Completion offers the generated import paths.
  const editor = page.getByRole('textbox', { name: 'Code' });
  await setCode(page, "import { getSum } from './servers/everything/get");
  await page.keyboard.press('Control+Space');
  await expect(page.getByRole('listbox').getByRole('option', { name: /servers\/everything\/get_sum/ })).toBeVisible();
  await page.keyboard.press('Escape');

  // A type error is reported with its line, before anything runs.
  await setCode(page, "const answer: number = 'forty-two';\nconsole.log(answer);\n");
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Run status' })).toContainText('type-error', { timeout: 60_000 });
  await expect(page.getByRole('list', { name: 'Type errors' })).toContainText('Line 1');
  await snap(page, testInfo, 'console-type-error');

  // A script that calls a real tool, printing with ANSI colours.
  await setCode(
    page,
    "import { getSum } from './servers/everything/get_sum';\nconst result = await getSum({ a: 19, b: 23 });\nconsole.log('\\x1b[32mgreen\\x1b[0m', JSON.stringify(result));\n",
  );
  await expect(editor).toContainText('getSum({ a: 19, b: 23 })');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Run status' })).toContainText('succeeded', { timeout: 90_000 });
  const output = page.getByLabel('Output');
  await expect(output).toContainText('42');
  await expect(output.locator('span', { hasText: 'green' })).toHaveCSS('color', /rgb\(/);
  await expect(output).not.toContainText('\x1b[32m');
  await expect(page.getByRole('list', { name: 'Tool calls' })).toContainText('everything/get-sum');
  await snap(page, testInfo, 'console-run');

  // Save as skill: page + journal entry in the graph.
  await page.getByRole('button', { name: 'Save as skill' }).click();
  const save = page.getByRole('dialog', { name: 'Save as skill' });
  await expect(save).toContainText('Linked to run');
  await save.getByLabel('Name').fill('sum_two_numbers');
  await save.getByLabel('Description').fill('Adds two numbers with the everything server');
  await save.getByLabel('Tags').fill('math, demo');
  await save.getByRole('button', { name: 'Save skill' }).click();
  await expect(page).toHaveURL(/#\/skills\/sum_two_numbers$/);
  await expect(page.getByRole('heading', { name: 'sum_two_numbers' })).toBeVisible();
  const saved = fs.readFileSync(skillFile(app.graphDir, 'sum_two_numbers'), 'utf8');
  expect(saved).toMatch(/type:: skill/);
  expect(saved).toMatch(/getSum\(\{ a: 19, b: 23 \}\)/);
  expect(saved).toMatch(/run:: \S+/);
  expect(journalText(app.graphDir)).toMatch(/Skills\/sum_two_numbers/);

  // Found by search, opened from the palette.
  await page.goto(`${app.url}#/journal`);
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Search' }).pressSequentially('sum_two', { delay: 40 });
  const hit = page.getByRole('listbox', { name: 'Results' }).getByRole('option').filter({ hasText: 'sum_two_numbers' }).first();
  await expect(hit).toBeVisible();
  await expect(page.getByRole('listbox', { name: 'Results' }).locator('mark').first()).toBeVisible();
  await snap(page, testInfo, 'search-skill');
  await page.getByRole('listbox', { name: 'Results' }).getByRole('option', { name: /^skill/ }).filter({ hasText: 'sum_two_numbers' }).first().click();
  await expect(page).toHaveURL(/#\/skills\/sum_two_numbers$/);

  // The journal shows the event; reject right there.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Journal', exact: true }).click();
  const entry = page.getByRole('listitem', { name: 'created sum_two_numbers' });
  await expect(entry).toBeVisible();
  await entry.getByRole('button', { name: 'Reject sum_two_numbers' }).click();
  await expect.poll(() => fs.readFileSync(skillFile(app.graphDir, 'sum_two_numbers'), 'utf8')).toMatch(/status:: archived/);
  await snap(page, testInfo, 'journal');

  // Approve from the skill's page.
  await page.goto(`${app.url}#/skills/sum_two_numbers`);
  await page.getByRole('toolbar', { name: 'Skill actions' }).getByRole('button', { name: 'Approve' }).click();
  await expect.poll(() => fs.readFileSync(skillFile(app.graphDir, 'sum_two_numbers'), 'utf8')).toMatch(/status:: approved/);

  // "Run" calls the skill and prints its output; the Console is left as it was.
  await page.getByRole('toolbar', { name: 'Skill actions' }).getByRole('button', { name: 'Run', exact: true }).click();
  const runDialog = page.getByRole('dialog', { name: 'Run sum_two_numbers' });
  await runDialog.getByRole('button', { name: 'Run sum_two_numbers' }).click();
  await expect(runDialog.getByLabel('Skill output')).toContainText('42', { timeout: 90_000 });
  await runDialog.getByRole('button', { name: 'Close' }).click();
  // "Open in Console" asks before it replaces code there that differs from the skill's.
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('toolbar', { name: 'Skill actions' }).getByRole('button', { name: 'Open in Console' }).click();
  await expect(page).toHaveURL(/#\/console$/);
  await expect(page.getByRole('textbox', { name: 'Code' })).toContainText('getSum({ a: 19, b: 23 })');
  await page.goto(`${app.url}#/skills/sum_two_numbers`);

  // Edit: the description is agent-style HTML; it renders as Markdown with scripts stripped.
  await page.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Edit skill' });
  await form.getByLabel('Description').fill('Adds **two** numbers <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>');
  await form.getByLabel('Tags').fill('math, demo, reviewed');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('region', { name: 'Description' }).locator('strong')).toHaveText('two');
  expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.getByRole('region', { name: 'Description' }).locator('script, img[onerror]')).toHaveCount(0);
  await expect.poll(() => fs.readFileSync(skillFile(app.graphDir, 'sum_two_numbers'), 'utf8')).toMatch(/reviewed/);
  await expect(page.getByRole('link', { name: 'Open in Logseq' })).toHaveAttribute('href', /^logseq:\/\/graph\/.+page=Skills%2Fsum_two_numbers/);
  await snap(page, testInfo, 'skill-detail');

  // Rename: the file follows.
  await page.getByRole('button', { name: 'Rename' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename sum_two_numbers' });
  await rename.getByLabel('New name').fill('add_two_numbers');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(page).toHaveURL(/#\/skills\/add_two_numbers$/);
  expect(fs.existsSync(skillFile(app.graphDir, 'add_two_numbers'))).toBe(true);
  expect(fs.existsSync(skillFile(app.graphDir, 'sum_two_numbers'))).toBe(false);

  // Delete with confirmation, undo, then delete for good.
  const recycled = () => [...graphFiles(app.graphDir).keys()].filter((p) => p.startsWith('logseq/.recycle/') && p.includes('add_two_numbers'));
  await page.getByRole('toolbar', { name: 'Skill actions' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete add_two_numbers?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted add_two_numbers' })).toBeVisible();
  expect(fs.existsSync(skillFile(app.graphDir, 'add_two_numbers'))).toBe(false);
  expect(recycled().length).toBe(1);
  await snap(page, testInfo, 'deleted-undo');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page).toHaveURL(/#\/skills\/add_two_numbers$/);
  expect(fs.existsSync(skillFile(app.graphDir, 'add_two_numbers'))).toBe(true);

  await page.getByRole('toolbar', { name: 'Skill actions' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete add_two_numbers?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('list', { name: 'Skills' })).toHaveCount(0);
  expect(fs.existsSync(skillFile(app.graphDir, 'add_two_numbers'))).toBe(false);
  expect(journalText(app.graphDir)).toMatch(/deleted/);
});
