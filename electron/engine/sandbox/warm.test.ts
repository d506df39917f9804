// What makes the first output fast, checked for correctness (speed itself is in bench/sandbox.bench.ts): runs start on
// runners started ahead (also right after another run; a short run's replacement starts after its answer, a longer
// one's while it runs), the kept type-checker and bundler see a regenerated API tree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiTree } from '../mcp';
import { Bundler } from './bundle';
import { LocalSandboxBackend } from './local-backend';
import { RunManager } from './runs';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';
import { TypeChecker } from './typecheck';

describe('runners started ahead', () => {
  let fixture: SandboxFixture;
  let backend: LocalSandboxBackend;
  let runs: RunManager;
  beforeAll(async () => {
    fixture = await createSandboxFixture();
    backend = new LocalSandboxBackend();
    runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', backends: { local: backend } });
  });
  afterAll(async () => {
    await runs?.dispose();
    await fixture?.cleanup();
  });

  const hello = { typescript: `const who: string = 'ts';\nconsole.log(who);`, javascript: `console.log('js');`, python: `print('py')` };

  for (const language of ['typescript', 'javascript', 'python'] as const) {
    it(`runs ${language} on the runner warmUp prepared and starts the next one by the time it is recorded`, async () => {
      await runs.warmUp('default', [language]);
      const ready = backend.runnersStarted;
      for (let run = 1; run <= 3; run++) {
        const handle = runs.start({ code: hello[language], language, origin: 'app' });
        const result = await handle.done;
        expect(result.status).toBe('succeeded');
        // The replacement starts 100 ms into the run, or after its answer (this one is short): with its teardown.
        await handle.recorded;
        // Exactly one more: the replacement. A run that started its own runner would make it two.
        expect(backend.runnersStarted).toBe(ready + run);
        await runs.warmUp('default', [language]); // waits for the replacement to be ready, starts none
        expect(backend.runnersStarted).toBe(ready + run);
      }
    });
  }

  it('starts the replacement while a longer run still runs (100 ms into it)', async () => {
    await runs.warmUp('default', ['javascript']);
    const ready = backend.runnersStarted;
    const handle = runs.start({ code: `await new Promise((resolve) => setTimeout(resolve, 400));\nconsole.log('long');`, language: 'javascript', origin: 'app' });
    const result = await handle.done;
    expect(result.stdout).toBe('long\n');
    // Started during the run, before its answer and teardown.
    expect(backend.runnersStarted).toBe(ready + 1);
    await handle.recorded;
    expect(backend.runnersStarted).toBe(ready + 1);
  });

  it('keeps a node spare each for back-to-back TypeScript and JavaScript runs, so neither waits for a runner', async () => {
    await runs.warmUp('default', ['typescript', 'javascript']);
    const started = backend.runnersStarted;
    const waited = backend.runsThatWaited;
    const tsRun = runs.start({ code: hello.typescript, language: 'typescript', origin: 'app' });
    const ts = await tsRun.done;
    // Straight after: the replacement for the TypeScript run is not ready (nor maybe started); the second spare is.
    const jsRun = runs.start({ code: hello.javascript, language: 'javascript', origin: 'app' });
    const js = await jsRun.done;
    expect([ts.stdout, js.stdout]).toEqual(['ts\n', 'js\n']);
    expect(backend.runsThatWaited).toBe(waited);
    await Promise.all([tsRun.recorded, jsRun.recorded]);
    expect(backend.runnersStarted).toBe(started + 2);
  });

  it('makes the sandbox command once per workspace, yet gives each runner its own TMPDIR', async () => {
    const session = 'one-command';
    await runs.warmUp(session, ['javascript']);
    const made = backend.sandboxCommandsBuilt;
    const code = `import os from 'node:os';\nimport fs from 'node:fs';\nfs.writeFileSync(os.tmpdir() + '/mine', '1');\nconsole.log(os.tmpdir(), fs.readdirSync(os.tmpdir()).join(','));`;
    const first = await runs.start({ code, language: 'javascript', session, origin: 'app' }).done;
    const second = await runs.start({ code, language: 'javascript', session, origin: 'app' }).done;
    await runs.warmUp(session, ['javascript']);
    // Four runners of this workspace so far (two spares, two replacements), none of them needing a new command.
    expect(backend.sandboxCommandsBuilt).toBe(made);
    const [firstTmp, firstFiles] = first.stdout.trim().split(' ');
    const [secondTmp, secondFiles] = second.stdout.trim().split(' ');
    expect(firstTmp).not.toBe(secondTmp);
    expect([firstFiles, secondFiles]).toEqual(['mine', 'mine']); // the second run does not see the first one's file
  });

  it('gives every run its own process: a runner is never reused after a run', async () => {
    await runs.warmUp('default', ['javascript']);
    const first = await runs.start({ code: `globalThis.mark = 1; console.log(typeof globalThis.mark);`, language: 'javascript', origin: 'app' }).done;
    const second = await runs.start({ code: `console.log(typeof globalThis.mark);`, language: 'javascript', origin: 'app' }).done;
    expect(first.stdout).toBe('number\n');
    expect(second.stdout).toBe('undefined\n');
  });
});

describe('the kept type-checker and bundler', () => {
  let apiDir: string;
  const greetTool = (property: string): Tool => ({
    name: 'greet',
    description: 'Greets someone.',
    inputSchema: { type: 'object', properties: { [property]: { type: 'string' } }, required: [property] },
  });
  beforeAll(() => {
    apiDir = mkdtempSync(path.join(tmpdir(), 'sg-warm-api-'));
  });
  afterAll(() => rmSync(apiDir, { recursive: true, force: true }));

  it('check against the API tree as it is now, after it is regenerated', async () => {
    await generateApiTree(apiDir, new Map([['demo', [greetTool('name')]]]));
    const checker = new TypeChecker(apiDir);
    const code = `import { greet } from './servers/demo';\nawait greet({ name: 'Ada' });`;
    expect(await checker.check(code)).toEqual([]);
    await generateApiTree(apiDir, new Map([['demo', [greetTool('person')]]]));
    const diagnostics = await checker.check(code);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0].message).toMatch(/name|person/);
    checker.dispose();
  });

  it('bundle what the API tree holds now, and strip types of code that imports nothing', async () => {
    await generateApiTree(apiDir, new Map([['demo', [greetTool('name')]]]));
    const bundler = new Bundler(apiDir);
    try {
      const code = `import { greet } from './servers/demo';\nconst who: string = 'Ada';\nawait greet({ name: who });`;
      expect((await bundler.bundle(code, 'typescript')).code).toContain('"greet"');
      await generateApiTree(apiDir, new Map([['demo', [greetTool('name'), { ...greetTool('name'), name: 'wave' }]]]));
      const both = await bundler.bundle(`import { greet, wave } from './servers/demo';\nawait greet({ name: 'a' }); await wave({ name: 'b' });`, 'typescript');
      expect(both.code).toContain('"wave"');
      const plain = await bundler.bundle(`const who: string = 'Ada';\nconsole.log(who);`, 'typescript');
      expect(plain.code).toContain('console.log(who)');
      expect(plain.code).not.toContain(': string');
      await expect(bundler.bundle(`import { nothing } from './servers/missing';\nnothing();`, 'typescript')).rejects.toThrow(/could not be bundled/);
      await expect(bundler.bundle(`const x: = 1;`, 'typescript')).rejects.toThrow(/could not be bundled: line 1/);
    } finally {
      await bundler.dispose();
    }
  });
});
