// Runs the backend contract against every backend: local always, E2B only with an API key (E2B_API_KEY, and the
// template in SKILLGRAPH_E2B_TEMPLATE when one was built from e2b/). Without a key the E2B part is skipped, saying so.
import { describeSandboxBackendContract } from './backend.contract-suite';
import { E2BSandboxBackend } from './e2b-backend';
import { LocalSandboxBackend } from './local-backend';

describeSandboxBackendContract('local', (fixture) => new LocalSandboxBackend({ privatePaths: [fixture.dataDir] }));
describeSandboxBackendContract(
  'e2b',
  (fixture) => new E2BSandboxBackend({ dataDir: fixture.dataDir, settings: () => ({ apiKey: '${env:E2B_API_KEY}', template: process.env.SKILLGRAPH_E2B_TEMPLATE || undefined, idleTimeoutMinutes: 5 }) }),
  process.env.E2B_API_KEY?.trim() ? undefined : 'E2B_API_KEY is not set, so the contract did not run against E2B',
);
