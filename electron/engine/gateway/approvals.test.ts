// The approval queue: a request waits until the app decides (through files only, as between two processes), times out
// as a denial, is withdrawn when the run stops, and requests of a dead process are dropped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolDoc } from '../../../shared/types';
import { ApprovalQueue, isWritingTool } from './approvals';
import { until } from '../test-fixtures';

const dirs: string[] = [];
const queues: ApprovalQueue[] = [];
function setup() {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-approvals-'));
  dirs.push(data);
  const events: Array<{ pending: number }> = [];
  // Two queues over one folder: the gateway's (requests) and the app's (lists and decides).
  const gateway = new ApprovalQueue(data);
  const app = new ApprovalQueue(data, (event, payload) => event === 'approvals.changed' && events.push(payload as { pending: number }));
  queues.push(gateway, app);
  return { data, gateway, app, events };
}
afterEach(() => {
  for (const q of queues.splice(0)) q.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('ApprovalQueue', () => {
  it('holds a writing call until the app allows it, then clears the request', async () => {
    const { gateway, app, events } = setup();
    const stopWatching = app.watch();
    const outcome = gateway.request({ runId: 'run-1', server: 'crm', tool: 'update_records', args: { ids: [1, 2] } });
    const pending = await until('the request to appear', () => app.list()[0]);
    expect(pending).toMatchObject({ runId: 'run-1', server: 'crm', tool: 'update_records', argsPreview: '{"ids":[1,2]}' });
    expect(pending).not.toHaveProperty('pid');
    await until('approvals.changed with one pending', () => (events.some((e) => e.pending === 1) ? true : undefined));
    app.decide(pending.id, true);
    await expect(outcome).resolves.toEqual({ allow: true });
    expect(app.list()).toEqual([]);
    await until('approvals.changed back to zero', () => (events.at(-1)?.pending === 0 ? true : undefined));
    stopWatching();
  });

  it('reports a denial with a reason the agent can read', async () => {
    const { gateway, app } = setup();
    const outcome = gateway.request({ runId: 'run-2', server: 'crm', tool: 'delete_all', args: {} });
    const pending = await until('the request', () => app.list()[0]);
    app.decide(pending.id, false);
    await expect(outcome).resolves.toEqual({ allow: false, reason: 'the user denied crm/delete_all' });
  });

  it('denies when nobody answers in time, and when the run stops while waiting', async () => {
    const { gateway, app } = setup();
    await expect(gateway.request({ runId: 'r', server: 's', tool: 't', args: {} }, { timeoutMs: 100 })).resolves.toMatchObject({ allow: false, reason: expect.stringContaining('nobody approved s/t') });
    const stop = new AbortController();
    const outcome = gateway.request({ runId: 'r', server: 's', tool: 't', args: {} }, { signal: stop.signal });
    await until('the request', () => app.list()[0]);
    stop.abort();
    await expect(outcome).resolves.toEqual({ allow: false, reason: 'the run was stopped while waiting for approval' });
    expect(app.list()).toEqual([]);
  });

  it('rejects deciding an unknown id with a message the user can act on', () => {
    const { app } = setup();
    expect(() => app.decide('00000000-0000-0000-0000-000000000000', true)).toThrow(/No pending approval/);
    expect(() => app.decide('../../etc/passwd', true)).toThrow(/No pending approval/);
  });

  it('drops requests left behind by a process that no longer exists', () => {
    const { data, app } = setup();
    const dir = path.join(data, 'approvals');
    fs.mkdirSync(dir, { recursive: true });
    const id = '11111111-2222-3333-4444-555555555555';
    fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ id, runId: 'x', server: 's', tool: 't', argsPreview: '{}', requestedAt: 1, pid: 2 ** 22 + 12345 }));
    expect(app.list()).toEqual([]);
    expect(fs.existsSync(path.join(dir, `${id}.json`))).toBe(false);
  });
});

describe('isWritingTool', () => {
  const docs = [
    { server: 'sheets', tool: 'get_sheet', readOnly: true },
    { server: 'crm', tool: 'update_records', readOnly: false },
  ] as ToolDoc[];
  it('treats tools not annotated read-only, unknown tools and user-listed tools as writing', () => {
    expect(isWritingTool('sheets', 'get_sheet', docs, [])).toBe(false);
    expect(isWritingTool('crm', 'update_records', docs, [])).toBe(true);
    expect(isWritingTool('other', 'thing', docs, [])).toBe(true);
    expect(isWritingTool('sheets', 'get_sheet', docs, ['sheets/get_sheet'])).toBe(true);
  });
});
