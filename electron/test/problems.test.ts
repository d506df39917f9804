// Background failures: logged with what was being done, kept for the status bar, announced as `app.problem`;
// and the engine's log itself: silent by default, <data>/logs/engine.log in the app, rotated when large.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../engine/api/handlers';
import type { Engine } from '../engine/engine';
import { createLogger, LOG_FILE_MAX_BYTES } from '../engine/logger';
import { openTestEngine, tempDir } from './helpers';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('background problems', () => {
  it('a failed background job is logged to <data>/logs, listed in app.status and announced', async () => {
    engine = await openTestEngine({ log: { to: 'logs-folder' } });
    const announced: unknown[] = [];
    engine.events.subscribe((event, payload) => event === 'app.problem' && announced.push(payload));
    engine.reportBackgroundFailure('regenerating the API of server `github`')(new Error('server `github` exited with code 1'));

    const status = await createHandlers(engine)['app.status']({});
    expect(status.problems).toEqual([{ at: expect.any(String), what: 'regenerating the API of server `github`', message: 'server `github` exited with code 1' }]);
    expect(announced).toEqual(status.problems);
    const lines = fs.readFileSync(path.join(engine.dataDir, 'logs', 'engine.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, what: 'regenerating the API of server `github`', msg: 'regenerating the API of server `github` failed', err: expect.objectContaining({ message: 'server `github` exited with code 1' }) }));
  });

  it('keeps the 20 newest problems', async () => {
    engine = await openTestEngine();
    for (let i = 0; i < 25; i++) engine.reportBackgroundFailure(`job ${i}`)(new Error('no'));
    const status = await createHandlers(engine)['app.status']({});
    expect(status.problems.map((p) => p.what)).toEqual(Array.from({ length: 20 }, (_, i) => `job ${i + 5}`));
  });

  it('an engine opened without a log target writes no log file', async () => {
    engine = await openTestEngine();
    engine.reportBackgroundFailure('warming the sandbox')(new Error('no'));
    expect(fs.existsSync(path.join(engine.dataDir, 'logs'))).toBe(false);
  });
});

describe('the log file', () => {
  it('moves a log over the size limit to engine.log.1 when the next process opens it', () => {
    const data = tempDir();
    fs.mkdirSync(path.join(data, 'logs'));
    const file = path.join(data, 'logs', 'engine.log');
    fs.writeFileSync(file, 'x'.repeat(LOG_FILE_MAX_BYTES + 1));
    createLogger({ to: 'logs-folder' }, data).info('fresh start');
    expect(fs.statSync(`${file}.1`).size).toBe(LOG_FILE_MAX_BYTES + 1);
    expect(JSON.parse(fs.readFileSync(file, 'utf8').trim())).toMatchObject({ msg: 'fresh start' });
  });

  it('keeps appending to a log under the limit', () => {
    const data = tempDir();
    createLogger({ to: 'logs-folder' }, data).info('first');
    createLogger({ to: 'logs-folder' }, data).info('second');
    const file = path.join(data, 'logs', 'engine.log');
    expect(fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line).msg)).toEqual(['first', 'second']);
    expect(fs.existsSync(`${file}.1`)).toBe(false);
  });
});
