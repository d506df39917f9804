// When E2B is the chosen backend but cannot be used, the run goes to the local sandbox, and the console and the run
// record say exactly why: no key, or E2B not answering (here its API address is a local port nothing listens on).
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2BSandboxBackend } from './e2b-backend';
import { RunManager } from './runs';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';

let fixture: SandboxFixture;

beforeAll(async () => {
  fixture = await createSandboxFixture();
});

afterAll(async () => {
  await fixture?.cleanup();
});

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function runWith(backend: E2BSandboxBackend) {
  const runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'e2b', backends: { e2b: backend } });
  try {
    const handle = runs.start({ code: `console.log('ran')`, language: 'javascript', origin: 'app' });
    const notices: string[] = [];
    handle.on('notice', (n) => notices.push(n));
    const result = await handle.done;
    return { result, notices, record: runs.list().find((r) => r.id === result.id)! };
  } finally {
    await runs.dispose();
  }
}

describe('E2B chosen but not usable', () => {
  it('runs locally when no key is configured, and says so', async () => {
    const { result, notices, record } = await runWith(new E2BSandboxBackend({ settings: () => ({ apiKey: '${env:SKILLGRAPH_TEST_UNSET_E2B_KEY}' }), dataDir: fixture.dataDir }));
    expect(result).toMatchObject({ stdout: 'ran\n', backend: 'local', status: 'succeeded' });
    const reason = 'the E2B key setting refers to SKILLGRAPH_TEST_UNSET_E2B_KEY, which is not set in the environment';
    expect(notices).toContain(`the e2b sandbox is not available: ${reason}; running locally instead`);
    expect(record).toMatchObject({ backend: 'local', fallbackReason: `the e2b sandbox is not available: ${reason}` });
    expect(record.sandboxId).toBeUndefined();
  });

  it('runs locally when E2B does not answer, naming the refused connection', async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}`;
    const backend = new E2BSandboxBackend({ settings: () => ({ apiKey: 'e2b_key_for_fallback_test' }), dataDir: fixture.dataDir, apiUrl, connectTimeoutMs: 5_000 });
    const { result, notices, record } = await runWith(backend);
    expect(result).toMatchObject({ stdout: 'ran\n', backend: 'local', status: 'succeeded' });
    expect(record.fallbackReason).toMatch(/^the e2b sandbox is not available: E2B could not be reached: .*\(ECONNREFUSED\)$/);
    expect(notices).toContain(`${record.fallbackReason}; running locally instead`);
  });

  it('does not fall back when the run names a backend that is not E2B', async () => {
    const runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local' });
    try {
      const result = await runs.start({ code: `console.log('ran')`, language: 'javascript', origin: 'app' }).done;
      expect(result).toMatchObject({ backend: 'local', fallbackReason: undefined });
    } finally {
      await runs.dispose();
    }
  });
});
