// A server that echoes its token in results, errors and stderr, driven by real code in the sandbox: the token is
// absent from what the code sees, from the run's record and log, and from every file of the data folder.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { fixtureConfig } from '../engine/mcp/fixtures/real-servers';
import { tempDir } from './helpers';

const SECRET = 'sk-live-Leak3dT0kenForTheTest';
const VARIABLE = 'SKILLGRAPH_TEST_LEAKY_TOKEN';
const dir = tempDir();
const data = path.join(dir, 'data');
let engine: Engine;

function filesUnder(root: string): string[] {
  return fs.readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(root, entry.name);
    if (entry.isSymbolicLink()) return [];
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

beforeAll(async () => {
  process.env[VARIABLE] = SECRET;
  engine = await Engine.open({ data, host: 'cli' });
  await engine.serverConfigs.add('leaky', { ...fixtureConfig('leaky'), env: { API_TOKEN: `\${env:${VARIABLE}}` } });
  await engine.reloadServers();
});
afterAll(async () => {
  await engine?.close();
  delete process.env[VARIABLE];
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('secrets from ${env:…} never leave the MCP pool', () => {
  it('masks the token in results, tool errors and JSON-RPC errors the code sees, and in everything stored', async () => {
    const code = [
      "import { leak, leakError, leakRpcError } from './servers/leaky';",
      'console.log(JSON.stringify(await leak({})));',
      'for (const call of [leakError, leakRpcError]) {',
      '  try { await call({}); } catch (error) { console.log(String(error)); }',
      '}',
    ].join('\n');
    const handle = engine.runs.start({ code, language: 'typescript', origin: 'cli' });
    const run = await handle.done;
    await handle.recorded; // the run's records are written after its answer
    expect(run.status, run.stderr).toBe('succeeded');
    expect(run.stdout).toContain('[redacted SKILLGRAPH_TEST_LEAKY_TOKEN]');
    expect(run.stdout).toContain('401 for token [redacted SKILLGRAPH_TEST_LEAKY_TOKEN]');
    expect(run.stdout).toContain('upstream rejected [redacted SKILLGRAPH_TEST_LEAKY_TOKEN]');
    expect(run.stdout + run.stderr).not.toContain(SECRET);

    const files = filesUnder(data);
    expect(files.some((file) => file.endsWith('.calls.json'))).toBe(true);
    expect(files).toContain(run.logPath);
    const base64 = Buffer.from(SECRET).toString('base64');
    const leaking = files.filter((file) => {
      const bytes = fs.readFileSync(file);
      return bytes.includes(SECRET) || bytes.includes(base64);
    });
    expect(leaking).toEqual([]);
    // The generated API holds the tool's description, which named the token.
    const generated = fs.readFileSync(path.join(engine.apiTree.apiDir, 'servers/leaky/leak.ts'), 'utf8');
    expect(generated).toContain('[redacted SKILLGRAPH_TEST_LEAKY_TOKEN]');
  });
});
