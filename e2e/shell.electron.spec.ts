// The desktop app in Electron drives the same journeys as browser mode (open, search, run a script that calls a
// tool, save a skill) and what only Electron can show (another window may not call the engine), where an Electron binary, its better-sqlite3 build and a display exist; skipped with the
// reason elsewhere.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { expect, repoRoot, test } from './app';
import { EVERYTHING_SERVER, setCode } from './journey-app';

function electronBinary(): { binary: string } | { reason: string } {
  let binary: string;
  try {
    binary = createRequire(import.meta.url)('electron') as string;
  } catch {
    return { reason: "the Electron binary is not installed here (the electron package's download step did not run)" };
  }
  if (!fs.existsSync(binary)) return { reason: `Electron binary ${binary} is missing` };
  const abi = fs.readFileSync(path.join(repoRoot, 'node_modules/electron/abi_version'), 'utf8').trim();
  if (!fs.existsSync(path.join(repoRoot, '.electron-native', `abi-${abi}`, 'better_sqlite3.node'))) {
    return { reason: `better-sqlite3 is not built for Electron's ABI ${abi} (run node scripts/electron-native.mjs)` };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: 'no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  return { binary };
}

const found = electronBinary();
if ('reason' in found) console.log(`[electron e2e] skipped: ${found.reason}`);

let app: ElectronApplication | undefined;
test.afterEach(async () => {
  await app?.close();
  app = undefined;
});

test('the desktop window: open a fresh graph, search, run a script that calls a tool, save it as a skill', async ({}, testInfo) => {
  test.skip('reason' in found, `Electron e2e skipped: ${'reason' in found ? found.reason : ''}`);
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-electron-'));
  fs.writeFileSync(path.join(data, 'mcp.json'), JSON.stringify({ mcpServers: { everything: EVERYTHING_SERVER } }));
  app = await electron.launch({
    executablePath: (found as { binary: string }).binary,
    args: [path.join(repoRoot, 'dist', 'electron', 'main.mjs'), '--data', data],
  });
  const page = await app.firstWindow();
  const graphDir = path.join(data, 'graph');

  // Open: the UI comes from app://, with nothing of Node in the page and exactly one bridge object.
  await expect(page.getByTestId('status-graph')).toContainText(graphDir);
  expect(page.url()).toMatch(/^app:\/\/skillgraph\//);
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await page.evaluate(() => Object.keys((globalThis as unknown as { skillgraph: object }).skillgraph).sort())).toEqual(['invoke', 'on']);
  expect(await page.evaluate(() => (globalThis as unknown as { skillgraph: { invoke(m: string, i: unknown): Promise<unknown> } }).skillgraph.invoke('nope.nothing', {}))).toMatchObject({
    ok: false,
    error: { code: 'unknown-method' },
  });
  // The IPC trust check on Electron's own objects (electron/main/ipc.ts isMainFrameOf; the URL rules are in
  // hosts.test.ts): a second window on the same app:// page, with the same preload, is refused.
  const fromOtherWindow = await app.evaluate(async ({ BrowserWindow }, preload) => {
    const other = new BrowserWindow({ show: false, webPreferences: { preload, contextIsolation: true, sandbox: true } });
    try {
      await other.loadURL('app://skillgraph/index.html');
      return await other.webContents.executeJavaScript('window.skillgraph.invoke("app.status", {})');
    } finally {
      other.destroy();
    }
  }, path.join(repoRoot, 'dist', 'electron', 'preload.cjs'));
  expect(fromOtherWindow).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  await expect(page.getByTestId('status-servers')).toContainText('1/1 ready', { timeout: 60_000 });
  await page.screenshot({ path: testInfo.outputPath('electron-shell.png') });

  // Search: tool docs are indexed (the index opened with Electron's own better-sqlite3 build).
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Search' });
  await palette.getByRole('combobox', { name: 'Search' }).pressSequentially('sum', { delay: 50 });
  await expect(palette.getByRole('listbox', { name: 'Results' }).getByRole('option').filter({ hasText: 'get-sum' })).toBeVisible();
  await page.keyboard.press('Escape');

  // Run a script that calls a real tool: the sandbox runner is the Electron binary run as Node.
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('link', { name: 'Console' }).click();
  await setCode(page, "import { getSum } from './servers/everything/get_sum';\nconsole.log(JSON.stringify(await getSum({ a: 19, b: 23 })));\n");
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Run status' })).toContainText('succeeded', { timeout: 90_000 });
  await expect(page.getByLabel('Output')).toContainText('42');
  await expect(page.getByRole('list', { name: 'Tool calls' })).toContainText('everything/get-sum');

  // Save it as a skill: the page lands in the graph.
  await page.getByRole('button', { name: 'Save as skill' }).click();
  const save = page.getByRole('dialog', { name: 'Save as skill' });
  await save.getByLabel('Name').fill('sum_in_electron');
  await save.getByLabel('Description').fill('Adds two numbers, saved from the desktop app');
  await save.getByRole('button', { name: 'Save skill' }).click();
  await expect(page.getByRole('heading', { name: 'sum_in_electron' })).toBeVisible();
  expect(fs.readFileSync(path.join(graphDir, 'pages', 'Skills___sum_in_electron.md'), 'utf8')).toMatch(/getSum\(\{ a: 19, b: 23 \}\)/);
  await page.screenshot({ path: testInfo.outputPath('electron-skill.png') });
});
