// The token counter: the ledger's counts made in a worker thread, with countTokens' figures; a worker that dies is
// replaced and what it was counting still gets its exact count; no worker at all still counts (in this thread).
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { countTokens, EXACT_CHARS_MAX } from './token-count';
import { TokenCounter } from './token-counter';

const counters: TokenCounter[] = [];
afterEach(async () => {
  for (const counter of counters.splice(0)) await counter.close();
});

function logged(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return { log: pino({ level: 'warn' }, sink), lines };
}

const repoFile = (rel: string) => fs.readFileSync(path.join(__dirname, '../../..', rel), 'utf8');

describe('TokenCounter', () => {
  it('counts in a worker thread with exactly the figures of countTokens, short and long texts alike', async () => {
    const counter = new TokenCounter();
    counters.push(counter);
    const long = repoFile('package-lock.json');
    expect(long.length).toBeGreaterThan(EXACT_CHARS_MAX);
    const texts = ['', 'hello world', 'a <|endoftext|> b', repoFile('README.md'), long, long.slice(0, EXACT_CHARS_MAX)];
    expect(await Promise.all(texts.map((text) => counter.count(text)))).toEqual(texts.map((text) => countTokens(text)));
    expect(counter.thread?.threadId).toBeGreaterThan(0);
  });

  it('survives a killed worker: what it was counting gets its exact count, and the next count starts a new worker', async () => {
    const { log, lines } = logged();
    const counter = new TokenCounter(log);
    counters.push(counter);
    const text = repoFile('electron/engine/sandbox/runs.ts');
    counter.warm();
    const first = counter.thread!;
    const counting = counter.count(text);
    await first.terminate();
    expect(await counting).toBe(countTokens(text));
    expect(lines.join('')).toContain('worker exited');
    expect(await counter.count('hello world')).toBe(2);
    expect(counter.thread).toBeDefined();
    expect(counter.thread).not.toBe(first);
  });

  it('counts in this thread, logged, when its worker cannot start', async () => {
    const { log, lines } = logged();
    const counter = new TokenCounter(log, path.join(__dirname, 'no-such-worker.mjs'));
    counters.push(counter);
    const text = repoFile('README.md');
    expect(await counter.count(text)).toBe(countTokens(text));
    expect(await counter.count('hello world')).toBe(2);
    expect(lines.join('')).toMatch(/worker/);
  });

  it('ends its worker on close', async () => {
    const counter = new TokenCounter();
    counter.warm();
    const thread = counter.thread!;
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    await counter.close();
    await exited;
    expect(counter.thread).toBeUndefined();
    // A closed counter still answers (in this thread): a run closing after the engine never loses its ledger.
    expect(await counter.count('hello world')).toBe(2);
  });
});
