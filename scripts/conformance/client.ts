// The client under test for the official MCP conformance suite: it drives Skillgraph's own McpPool (with its
// OAuth sign-in, elicitation and session handling) against the scenario server whose URL the suite passes.
// What it does per scenario mirrors the suite's reference client; how it connects is all Skillgraph's.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { McpPool, type McpPoolOptions } from '../../electron/engine/mcp/pool';
import { OAuthCredentialStore } from '../../electron/engine/mcp/oauth';
import type { ServerConfig } from '../../shared/types';

const url = process.argv[2];
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const context = process.env.MCP_CONFORMANCE_CONTEXT ? (JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT) as Record<string, string>) : {};
/** The suite's stand-in for an HTTPS client ID metadata document (SEP-991), as its reference client uses. */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

/**
 * The suite's authorization servers approve at once and redirect to our loopback page; a browser would follow
 * that redirect, so this "browser" does the same with two plain requests.
 */
async function followAuthorization(authorizationUrl: URL): Promise<void> {
  const consent = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (!location) throw new Error(`the authorization page answered ${consent.status} without a redirect`);
  await fetch(location);
}

async function main(): Promise<void> {
  if (!url) throw new Error('usage: conformance client <server-url>');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skillgraph-conformance-'));
  const oauth = scenario.startsWith('auth/')
    ? {
        clientMetadataUrl: CLIENT_METADATA_URL,
        ...(context.client_id ? { clientId: context.client_id } : {}),
        ...(context.client_secret ? { clientSecret: context.client_secret } : {}),
      }
    : undefined;
  const config: ServerConfig = { type: 'http', url, ...(oauth ? { oauth } : {}) };
  const options: McpPoolOptions = {
    configs: { conformance: config },
    oauth: { store: new OAuthCredentialStore(path.join(dataDir, 'oauth')), open: followAuthorization },
    // Accepting with no content lets the defaults of the requested schema stand (SEP-1034).
    serverRequests: { elicit: async () => ({ action: 'accept', content: {} }) },
  };
  const pool = new McpPool(options);
  try {
    const tools = await pool.listTools('conformance');
    if (scenario.startsWith('auth/')) {
      if (tools.some((tool) => tool.name === 'test-tool')) await pool.callTool('conformance', 'test-tool', {});
    } else if (scenario.startsWith('elicitation')) {
      await pool.callTool('conformance', 'test_client_elicitation_defaults', {});
    } else if (scenario === 'sse-retry') {
      await pool.callTool('conformance', 'test_reconnection', {});
    } else if (tools[0]) {
      await pool.callTool('conformance', tools[0].name, { a: 2, b: 3 });
    }
  } finally {
    await pool.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
