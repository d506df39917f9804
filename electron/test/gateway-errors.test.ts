// execute_code errors as an agent reads them: a failed tool call names the agent's line (main.ts / main.py) in one
// line without the runtime's frames, and a denied approval costs one short line.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalQueue } from '../engine/gateway/approvals';
import { REAL_SERVERS, startGateway, type GatewayHarness } from '../engine/gateway/fixtures/harness';
import { until } from '../engine/test-fixtures';

let gw: GatewayHarness;

beforeAll(async () => {
  gw = await startGateway({
    clientName: 'gateway-errors-test',
    servers: ({ sharedDir, crmDb }) => ({ filesystem: REAL_SERVERS.filesystem(sharedDir), crm: REAL_SERVERS.crm(crmDb) }),
  });
}, 120_000);

afterAll(async () => {
  await gw?.close();
});

const RUNTIME_TRACES = [/node:internal/, /_bridge\.(ts|py)/, /runner\.(mjs|py)/, /\.staging/, /Node\.js v\d/, /Traceback/, /asyncio/];

/** The answer's stderr part: the lines between `stderr:` and the run's footer. */
function stderrOf(text: string): string[] {
  const start = text.indexOf('stderr:\n');
  expect(start).toBeGreaterThanOrEqual(0);
  return text.slice(start + 'stderr:\n'.length).split('\n').filter((line) => line && !line.startsWith('[run '));
}

describe('execute_code errors', () => {
  it('a failed tool call in TypeScript is one line at the agent\'s line, with no runtime frame', async () => {
    const code = `import { readTextFile } from './servers/filesystem';\n\nconst r = await readTextFile({ path: '/etc/hostname' });\nconsole.log(r);`;
    const answer = await gw.call('execute_code', { code });
    expect(stderrOf(answer.text)).toEqual([expect.stringMatching(/^main\.ts:3:\d+ McpToolError: tool `read_text_file` on server `filesystem` failed: Access denied/)]);
    for (const trace of RUNTIME_TRACES) expect(answer.text).not.toMatch(trace);
  }, 120_000);

  it('a failed tool call in Python is one line at the agent\'s line, with no bridge frame', async () => {
    const code = `from servers.filesystem import read_text_file\n\nprint(await read_text_file({"path": "/etc/hostname"}))`;
    const answer = await gw.call('execute_code', { code, language: 'python' });
    expect(stderrOf(answer.text)).toEqual([expect.stringMatching(/^main\.py:3 McpToolError: tool `read_text_file` on server `filesystem` failed: Access denied/)]);
    for (const trace of RUNTIME_TRACES) expect(answer.text).not.toMatch(trace);
  }, 120_000);

  it('a denied approval costs one short line', async () => {
    fs.writeFileSync(path.join(gw.dataDir, 'config.json'), JSON.stringify({ requireApproval: true }));
    const app = new ApprovalQueue(gw.dataDir);
    try {
      const code = "import { updateRecords } from './servers/crm';\nawait updateRecords({ records: [{ lead_id: 'LEAD-5001', fields: { stage: 'lost' } }] });";
      const deny = async () => app.decide((await until('an approval request', () => app.list()[0])).id, false);
      const [denied] = await Promise.all([gw.call('execute_code', { code }), deny()]);
      const lines = stderrOf(denied.text);
      expect(lines).toEqual([expect.stringMatching(/^main\.ts:2:\d+ McpToolError: .*the user denied crm\/update_records/)]);
      expect(lines[0].length).toBeLessThan(200);
    } finally {
      fs.writeFileSync(path.join(gw.dataDir, 'config.json'), JSON.stringify({ requireApproval: false }));
      app.close();
    }
  }, 120_000);
});
