// Starts the real app for the UI journeys with real MCP servers from npm configured before start
// (<data>/mcp.json in the mcpServers shape), helpers to read what the app wrote into the graph, and to type
// code into the Console.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { repoRoot, startApp, stopApp, type RunningApp } from './app';

export const EVERYTHING_SERVER = { command: process.execPath, args: [path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'] };
export const MEMORY_SERVER = { command: process.execPath, args: [path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js')] };

export async function startAppWithServers(servers: Record<string, unknown>): Promise<RunningApp> {
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-ui-')), 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'mcp.json'), JSON.stringify({ mcpServers: servers }, null, 2));
  return startApp({ dataDir });
}

/** All Markdown files of the graph (pages, journals, recycle bin), relative path -> content. */
export function graphFiles(graphDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) files.set(path.relative(graphDir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(graphDir);
  return files;
}

/** Replaces everything in the Console's code editor with `code`. */
export async function setCode(page: Page, code: string) {
  const editor = page.getByRole('textbox', { name: 'Code' });
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await editor.fill(code);
}

export const test = base.extend<{ app: RunningApp }>({
  app: async ({}, use) => {
    const app = await startAppWithServers({ everything: EVERYTHING_SERVER });
    await use(app);
    await stopApp(app);
  },
});

export { expect };
