// When E2B is selected but cannot be reached (here: a key E2B rejects, or no network), the run falls back to the
// local sandbox and says so in a notice.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { E2BSandboxBackend } from './e2b-backend';
import { RunManager } from './runs';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';

let fixture: SandboxFixture;
let runs: RunManager;

beforeAll(async () => {
  fixture = await createSandboxFixture();
  runs = new RunManager({
    dataDir: fixture.dataDir,
    apiDir: fixture.apiDir,
    tools: fixture.tools,
    e2bApiKey: 'e2b_invalid_key_for_fallback_test',
    backends: { e2b: new E2BSandboxBackend({ apiKey: 'e2b_invalid_key_for_fallback_test', connectTimeoutMs: 5_000 }) },
  });
});

afterAll(async () => {
  await runs?.dispose();
  await fixture?.cleanup();
});

it('falls back to local with a notice when E2B cannot be reached', async () => {
  const handle = runs.start({ code: `console.log('ran')`, language: 'javascript', origin: 'app' });
  const notices: string[] = [];
  handle.on('notice', (n) => notices.push(n));
  const result = await handle.done;
  expect(result.stdout).toBe('ran\n');
  expect(result.backend).toBe('local');
  expect(notices.join('\n')).toMatch(/E2B could not be reached: .*running locally instead/);
});
