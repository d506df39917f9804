// Under Electron, process.execPath is the Electron binary: every child the engine starts with it as Node (the
// local sandbox's runner) gets ELECTRON_RUN_AS_NODE=1, or it would start a second copy of the app.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeChildEnv } from '../engine/node-runtime';
import { LocalSandboxBackend } from '../engine/sandbox/local-backend';
import { RunManager } from '../engine/sandbox/runs';
import { createSandboxFixture, type SandboxFixture } from '../engine/sandbox/test-fixture';

const pretendElectron = () => Object.defineProperty(process.versions, 'electron', { value: '41.7.1', configurable: true, enumerable: true });
afterEach(() => {
  delete (process.versions as { electron?: string }).electron;
});

describe('the environment of a child run as Node', () => {
  it('adds ELECTRON_RUN_AS_NODE=1 under Electron and keeps everything else', () => {
    expect(nodeChildEnv({ PATH: '/usr/bin', HOME: '/w' }, { electron: '41.7.1' })).toEqual({ PATH: '/usr/bin', HOME: '/w', ELECTRON_RUN_AS_NODE: '1' });
  });

  it('is unchanged under Node, where the variable means nothing and is not set', () => {
    const env = { PATH: '/usr/bin' };
    expect(nodeChildEnv(env, {})).toEqual({ PATH: '/usr/bin' });
    expect(nodeChildEnv(env)).not.toHaveProperty('ELECTRON_RUN_AS_NODE');
  });
});

describe('the local sandbox under Electron', () => {
  let fixture: SandboxFixture;
  beforeAll(async () => {
    fixture = await createSandboxFixture();
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });

  async function runnerSees(): Promise<string> {
    const runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', backends: { local: new LocalSandboxBackend() } });
    try {
      const result = await runs.start({ code: `console.log(process.env.ELECTRON_RUN_AS_NODE ?? 'unset')`, language: 'javascript', origin: 'app' }).done;
      expect(result.status, result.stderr).toBe('succeeded');
      return result.stdout.trim();
    } finally {
      await runs.dispose();
    }
  }

  it('starts its runner with ELECTRON_RUN_AS_NODE=1, through the real sandbox', async () => {
    pretendElectron();
    expect(await runnerSees()).toBe('1');
  });

  it('leaves it unset under Node', async () => {
    expect(await runnerSees()).toBe('unset');
  });
});
