// Cold start as an agent and a terminal meet it: `skillgraph mcp` lists its tools without starting any configured MCP
// server, and `skillgraph search` finds a page edited while no Skillgraph process ran.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const tsxCli = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const cliEntry = path.join(root, 'electron', 'cli', 'main.ts');
const memoryServer = path.join(root, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-cold-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Command lines of every process below `pid` (Linux /proc), to see what the gateway has started. */
function descendants(pid: number): string[] {
  const found: string[] = [];
  const visit = (parent: number) => {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      const children = fs.readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      for (const child of children) {
        found.push(fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

const cli = promisify(execFile);

describe('cold start', () => {
  it('the gateway answers initialize and tools/list with 12 servers configured and none started', async () => {
    const dir = tempRoot();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    const servers = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`memory${i}`, { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: path.join(dir, `m${i}.json`) } }]));
    fs.writeFileSync(path.join(data, 'mcp.json'), JSON.stringify({ mcpServers: servers }));
    const transport = new StdioClientTransport({ command: process.execPath, args: [tsxCli, cliEntry, 'mcp', '--data', data], cwd: root, stderr: 'pipe' });
    const client = new Client({ name: 'cold-start-test', version: '1.0.0' });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['execute_code', 'list_api', 'read_api', 'save_skill', 'search_skills', 'search_tools']);
    // tsx runs the CLI in a child of its own, with esbuild's transform service beside it (the built CLI has neither);
    // apart from those, nothing: no MCP server, no sandbox runner.
    const below = descendants(transport.pid!);
    expect(below.filter((cmd) => cmd.includes('server-memory'))).toEqual([]);
    expect(below.filter((cmd) => !cmd.includes(cliEntry) && !/esbuild\S* --service/.test(cmd))).toEqual([]);
  });

  it('search finds a page edited while no Skillgraph process ran, and forgets one deleted', async () => {
    const dir = tempRoot();
    const graph = path.join(dir, 'graph');
    const data = path.join(dir, 'data');
    const search = async (query: string) => {
      const { stdout } = await cli(process.execPath, [tsxCli, cliEntry, 'search', query, '--json', '--graph', graph, '--data', data], { cwd: root });
      return (JSON.parse(stdout) as { hits: Array<{ title: string }> }).hits.map((hit) => hit.title);
    };
    await cli(process.execPath, [tsxCli, cliEntry, 'init', '--graph', graph, '--data', data], { cwd: root });
    fs.writeFileSync(path.join(graph, 'pages', 'Harbour.md'), '- ships and cranes\n');
    expect(await search('cranes')).toEqual(['Harbour']);

    fs.writeFileSync(path.join(graph, 'pages', 'Harbour.md'), '- lighthouse keepers only\n');
    expect(await search('lighthouse')).toEqual(['Harbour']);
    expect(await search('cranes')).toEqual([]);

    fs.rmSync(path.join(graph, 'pages', 'Harbour.md'));
    expect(await search('lighthouse')).toEqual([]);
  });
});
