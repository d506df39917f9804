// Test and benchmark fixture: real MCP servers (server-everything, server-filesystem) in a real McpPool, the real
// generated API tree in a temporary data folder, and a ToolCaller over the pool.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { McpPool, generateApiTree } from '../mcp';
import { poolToolCaller } from './pool-tool-caller';
import type { ToolCaller } from './types';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const EVERYTHING_SERVER = path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM_SERVER = path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

export interface SandboxFixture {
  dataDir: string;
  apiDir: string;
  /** Folder the filesystem server may read and write (outside the sandbox's reach). */
  sharedDir: string;
  pool: McpPool;
  tools: ToolCaller;
  cleanup(): Promise<void>;
}

export { poolToolCaller };

export async function createSandboxFixture(): Promise<SandboxFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sg-sandbox-'));
  const apiDir = path.join(dataDir, 'api');
  const sharedDir = path.join(dataDir, 'shared');
  mkdirSync(path.join(apiDir, 'skills'), { recursive: true });
  mkdirSync(sharedDir, { recursive: true });
  const pool = new McpPool({
    configs: {
      everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] },
      filesystem: { command: process.execPath, args: [FILESYSTEM_SERVER, sharedDir] },
    },
  });
  const catalog = new Map([
    ['everything', await pool.listTools('everything')],
    ['filesystem', await pool.listTools('filesystem')],
  ]);
  await generateApiTree(apiDir, catalog);
  return {
    dataDir,
    apiDir,
    sharedDir,
    pool,
    tools: poolToolCaller(pool),
    async cleanup() {
      await pool.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
