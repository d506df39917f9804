// The run scheduler: at most N runs at once on any backend, the rest waiting in order; here on the real local sandbox
// through RunManager (the same bridge, console and run records as any run), and on its own.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunManager, type RunHandle } from './runs';
import { RunScheduler } from './scheduler';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';
import { SandboxError } from './types';

describe('RunScheduler', () => {
  it('grants up to the limit at once and the rest in the order they asked', async () => {
    const scheduler = new RunScheduler(2);
    const signal = new AbortController().signal;
    const first = await scheduler.acquire(signal);
    const second = await scheduler.acquire(signal);
    const order: string[] = [];
    const ahead: number[] = [];
    const third = scheduler.acquire(signal, (n) => ahead.push(n)).then((release) => (order.push('third'), release));
    const fourth = scheduler.acquire(signal, (n) => ahead.push(n)).then((release) => (order.push('fourth'), release));
    expect(scheduler.stats()).toEqual({ limit: 2, running: 2, waiting: 2 });
    expect(ahead).toEqual([2, 3]);
    first();
    first(); // a second release of the same slot does nothing
    await third;
    expect(order).toEqual(['third']);
    expect(scheduler.stats()).toEqual({ limit: 2, running: 2, waiting: 1 });
    second();
    (await fourth)();
    (await third)();
    expect(scheduler.stats()).toEqual({ limit: 2, running: 0, waiting: 0 });
  });

  it('drops a waiting run that is stopped, with the stop reason, and never grants it', async () => {
    const scheduler = new RunScheduler(1);
    const release = await scheduler.acquire(new AbortController().signal);
    const stop = new AbortController();
    const waiting = scheduler.acquire(stop.signal);
    stop.abort('cancelled');
    await expect(waiting).rejects.toBe('cancelled');
    expect(scheduler.stats().waiting).toBe(0);
    release();
    expect(scheduler.stats().running).toBe(0);
    await expect(scheduler.acquire(stop.signal)).rejects.toBe('cancelled');
  });

  it('applies a raised limit to runs already waiting', async () => {
    const scheduler = new RunScheduler(1);
    await scheduler.acquire(new AbortController().signal);
    const waiting = scheduler.acquire(new AbortController().signal);
    scheduler.setLimit(2);
    await waiting;
    expect(scheduler.stats()).toEqual({ limit: 2, running: 2, waiting: 0 });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %s with a typed error', (limit) => {
    expect(() => new RunScheduler(limit)).toThrow(SandboxError);
    expect(() => new RunScheduler(1).setLimit(limit)).toThrow(/at least 1/);
  });
});

describe('parallel runs through RunManager on the local sandbox', () => {
  let fixture: SandboxFixture;
  let runs: RunManager;
  let session = 'parallel';
  const workspace = (): string => path.join(fixture.dataDir, 'sessions', session, 'workspace');
  /** Marks that it started, calls a tool through the bridge, then holds its slot until the host drops `go`. */
  const holdingRun = (name: string): string => `
import fs from 'node:fs';
import { echo } from './servers/everything';
fs.writeFileSync('started-${name}', '');
const reply = await echo({ message: '${name}' });
await new Promise((resolve) => { const t = setInterval(() => { if (fs.existsSync('go')) { clearInterval(t); resolve(undefined); } }, 20); });
console.log('${name}', JSON.stringify(reply).includes('${name}'));
`;

  beforeAll(async () => {
    fixture = await createSandboxFixture();
    runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, parallelRuns: 2 });
  });
  afterAll(async () => {
    await runs?.dispose();
    await fixture?.cleanup();
  });

  it('runs two at once, keeps the third queued until a slot frees, and each keeps its own console and record', async () => {
    const statuses = new Map<string, string[]>();
    const notices = new Map<string, string[]>();
    const start = (name: string): RunHandle => {
      const handle = runs.start({ code: holdingRun(name), language: 'typescript', session, origin: 'app' });
      statuses.set(name, []);
      notices.set(name, []);
      handle.on('status', (s) => statuses.get(name)!.push(s));
      handle.on('notice', (n) => notices.get(name)!.push(n));
      return handle;
    };
    const a = start('a');
    const b = start('b');
    await vi.waitFor(() => expect(existsSync(path.join(workspace(), 'started-a')) && existsSync(path.join(workspace(), 'started-b'))).toBe(true), { timeout: 60_000, interval: 50 });
    const c = start('c');
    await vi.waitFor(() => expect(notices.get('c')).toContain('waiting for a free slot: 2 runs ahead (2 at once)'), { timeout: 30_000, interval: 20 });
    expect(runs.schedulerStats()).toEqual({ limit: 2, running: 2, waiting: 1 });
    expect(statuses.get('c')).not.toContain('running');
    expect(existsSync(path.join(workspace(), 'started-c'))).toBe(false);

    writeFileSync(path.join(workspace(), 'go'), '');
    const results = await Promise.all([a.done, b.done, c.done]);
    expect(results.map((r) => [r.status, r.stdout, r.backend, r.toolCalls.length])).toEqual([
      ['succeeded', 'a true\n', 'local', 1],
      ['succeeded', 'b true\n', 'local', 1],
      ['succeeded', 'c true\n', 'local', 1],
    ]);
    expect(statuses.get('c')).toEqual(expect.arrayContaining(['queued', 'running', 'succeeded']));
    const record = runs.list().find((r) => r.id === c.id)!;
    expect(record).toMatchObject({ backend: 'local', status: 'succeeded', notice: 'waiting for a free slot: 2 runs ahead (2 at once)' });
    expect(runs.schedulerStats()).toEqual({ limit: 2, running: 0, waiting: 0 });
  });

  it('a queued run that is cancelled never starts, and the runs ahead of it are not disturbed', async () => {
    session = 'parallel-cancel';
    runs.configure({ parallelRuns: 1 });
    const holder = runs.start({ code: holdingRun('holder'), language: 'typescript', session, origin: 'app' });
    await vi.waitFor(() => expect(existsSync(path.join(workspace(), 'started-holder'))).toBe(true), { timeout: 60_000, interval: 50 });
    const queued = runs.start({ code: holdingRun('queued'), language: 'typescript', session, origin: 'app' });
    await vi.waitFor(() => expect(runs.schedulerStats().waiting).toBe(1), { timeout: 30_000, interval: 20 });
    runs.cancel(queued.id);
    expect((await queued.done).status).toBe('cancelled');
    expect(existsSync(path.join(workspace(), 'started-queued'))).toBe(false);
    writeFileSync(path.join(workspace(), 'go'), '');
    expect(await holder.done).toMatchObject({ status: 'succeeded', stdout: 'holder true\n' });
  });
});
