// Runs the backend contract against every backend: local always, E2B only with an API key.
import { describeSandboxBackendContract } from './contract';
import { E2BSandboxBackend } from './e2b-backend';
import { LocalSandboxBackend } from './local-backend';

describeSandboxBackendContract('local', () => new LocalSandboxBackend());
describeSandboxBackendContract('e2b', () => new E2BSandboxBackend(), process.env.E2B_API_KEY ? undefined : 'E2B_API_KEY is not set');
