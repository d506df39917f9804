// The app learns that the API tree changed from an event of its own, not from server state: the first generation of
// a server can end after the last `servers.state` event, and a view that reloaded only on those kept showing
// "No generated API yet" (seen in the fresh-clone e2e run).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import { Engine } from '../engine/engine';
import { realServerConfigs } from '../engine/mcp/fixtures/real-servers';
import { until } from '../engine/test-fixtures';
import { tempDir } from './helpers';

let app: Engine | undefined;
afterAll(async () => app?.close());

describe('api.changed', () => {
  it('is announced once the first generation of a never generated server is in the index', async () => {
    const data = path.join(tempDir(), 'data');
    fs.mkdirSync(data, { recursive: true });
    fs.writeFileSync(path.join(data, 'mcp.json'), JSON.stringify({ mcpServers: { everything: realServerConfigs(data).everything } }));
    const seen: Array<{ event: EventName; toolDocs: number }> = [];
    app = await Engine.open({ data, host: 'browser', warmSandbox: false });
    const engine = app;
    engine.events.subscribe((event) => seen.push({ event, toolDocs: engine.index.toolDocs().length }));
    const changed = await until('api.changed', () => seen.find((entry) => entry.event === 'api.changed'));
    // When it is announced, the tree is there to reload: the index holds the server's tool docs.
    expect(changed.toolDocs).toBeGreaterThan(0);
  }, 60_000);
});
