// currentSettings: what the gateway's tool-call hook reads on every call. A change written to disk by another process
// (the app) is seen by the next call; an unchanged (or still missing) file is not parsed again; a broken file leaves the last good ones.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsStore } from '../settings';
import { currentSettings } from './run-hooks';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function store(): SettingsStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-settings-'));
  dirs.push(dir);
  return new SettingsStore(dir);
}

describe('currentSettings', () => {
  it('sees a change another process wrote, and parses an unchanged file only once', () => {
    const mine = store();
    mine.update({ requireApproval: false });
    const first = currentSettings(mine);
    expect(first.requireApproval).toBe(false);
    expect(currentSettings(mine)).toBe(first); // the same parse: the file did not change

    // The app writes in place (same inode), with a different size: the next call reads it.
    fs.writeFileSync(mine.file, JSON.stringify({ ...first, requireApproval: true }));
    expect(currentSettings(mine).requireApproval).toBe(true);
    // Replaced through a rename (a new inode), as SettingsStore.update writes it.
    new SettingsStore(path.dirname(mine.file)).update({ requireApproval: false });
    expect(currentSettings(mine).requireApproval).toBe(false);
  });

  it('gives the defaults without parsing them again while there is no file, and sees the file once it is written', () => {
    const mine = store();
    const first = currentSettings(mine);
    expect(fs.existsSync(mine.file)).toBe(false);
    expect(currentSettings(mine)).toBe(first); // the same defaults: a missing file is not read again on every call
    new SettingsStore(path.dirname(mine.file)).update({ requireApproval: !first.requireApproval });
    expect(currentSettings(mine).requireApproval).toBe(!first.requireApproval);
  });

  it('keeps the last good settings while the file on disk is broken', () => {
    const mine = store();
    mine.update({ requireApproval: true });
    fs.writeFileSync(mine.file, '{ not json');
    expect(currentSettings(mine).requireApproval).toBe(true);
  });
});
