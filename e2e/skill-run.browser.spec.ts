// Running a skill calls it: the form comes from the parameters in its code (names and types), the result is
// printed, bad input is refused before anything runs, and the Console's buffer is never replaced without a yes.
import { expect, test } from './journey-app';

const SKILL = [
  "import { getSum } from './servers/everything/get_sum';",
  '',
  'export async function addNumbers(input: { a: number; b: number; label?: string }) {',
  '  const sum = await getSum({ a: input.a, b: input.b });',
  "  return { label: input.label ?? 'sum', sum };",
  '}',
].join('\n');

test.use({ viewport: { width: 1024, height: 700 } });

test('Run on a skill with parameters shows a typed form and prints the result', async ({ app, page }) => {
  await page.goto(app.loginUrl);
  await expect(page.getByTestId('status-servers')).toContainText('1/1 ready', { timeout: 60_000 });
  const saved = await page.evaluate(
    async ({ token, code }) => {
      const response = await fetch('/api/skills.save', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ name: 'add_numbers', description: 'Adds two numbers', code, language: 'typescript', tags: ['demo'] }),
      });
      return (await response.json()) as { ok: boolean };
    },
    { token: app.token, code: SKILL },
  );
  expect(saved.ok).toBe(true);

  // The Console holds the person's own work.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();
  const editor = page.getByRole('textbox', { name: 'Code' });
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await editor.fill("console.log('my work in progress');");

  await page.goto(`${app.url}#/skills/add_numbers`);
  await page.getByRole('toolbar', { name: 'Skill actions' }).getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Run add_numbers' });
  await expect(dialog).toContainText('input: { a: number; b: number; label?: string }');
  await dialog.getByRole('button', { name: 'Run add_numbers' }).click();
  await expect(dialog.getByRole('alert')).toContainText('a is required');
  await dialog.getByLabel(/^a/).fill('40');
  await dialog.getByLabel(/^b/).fill('2');
  await dialog.getByLabel(/^label/).fill('answer');
  await dialog.getByRole('button', { name: 'Run add_numbers' }).click();
  const output = dialog.getByLabel('Skill output');
  await expect(output).toContainText('"sum": "The sum of 40 and 2 is 42."', { timeout: 90_000 });
  await expect(output).toContainText('"label": "answer"');
  await expect(dialog.getByRole('region', { name: 'Skill result' })).toContainText('succeeded');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // "Open in Console" asks first; saying no keeps the buffer.
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.getByRole('toolbar', { name: 'Skill actions' }).getByRole('button', { name: 'Open in Console' }).click();
  expect(asked).toContain('Replace the code in the Console');
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();
  await expect(page.getByRole('textbox', { name: 'Code' })).toContainText('my work in progress');
});
