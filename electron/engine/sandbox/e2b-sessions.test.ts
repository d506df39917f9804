// The session -> E2B sandbox map in <data>/e2b/sessions.json: shared by processes, idle into paused, then expired.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { E2BSessionMap, PAUSED_RETENTION_MS, sessionSandboxState, type SessionSandbox } from './e2b-sessions';

let dataDir: string;
let clock: number;
const now = (): number => clock;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sg-e2b-sessions-'));
  clock = 1_000_000;
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const entry = (over: Partial<SessionSandbox> = {}): SessionSandbox => ({
  sandboxId: 'sbx-1',
  template: '',
  allowedDomains: [],
  createdAt: clock,
  lastUsedAt: clock,
  idleTimeoutMs: 10 * 60_000,
  manifests: {},
  ...over,
});

describe('E2BSessionMap', () => {
  it('persists a session\'s sandbox so another process (a second map on the same folder) reuses it', () => {
    new E2BSessionMap(dataDir, now).set('default', entry({ manifests: { workspace: { 'a.txt': [1, 'h'] } } }));
    const other = new E2BSessionMap(dataDir, now);
    expect(other.get('default')).toMatchObject({ sandboxId: 'sbx-1', manifests: { workspace: { 'a.txt': [1, 'h'] } } });
    expect(other.get('another')).toBeUndefined();
  });

  it('touch records the last use and what the sandbox now holds; forget drops the session only', () => {
    const map = new E2BSessionMap(dataDir, now);
    map.set('a', entry());
    map.set('b', entry({ sandboxId: 'sbx-2' }));
    clock += 5000;
    map.touch('a', { workspace: { 'x': [2, 'hx'] } }, 60_000);
    expect(map.get('a')).toMatchObject({ lastUsedAt: clock, idleTimeoutMs: 60_000, manifests: { workspace: { x: [2, 'hx'] } } });
    map.touch('missing', {}, 60_000);
    expect(map.get('missing')).toBeUndefined();
    map.forget('a');
    expect(Object.keys(map.all())).toEqual(['b']);
  });

  it('a session idles from running to paused after its idle timeout, and expires after the retention', () => {
    const e = entry({ idleTimeoutMs: 60_000 });
    expect(sessionSandboxState(e, clock + 59_999)).toBe('running');
    expect(sessionSandboxState(e, clock + 60_000)).toBe('paused');
    expect(sessionSandboxState(e, clock + 60_000 + PAUSED_RETENTION_MS - 1)).toBe('paused');
    expect(sessionSandboxState(e, clock + 60_000 + PAUSED_RETENTION_MS)).toBe('expired');
    const map = new E2BSessionMap(dataDir, now);
    map.set('old', e);
    map.set('fresh', entry({ lastUsedAt: clock + PAUSED_RETENTION_MS }));
    clock += 60_000 + PAUSED_RETENTION_MS;
    expect(map.expired().map((x) => x.session)).toEqual(['old']);
  });

  it('treats a damaged map as empty (sessions start fresh sandboxes) and replaces it on the next write', () => {
    mkdirSync(path.join(dataDir, 'e2b'), { recursive: true });
    const file = path.join(dataDir, 'e2b', 'sessions.json');
    for (const damaged of ['{not json', JSON.stringify({ version: 1, sessions: { s: { sandboxId: '' } } }), JSON.stringify({ version: 2, sessions: {} })]) {
      writeFileSync(file, damaged);
      const map = new E2BSessionMap(dataDir, now);
      expect(map.get('s')).toBeUndefined();
      map.set('s', entry());
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1, sessions: { s: { sandboxId: 'sbx-1' } } });
    }
  });

  it('refuses to store an entry without a sandbox id', () => {
    expect(() => new E2BSessionMap(dataDir, now).set('s', entry({ sandboxId: '' }))).toThrow();
  });
});
