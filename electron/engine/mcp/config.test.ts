// mcp.json in the mcpServers shape, imports from Claude Desktop, Cursor and VS Code files, and ${env:X}
// substitution that happens only in memory and names the missing variable.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { offeredRoots, resolveEnv, ServerConfigStore } from './config';
import { McpConfigError, MissingEnvVarError } from './errors';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'skillgraph-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ServerConfigStore', () => {
  it('starts empty, persists added servers in the mcpServers shape and removes them', async () => {
    const store = new ServerConfigStore(dir);
    expect(await store.load()).toEqual({});
    await store.add('memory', { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] });
    await store.add('remote', { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:REMOTE_TOKEN}' } });
    const onDisk = JSON.parse(await readFile(path.join(dir, 'mcp.json'), 'utf8'));
    expect(Object.keys(onDisk.mcpServers)).toEqual(['memory', 'remote']);
    const reloaded = new ServerConfigStore(dir);
    expect(await reloaded.load()).toEqual(store.list());
    expect(await reloaded.remove('memory')).toBe(true);
    expect(await reloaded.remove('memory')).toBe(false);
    expect(Object.keys(await new ServerConfigStore(dir).load())).toEqual(['remote']);
  });

  it('rejects invalid names and configs with a clear error, and reports a malformed file without touching it', async () => {
    const store = new ServerConfigStore(dir);
    await expect(store.add('bad name!', { command: 'x' })).rejects.toThrow('server name `bad name!` is invalid');
    await expect(store.add('ok', { command: '' } as never)).rejects.toThrow(McpConfigError);
    await writeFile(path.join(dir, 'mcp.json'), '{"mcpServers": {"x": {"args": []}}}');
    await expect(store.load()).rejects.toThrow(/not a valid mcpServers file: mcpServers.x: /);
    expect(await readFile(path.join(dir, 'mcp.json'), 'utf8')).toBe('{"mcpServers": {"x": {"args": []}}}');
  });

  it('imports Claude Desktop config, moving literal secrets out into ${env:...} references', async () => {
    const claude = path.join(dir, 'claude_desktop_config.json');
    await writeFile(
      claude,
      JSON.stringify({
        mcpServers: {
          github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_realsecret123', LOG_LEVEL: 'debug' } },
          'bad name': { command: 'x' },
          broken: { args: ['no command'] },
        },
      }),
    );
    const store = new ServerConfigStore(dir);
    await store.load();
    const result = await store.importFile(claude);
    expect(result.imported).toEqual(['github']);
    expect(result.skipped).toEqual([
      { name: 'bad name', reason: 'invalid name: use letters, digits, ".", "_" or "-"' },
      { name: 'broken', reason: 'the entry has neither `command` (stdio) nor `url` (HTTP)' },
    ]);
    expect(result.requiredEnv).toEqual([{ server: 'github', variable: 'GITHUB_PERSONAL_ACCESS_TOKEN', source: 'env.GITHUB_PERSONAL_ACCESS_TOKEN' }]);
    const saved = await readFile(path.join(dir, 'mcp.json'), 'utf8');
    expect(saved).not.toContain('ghp_realsecret123');
    expect(store.list().github).toEqual({
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github'],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${env:GITHUB_PERSONAL_ACCESS_TOKEN}', LOG_LEVEL: 'debug' },
    });
    const again = await store.importFile(claude);
    expect(again.imported).toEqual([]);
    expect(again.skipped).toContainEqual({ name: 'github', reason: 'a server with this name is already configured' });
  });

  it('imports VS Code mcp.json (servers, inputs, comments) and Cursor remote servers', async () => {
    const vscode = path.join(dir, 'mcp.json.vscode');
    await writeFile(
      vscode,
      `{
  // VS Code prompts for inputs; we reference the environment instead
  "inputs": [{ "type": "promptString", "id": "perplexity-key", "description": "Perplexity API Key", "password": true }],
  "servers": {
    "perplexity": { "type": "stdio", "command": "npx", "args": ["-y", "server-perplexity-ask"], "env": { "PERPLEXITY_API_KEY": "\${input:perplexity-key}" } },
    "fetch": { "type": "sse", "url": "http://localhost:3000/sse", }, /* trailing comma above */
  }
}`,
    );
    const cursor = path.join(dir, 'cursor-mcp.json');
    await writeFile(cursor, JSON.stringify({ mcpServers: { linear: { url: 'https://mcp.linear.app/mcp', headers: { Authorization: 'Bearer lin_abc' } } } }));
    const store = new ServerConfigStore(dir);
    await store.load();
    const fromVsCode = await store.importFile(vscode);
    expect(fromVsCode.imported).toEqual(['fetch', 'perplexity']);
    expect(store.list().perplexity).toMatchObject({ env: { PERPLEXITY_API_KEY: '${env:PERPLEXITY_KEY}' } });
    expect(store.list().fetch).toEqual({ type: 'sse', url: 'http://localhost:3000/sse' });
    const fromCursor = await store.importFile(cursor);
    expect(fromCursor.requiredEnv).toEqual([{ server: 'linear', variable: 'LINEAR_AUTHORIZATION', source: 'headers.Authorization' }]);
    expect(store.list().linear).toEqual({ url: 'https://mcp.linear.app/mcp', headers: { Authorization: '${env:LINEAR_AUTHORIZATION}' } });
    expect(await readFile(path.join(dir, 'mcp.json'), 'utf8')).not.toContain('lin_abc');
    await writeFile(path.join(dir, 'other.json'), '{"editor.fontSize": 12}');
    await expect(store.importFile(path.join(dir, 'other.json'))).rejects.toThrow(/no `mcpServers`, `servers` or `mcp.servers`/);
  });
});

describe('reading JSONC', () => {
  it('keeps strings that look like comments or trailing commas intact', async () => {
    const store = new ServerConfigStore(dir);
    await store.load();
    const result = await store.importText(`{
  "mcpServers": {
    // a comment
    "odd": { "command": "node", "args": ["-e", "print([1,2,])", "http://x/*y*/", "a,}"], }, /* trailing comma */
  },
}`);
    expect(result.imported).toEqual(['odd']);
    expect(store.list().odd).toEqual({ command: 'node', args: ['-e', 'print([1,2,])', 'http://x/*y*/', 'a,}'] });
  });

  it('names the line and column of a syntax error and leaves mcp.json untouched', async () => {
    await writeFile(path.join(dir, 'mcp.json'), '{\n  "mcpServers": {\n    "a": { "command": "x" \n  }\n');
    const store = new ServerConfigStore(dir);
    await expect(store.load()).rejects.toThrow(/is not valid JSON: \w+ at line \d+, column \d+/);
    expect(await readFile(path.join(dir, 'mcp.json'), 'utf8')).toContain('"a": { "command": "x"');
  });
});

describe('importing secrets', () => {
  it('moves secrets written in args (--api-key=X, --token X, Bearer X) into ${env:…} references', async () => {
    const store = new ServerConfigStore(dir);
    await store.load();
    const result = await store.importText(
      JSON.stringify({
        mcpServers: {
          brave: { command: 'npx', args: ['-y', 'brave-search', '--api-key=BSA-literal-1', '--token', 'tok-literal-2', '--verbose', '--header', 'Bearer bearer-literal-3'] },
        },
      }),
    );
    expect(result.imported).toEqual(['brave']);
    expect(store.list().brave).toEqual({
      command: 'npx',
      args: ['-y', 'brave-search', '--api-key=${env:BRAVE_API_KEY}', '--token', '${env:BRAVE_TOKEN}', '--verbose', '--header', 'Bearer ${env:BRAVE_TOKEN_2}'],
    });
    expect(result.requiredEnv).toEqual([
      { server: 'brave', variable: 'BRAVE_API_KEY', source: 'args --api-key' },
      { server: 'brave', variable: 'BRAVE_TOKEN', source: 'args --token' },
      { server: 'brave', variable: 'BRAVE_TOKEN_2', source: 'args Bearer', renamedFrom: 'BRAVE_TOKEN' },
    ]);
    const saved = await readFile(path.join(dir, 'mcp.json'), 'utf8');
    for (const literal of ['BSA-literal-1', 'tok-literal-2', 'bearer-literal-3']) expect(saved).not.toContain(literal);
  });

  it('gives two servers with different values of one variable distinct names, and shares a name when the value is the same', async () => {
    const store = new ServerConfigStore(dir);
    await store.load();
    const github = (token: string) => ({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_TOKEN: token } });
    const result = await store.importText(
      JSON.stringify({ mcpServers: { work: github('ghp_work_value'), home: github('ghp_home_value'), search: { command: 'x', env: { SEARCH_KEY: 's-1' } }, search2: { command: 'y', env: { SEARCH_KEY: 's-1' } } } }),
    );
    expect(store.list().work).toMatchObject({ env: { GITHUB_TOKEN: '${env:GITHUB_TOKEN_WORK}' } });
    expect(store.list().home).toMatchObject({ env: { GITHUB_TOKEN: '${env:GITHUB_TOKEN_HOME}' } });
    expect(store.list().search).toMatchObject({ env: { SEARCH_KEY: '${env:SEARCH_KEY}' } });
    expect(store.list().search2).toMatchObject({ env: { SEARCH_KEY: '${env:SEARCH_KEY}' } });
    expect(result.requiredEnv).toContainEqual({ server: 'work', variable: 'GITHUB_TOKEN_WORK', source: 'env.GITHUB_TOKEN', renamedFrom: 'GITHUB_TOKEN' });
    expect(result.requiredEnv).toContainEqual({ server: 'home', variable: 'GITHUB_TOKEN_HOME', source: 'env.GITHUB_TOKEN', renamedFrom: 'GITHUB_TOKEN' });

    // A later import cannot know the value behind an existing ${env:SEARCH_KEY}, so it does not reuse the name.
    const later = await store.importText(JSON.stringify({ mcpServers: { other: { command: 'z', env: { SEARCH_KEY: 's-2' } } } }));
    expect(store.list().other).toMatchObject({ env: { SEARCH_KEY: '${env:SEARCH_KEY_OTHER}' } });
    expect(later.requiredEnv).toEqual([{ server: 'other', variable: 'SEARCH_KEY_OTHER', source: 'env.SEARCH_KEY', renamedFrom: 'SEARCH_KEY' }]);
    const saved = await readFile(path.join(dir, 'mcp.json'), 'utf8');
    for (const literal of ['ghp_work_value', 'ghp_home_value', 's-1', 's-2']) expect(saved).not.toContain(literal);
  });
});

describe('resolveEnv', () => {
  it('substitutes ${env:NAME} in every string and names a missing variable', () => {
    const config = { command: 'node', args: ['--token=${env:TOKEN}'], env: { KEY: '${env:KEY}', PLAIN: 'x' } };
    expect(resolveEnv(config, { TOKEN: 't1', KEY: 'k1' })).toEqual({ command: 'node', args: ['--token=t1'], env: { KEY: 'k1', PLAIN: 'x' } });
    expect(config.args[0]).toBe('--token=${env:TOKEN}');
    expect(() => resolveEnv(config, { TOKEN: 't1' }, 'github')).toThrow(MissingEnvVarError);
    expect(() => resolveEnv(config, { TOKEN: 't1' }, 'github')).toThrow('server `github` needs environment variable KEY, which is not set');
  });
});

describe('roots in mcp.json', () => {
  it('keeps a server\'s roots (paths, file:// URIs, ${env:…}) and refuses a relative path or another scheme, naming the root', async () => {
    const store = new ServerConfigStore(dir);
    await store.add('files', { command: 'node', roots: ['/home/me/projects', 'file:///srv/shared', '${env:HOME}/notes'] });
    expect((await new ServerConfigStore(dir).load()).files.roots).toEqual(['/home/me/projects', 'file:///srv/shared', '${env:HOME}/notes']);
    await expect(store.add('relative', { command: 'node', roots: ['projects'] })).rejects.toThrow(/roots\.0: a root is an absolute path .* or a file:\/\/ URI/);
    await expect(store.add('web', { url: 'https://mcp.example.com/mcp', roots: ['https://example.com/'] })).rejects.toThrow(/roots\.0: a root is an absolute path/);
  });

  it('offers paths as file:// URIs named by their folder, after ${env:…} substitution, and refuses what is not a folder URI', () => {
    const config = resolveEnv({ command: 'node', roots: ['/home/me/my projects', 'file:///srv/shared/', '${env:WORK}/src'] }, { WORK: '/work' });
    expect(offeredRoots(config.roots!, 'files')).toEqual([
      { uri: 'file:///home/me/my%20projects', name: 'my projects' },
      { uri: 'file:///srv/shared/', name: 'shared' },
      { uri: 'file:///work/src', name: 'src' },
    ]);
    expect(() => offeredRoots(['relative/dir'], 'files')).toThrow('server `files` has a root that is not an absolute path on this system or a file:// URI: relative/dir');
    expect(() => offeredRoots(['file://remote-host/share'], 'files')).toThrow(/not a valid file:\/\/ URI/);
  });
});
