// Approvals journey: the user requires approval in Settings; an agent connected to the real gateway (`skillgraph mcp`
// over stdio, sharing the app's data folder) runs code calling server-memory's writing create_entities; the app shows
// the waiting call, the user allows it from the keyboard (the entity lands in the memory file) and denies the next one
// (nothing is written). The Console's run history shows the gateway runs live, with their context ledger.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { test as base, type Page } from '@playwright/test';
import { repoRoot, snap, startApp, stopApp, type RunningApp } from './app';
import { expect, MEMORY_SERVER } from './journey-app';

interface Setup {
  app: RunningApp;
  memoryFile: string;
}

const test = base.extend<{ setup: Setup }>({
  setup: async ({}, use) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-approvals-'));
    const dataDir = path.join(root, 'data');
    const memoryFile = path.join(root, 'memory.jsonl');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'mcp.json'), JSON.stringify({ mcpServers: { memory: { ...MEMORY_SERVER, env: { MEMORY_FILE_PATH: memoryFile } } } }, null, 2));
    const app = await startApp({ dataDir });
    await use({ app, memoryFile });
    await stopApp(app);
  },
});

/** An agent: the SDK's Client spawning the gateway the way Claude Desktop would, on the app's data folder and graph. */
async function connectAgent(app: RunningApp): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(repoRoot, 'bin', 'skillgraph.js'), 'mcp', '--data', app.dataDir, '--graph', app.graphDir],
    cwd: repoRoot,
    env: { ...(process.env as Record<string, string>), SKILLGRAPH_DATA: '', SKILLGRAPH_GRAPH: '' },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'approvals-e2e-agent', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

async function executeCode(client: Client, code: string): Promise<string> {
  const result = (await client.callTool({ name: 'execute_code', arguments: { code, language: 'typescript' } }, undefined, { timeout: 180_000 })) as CallToolResult;
  return result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
}

const createEntity = (name: string) =>
  [
    "import { createEntities } from './servers/memory';",
    `const created = await createEntities({ entities: [{ name: '${name}', entityType: 'person', observations: ['added by the approvals test'] }] });`,
    // Print less than the tool returned, so the ledger has something kept out of context.
    "console.log('created', created.entities.map((entity) => entity.name).join(', '));",
  ].join('\n');

const memoryEntities = (file: string): string[] =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; name?: string })
        .filter((item) => item.type === 'entity')
        .map((item) => item.name ?? '')
    : [];

const runIdOf = (answer: string) => /run (\S+): /.exec(answer)?.[1];

async function pendingApproval(page: Page) {
  const banner = page.getByRole('region', { name: /wants to call a writing tool/ });
  await expect(banner).toBeVisible({ timeout: 120_000 });
  return banner.getByRole('listitem', { name: /^memory\/create_entities for run / });
}

test('approval required in Settings; an agent run waits, is allowed from the keyboard, then a second one is denied', async ({ setup, page }, testInfo) => {
  const { app, memoryFile } = setup;
  await page.goto(app.loginUrl);

  // Settings, reached from the status bar, show the values on disk and save each change at once.
  await page.getByTestId('status-approvals').click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const requireApproval = page.getByRole('checkbox', { name: 'Require approval before a run calls a writing tool' });
  await expect(requireApproval).not.toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Filter personal data out of gateway output' })).toBeChecked();
  await expect(page.getByRole('radio', { name: /^Local/ })).toBeChecked();
  await requireApproval.check();
  await expect(page.getByRole('status').filter({ hasText: 'saved' })).toBeVisible();
  await expect(page.getByTestId('status-approvals')).toHaveText('Approvals: required');
  expect(JSON.parse(fs.readFileSync(path.join(app.dataDir, 'config.json'), 'utf8'))).toMatchObject({ requireApproval: true });
  await snap(page, testInfo, 'settings-approval-on');

  const agent = await connectAgent(app);
  try {
    // Allow: the run waits for the user, then the memory server writes the entity.
    const allowedAnswer = executeCode(agent.client, createEntity('Ada Lovelace'));
    const waiting = await pendingApproval(page);
    await expect(waiting.getByLabel('Arguments of memory/create_entities')).toContainText('Ada Lovelace');
    expect(memoryEntities(memoryFile)).not.toContain('Ada Lovelace');
    await expect(page.getByTestId('status-approvals')).toHaveText('Approvals: required, 1 waiting');

    // While it waits, the run already shows in the Console's history as a running agent run.
    await page.goto(`${app.url}#/console/runs`);
    const gatewayRows = page.getByRole('table', { name: 'Recent runs' }).getByRole('row').filter({ hasText: 'Agent (gateway)' });
    await expect(gatewayRows.first()).toContainText('running', { timeout: 30_000 });
    await snap(page, testInfo, 'approval-waiting');

    const origin = page.getByRole('combobox', { name: 'Origin' });
    await origin.focus();
    await page.keyboard.press('Alt+Shift+A');
    await expect(page.getByRole('button', { name: 'Allow memory/create_entities' })).toBeFocused();
    await page.keyboard.press('Enter');
    const allowed = await allowedAnswer;
    expect(allowed).toContain('succeeded');
    expect(allowed).toContain('Ada Lovelace');
    await expect(page.getByRole('region', { name: /wants to call a writing tool/ })).toHaveCount(0);
    await expect(origin).toBeFocused(); // back where the user was before the shortcut
    expect(memoryEntities(memoryFile)).toContain('Ada Lovelace');

    // The finished run, with its ledger, without reloading the page.
    const allowedRunId = runIdOf(allowed)!;
    expect(allowedRunId).toBeTruthy();
    const allowedRow = page.getByRole('row').filter({ hasText: allowedRunId });
    await expect(allowedRow).toContainText('succeeded', { timeout: 30_000 });
    await expect(allowedRow).toContainText('Agent (gateway)');
    await allowedRow.getByRole('link').click();
    const detail = page.getByRole('region', { name: `Run ${allowedRunId}` });
    await expect(detail.getByLabel('Run output')).toContainText('Ada Lovelace');
    await expect(detail.getByRole('term').filter({ hasText: 'Tool calls' }).locator('xpath=following-sibling::dd[1]')).toHaveText('1');
    const ledger = detail.getByRole('region', { name: 'Context ledger' });
    const [received, printed, kept] = (await ledger.locator('strong').allTextContents()).map((n) => Number(n.replace(/\D/g, '')));
    expect(received).toBeGreaterThan(printed);
    expect(kept).toBe(received - printed);
    await expect(allowedRow.getByRole('cell').last()).toHaveText(kept.toLocaleString('en-US'));
    await snap(page, testInfo, 'run-detail-allowed');

    // Deny: the call is refused, the agent is told why, and nothing reaches the memory file.
    const deniedAnswer = executeCode(agent.client, createEntity('Charles Babbage'));
    const second = await pendingApproval(page);
    await expect(second.getByLabel('Arguments of memory/create_entities')).toContainText('Charles Babbage');
    await snap(page, testInfo, 'approval-deny');
    await second.getByRole('button', { name: 'Deny memory/create_entities' }).click();
    const denied = await deniedAnswer;
    expect(denied).toContain('the user denied memory/create_entities');
    expect(memoryEntities(memoryFile)).not.toContain('Charles Babbage');
    expect(memoryEntities(memoryFile)).toContain('Ada Lovelace');
    const deniedRow = page.getByRole('row').filter({ hasText: runIdOf(denied)! });
    await expect(deniedRow).toBeVisible({ timeout: 30_000 });
    await expect(deniedRow).toContainText('Agent (gateway)');
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- gateway stderr ---\n${agent.stderr().slice(-4000)}`);
  } finally {
    await agent.client.close();
  }
});
