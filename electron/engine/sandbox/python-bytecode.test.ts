// The API tree's Python bytecode, specified on the real local sandbox: the host compiles the tree's modules into a
// folder of its own (compile_api.py) and runs load that bytecode while it matches the source; a run cannot write it,
// so no run can plant code that a later run would import.
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSandboxBackend } from './local-backend';
import { RunManager } from './runs';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';

let fixture: SandboxFixture;
let backend: LocalSandboxBackend;
let runs: RunManager;
let probe: string;
let probeBytecode: string;

const python = async (code: string) => {
  const result = await runs.start({ code, language: 'python', origin: 'app' }).done;
  expect(result.stderr).toBe('');
  return result.stdout.trim();
};

beforeAll(async () => {
  fixture = await createSandboxFixture();
  // A module of the tree, there before the Python runner starts (as generated modules are): it is compiled then.
  probe = path.join(fixture.apiDir, 'servers', 'probe.py');
  writeFileSync(probe, 'VALUE = "compiled"\n');
  backend = new LocalSandboxBackend();
  runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', backends: { local: backend } });
  await runs.warmUp('default', ['python']);
  probeBytecode = path.join(backend.apiBytecodeDir(fixture.apiDir), 'servers', 'probe.pyc');
}, 120_000);
afterAll(async () => {
  await runs?.dispose();
  await fixture?.cleanup();
});

describe("the API tree's Python bytecode", () => {
  it('is made by the host for every module of the tree, outside the tree', () => {
    expect(backend.apiBytecodeProblem).toBeUndefined();
    expect(statSync(probeBytecode).size).toBeGreaterThan(16);
    expect(statSync(path.join(backend.apiBytecodeDir(fixture.apiDir), 'servers', 'everything', 'echo.pyc')).isFile()).toBe(true);
    expect(probeBytecode.startsWith(fixture.apiDir)).toBe(false);
  });

  it('is what a run imports while it matches the source, and the source is compiled once it does not', async () => {
    const { mtime } = statSync(probe);
    // Same size and time as the compiled source: only the bytecode can still say "compiled".
    writeFileSync(probe, 'VALUE = "modified"\n');
    utimesSync(probe, mtime, mtime);
    expect(await python('from servers.probe import VALUE\nprint(VALUE)')).toBe('compiled');
    // A regenerated module has another time: its bytecode no longer counts.
    const later = new Date(mtime.getTime() + 5_000);
    utimesSync(probe, later, later);
    expect(await python('from servers.probe import VALUE\nprint(VALUE)')).toBe('modified');
    // The echo wrapper loads from its bytecode and still calls the real server.
    expect(await python('from servers.everything import echo\nprint(await echo({"message": "hi"}))')).toContain('Echo: hi');
  });

  it('cannot be written by a run, so no run plants code for a later one', async () => {
    const before = readFileSync(probeBytecode);
    const attempt = await python(
      `import os\nfor target in [${JSON.stringify(probeBytecode)}, ${JSON.stringify(path.join(path.dirname(probeBytecode), 'planted.pyc'))}]:\n    try:\n        with open(target, "wb") as f:\n            f.write(b"planted")\n        print("written")\n    except OSError as error:\n        print(type(error).__name__)`,
    );
    expect(attempt).toMatch(/^\w*Error\n\w*Error$/); // both refused (a read-only file system)
    expect(readFileSync(probeBytecode).equals(before)).toBe(true);
  });
});
