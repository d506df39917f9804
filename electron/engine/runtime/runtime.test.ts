// Specifies the sandbox runtime files as shipped: the TypeScript bridge type-checks on its own (generated API trees
// are checked by the user's tools, without @types/node), the Python files compile, and the bundled engine finds
// the copies the build puts in dist/runtime/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../locations';
import { runtimeDir, runtimeSource } from './sources';

const here = path.dirname(new URL(import.meta.url).pathname);

describe('the sandbox runtime files', () => {
  it('bridge.ts type-checks strictly with no Node types and only the ES2023 library', () => {
    const program = ts.createProgram([path.join(here, 'bridge.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts'],
      types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  it('the Python bridge, runner and bytecode step compile', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-pyc-'));
    try {
      for (const name of ['_bridge.py', 'runner.py', 'compile_api.py'] as const) {
        const file = path.join(out, name);
        fs.writeFileSync(file, runtimeSource(name));
        execFileSync('python3', ['-m', 'py_compile', file]);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('are read from this folder in a source checkout and from dist/runtime/ by the bundled engine', () => {
    expect(runtimeDir()).toBe(here);
    const root = packageRoot();
    expect(runtimeDir(path.join(root, 'dist', 'cli-chunks', 'engine-abc.mjs'))).toBe(path.join(root, 'dist', 'runtime'));
    expect(runtimeDir(path.join(root, 'dist', 'electron', 'app.mjs'))).toBe(path.join(root, 'dist', 'runtime'));
  });

  it('runtimeSource gives the file as it is on disk', () => {
    expect(runtimeSource('runner.mjs')).toBe(fs.readFileSync(path.join(here, 'runner.mjs'), 'utf8'));
  });
});
