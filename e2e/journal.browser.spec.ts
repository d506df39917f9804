// Journal journey: days of skill events newest first, an agent's skill highlighted with its agent, run and
// servers, approved right from the journal (the page's status changes on disk) and opened for editing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { repoRoot, snap, startApp, stopApp } from './app';
import { expect } from './journey-app';

function graphWithAgentSkill(): string {
  const graphDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-journal-')), 'graph');
  fs.cpSync(path.join(repoRoot, 'logseq-template'), graphDir, { recursive: true });
  fs.mkdirSync(path.join(graphDir, 'journals'), { recursive: true });
  const skill = (name: string, source: string) =>
    [`type:: skill`, `description:: ${name} for the journal test`, `status:: draft`, `source:: ${source}`, `servers:: everything`, '', '- ## Code', "\t- ```ts\n\t  console.log('hi');\n\t  ```", ''].join('\n');
  fs.writeFileSync(path.join(graphDir, 'pages', 'Skills___fetch_weather.md'), skill('fetch_weather', 'agent [[Claude Desktop]]'));
  fs.writeFileSync(path.join(graphDir, 'pages', 'Skills___old_report.md'), skill('old_report', 'person'));
  const event = (name: string, actor: string[], at: string, extra: string[]) =>
    [`- Skill [[Skills/${name}]] created`, `  type:: skill-event`, `  action:: created`, `  skill:: [[Skills/${name}]]`, ...actor, `  at:: ${at}`, ...extra, ''].join('\n');
  fs.writeFileSync(path.join(graphDir, 'journals', '2026_01_03.md'), event('old_report', ['  actor:: person'], '2026-01-03T09:00:00.000Z', []));
  fs.writeFileSync(
    path.join(graphDir, 'journals', '2026_01_05.md'),
    event('fetch_weather', ['  actor:: agent', '  agent:: Claude Desktop'], '2026-01-05T10:00:00.000Z', ['  run:: run-abc123', '  servers:: everything']),
  );
  return graphDir;
}

const test = base.extend<{ graphDir: string }>({
  graphDir: async ({}, use) => use(graphWithAgentSkill()),
});

test('review an agent-created skill from the journal', async ({ page, graphDir }, testInfo) => {
  const app = await startApp({ graphDir });
  try {
    await page.goto(app.loginUrl);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Journal', exact: true }).click();
    const days = page.locator('.journal-day h2');
    await expect(days).toHaveText(['2026-01-05', '2026-01-03']);

    const entry = page.getByRole('listitem', { name: 'created fetch_weather' });
    await expect(entry).toHaveClass(/by-agent/);
    await expect(entry).toContainText('agent Claude Desktop');
    await expect(entry).toContainText('run run-abc123');
    await expect(entry).toContainText('servers: everything');
    await expect(page.getByRole('listitem', { name: 'created old_report' })).not.toHaveClass(/by-agent/);
    await snap(page, testInfo, 'journal-agent');

    await entry.getByRole('button', { name: 'Approve fetch_weather' }).click();
    const file = path.join(graphDir, 'pages', 'Skills___fetch_weather.md');
    await expect.poll(() => fs.readFileSync(file, 'utf8')).toMatch(/status:: approved/);
    await expect(entry.getByText('approved', { exact: true })).toBeVisible();

    await entry.getByRole('button', { name: 'Edit fetch_weather' }).click();
    await expect(page).toHaveURL(/#\/skills\/fetch_weather\/edit$/);
    await expect(page.getByRole('form', { name: 'Edit skill' })).toBeVisible();
  } finally {
    await stopApp(app);
  }
});
