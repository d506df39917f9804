// `skillgraph servers …` and `api generate` as a user runs them: imports that keep secrets out of mcp.json and say
// which variables to set, a list that never prints a secret, and a generate that fails loudly when a server fails.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureServer } from '../engine/mcp/fixtures/real-servers';
import { runCliCapturing, tempDir } from './helpers';

const cli = runCliCapturing;

const SECRETS = ['ghp_work_0123456789', 'ghp_home_9876543210', 'BSA-argument-secret', 'literal-added-secret'];

describe('skillgraph servers', () => {
  it('imports secrets as distinct ${env:…} names, says which to set, and never prints a secret in servers list', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const where = ['--graph', path.join(dir, 'graph'), '--data', data];
    expect((await cli(['init', ...where])).code).toBe(0);
    const file = path.join(dir, 'claude_desktop_config.json');
    const github = (token: string) => ({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_TOKEN: token } });
    fs.writeFileSync(file, JSON.stringify({ mcpServers: { work: github(SECRETS[0]), home: github(SECRETS[1]), brave: { command: 'npx', args: ['brave-search', `--api-key=${SECRETS[2]}`] } } }));

    const imported = await cli(['servers', 'import', file, ...where]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported 3 server(s): brave, home, work.');
    expect(imported.stdout).toContain('Set these environment variables');
    expect(imported.stdout).toMatch(/GITHUB_TOKEN_WORK\s+for work; the imported file had it in env\.GITHUB_TOKEN; named per server/);
    expect(imported.stdout).toMatch(/GITHUB_TOKEN_HOME\s+for home/);
    expect(imported.stdout).toMatch(/BRAVE_API_KEY\s+for brave; the imported file had it in args --api-key/);

    const added = await cli(['servers', 'add', 'manual', '--env', `API_TOKEN=${SECRETS[3]}`, ...where, '--', 'node', 'server.js']);
    expect(added.code).toBe(0);
    const listed = await cli(['servers', 'list', ...where]);
    const listedJson = await cli(['servers', 'list', '--json', ...where]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('--api-key=${env:BRAVE_API_KEY}');
    expect(JSON.parse(listedJson.stdout).find((row: { name: string }) => row.name === 'manual').config.env).toEqual({ API_TOKEN: '[redacted env.API_TOKEN]' });
    const printed = [imported, added, listed, listedJson].map((r) => r.stdout + r.stderr).join('\n');
    for (const secret of SECRETS) expect(printed).not.toContain(secret);
    // The imported ones are not on disk either; the one the user added literally is theirs to keep.
    const onDisk = fs.readFileSync(path.join(data, 'mcp.json'), 'utf8');
    for (const secret of SECRETS.slice(0, 3)) expect(onDisk).not.toContain(secret);
  });

  it('api generate exits non-zero and names the servers that failed, while writing the others', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const where = ['--graph', path.join(dir, 'graph'), '--data', data];
    expect((await cli(['init', ...where])).code).toBe(0);
    expect((await cli(['servers', 'add', 'healthy', ...where, '--', process.execPath, fixtureServer, 'paginated'])).code).toBe(0);
    expect((await cli(['servers', 'add', 'broken', ...where, '--', process.execPath, '-e', "console.error('no credentials'); process.exit(1)"])).code).toBe(0);
    const generated = await cli(['api', 'generate', ...where]);
    expect(generated.code).toBe(1);
    expect(generated.stderr).toContain('1 server(s) failed: broken');
    expect(generated.stdout).toMatch(/broken\s+failed: .*no credentials/);
    expect(generated.stdout).toMatch(/healthy\s+ready \(5 tools\)/);
    expect(fs.existsSync(path.join(data, 'api', 'servers', 'healthy'))).toBe(true);
  });

  it('api generate --out prints the counts of the tree it wrote there, and starts a failing server no more often than without --out', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const where = ['--graph', path.join(dir, 'graph'), '--data', data];
    const starts = path.join(dir, 'broken-starts.txt');
    expect((await cli(['init', ...where])).code).toBe(0);
    expect((await cli(['servers', 'add', 'healthy', ...where, '--', process.execPath, fixtureServer, 'paginated'])).code).toBe(0);
    const broken = `require('fs').appendFileSync(${JSON.stringify(starts)}, 'start\\n'); process.exit(1)`;
    expect((await cli(['servers', 'add', 'broken', ...where, '--', process.execPath, '-e', broken])).code).toBe(0);
    const startCount = () => (fs.existsSync(starts) ? fs.readFileSync(starts, 'utf8').split('\n').filter(Boolean).length : 0);

    expect((await cli(['api', 'generate', ...where])).code).toBe(1);
    const startsWithoutOut = startCount();
    fs.rmSync(starts, { force: true });
    const out = path.join(dir, 'elsewhere');
    const generated = await cli(['api', 'generate', '--out', out, ...where]);
    expect(generated.code).toBe(1);
    expect(startCount()).toBe(startsWithoutOut);
    const filesInOut = (fs.readdirSync(path.join(out, 'servers'), { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((entry) => entry.isFile()).length;
    // The app's own tree was already current (nothing written there); the --out tree is new, every file written.
    expect(generated.stdout).toContain(`API tree in ${path.join(out, 'servers')}: 5 tools, ${filesInOut} files written, 0 unchanged, 0 removed.`);
    expect(fs.existsSync(path.join(out, 'servers', 'healthy', 'tool_0.ts'))).toBe(true);
  });
});
