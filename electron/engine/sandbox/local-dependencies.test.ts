// The local sandbox's dependency check made without the sandbox runtime gives the runtime's own answer, word for
// word, with everything installed and with ripgrep, bubblewrap or socat missing from PATH.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxManager } from '@anthropic-ai/sandbox-runtime';
import { localSandboxDependencyErrors, onPath } from './local-dependencies';

const savedPath = process.env.PATH;
const dirs: string[] = [];
afterEach(() => {
  process.env.PATH = savedPath;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A PATH of one folder holding links to these programs only (`which` among them: the runtime runs it). */
function pathWith(programs: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-path-'));
  dirs.push(dir);
  for (const name of programs) fs.symlinkSync(onPath(name, savedPath)!, path.join(dir, name));
  return dir;
}

describe.runIf(process.platform === 'linux')('localSandboxDependencyErrors', () => {
  it('answers what SandboxManager.checkDependenciesAsync answers, for each program missing', async () => {
    const cases = {
      all: ['which', 'rg', 'bwrap', 'socat'],
      noRipgrep: ['which', 'bwrap', 'socat'],
      noBubblewrap: ['which', 'rg', 'socat'],
      onlyBubblewrap: ['which', 'bwrap'],
      none: ['which'],
    };
    const answers: Record<string, unknown> = {};
    const runtime: Record<string, unknown> = {};
    for (const [name, programs] of Object.entries(cases)) {
      process.env.PATH = pathWith(programs);
      answers[name] = (await localSandboxDependencyErrors()).errors;
      runtime[name] = (await SandboxManager.checkDependenciesAsync()).errors;
    }
    expect(answers).toEqual(runtime);
    expect(answers.none).toEqual(['ripgrep (rg) not found', 'bubblewrap (bwrap) not installed', 'socat not installed']);
    expect(answers.all).toEqual([]);
  });

  it('finds only executable files on PATH', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-path-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'plain'), 'not a program');
    fs.mkdirSync(path.join(dir, 'folder'));
    fs.writeFileSync(path.join(dir, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    expect([onPath('plain', dir), onPath('folder', dir), onPath('tool', `/nonexistent${path.delimiter}${dir}`)]).toEqual([undefined, undefined, path.join(dir, 'tool')]);
  });
});
