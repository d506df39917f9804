// The import direction, checked on the real source tree: shared/ is pure, the engine and the Node hosts
// never import electron or the UI, the renderer never imports Node or the engine.
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'fixtures') continue;
      out.push(...sourceFiles(rel));
    } else if (/\.(ts|tsx)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const specs: string[] = [];
  // Static imports/exports and dynamic import() calls; string contents of generated code are not imports.
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"`]*?from\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]);
  return specs;
}

function resolvesInto(file: string, spec: string, folder: string): boolean {
  if (!spec.startsWith('.')) return false;
  const target = path.relative(root, path.resolve(root, path.dirname(file), spec));
  return target === folder || target.startsWith(folder + path.sep);
}

const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'crypto', 'http', 'net'].includes(spec);

describe('layering', () => {
  it('shared/ imports neither Node, Electron, React nor the hosts', () => {
    for (const file of sourceFiles('shared')) {
      for (const spec of importsOf(file)) {
        expect(isNodeBuiltin(spec) || spec === 'electron' || spec.startsWith('react') || resolvesInto(file, spec, 'electron') || resolvesInto(file, spec, 'renderer'), `${file} imports ${spec}`).toBe(false);
      }
    }
  });

  it('the engine, browser-mode server and CLI never import electron or the UI', () => {
    const files = [...sourceFiles('electron/engine'), ...sourceFiles('electron/server'), ...sourceFiles('electron/cli')];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const spec of importsOf(file)) {
        expect(spec === 'electron' || spec.startsWith('electron/') || resolvesInto(file, spec, 'renderer') || resolvesInto(file, spec, 'electron/main'), `${file} imports ${spec}`).toBe(false);
      }
    }
  });

  it('the renderer imports neither Node nor the Node side', () => {
    for (const file of sourceFiles('renderer')) {
      if (file.endsWith('vite.config.ts')) continue;
      for (const spec of importsOf(file)) {
        expect(isNodeBuiltin(spec) || spec === 'electron' || resolvesInto(file, spec, 'electron'), `${file} imports ${spec}`).toBe(false);
      }
    }
  });

  it('the hosts are peers: the Electron host, browser mode and the CLI share code only through electron/hosts/', () => {
    const rules: Record<string, string[]> = {
      'electron/main': ['electron/server', 'electron/cli'],
      'electron/server': ['electron/main', 'electron/cli'],
      'electron/cli': ['electron/main'],
      'electron/hosts': ['electron/main', 'electron/server', 'electron/cli'],
    };
    for (const [folder, forbidden] of Object.entries(rules)) {
      const files = sourceFiles(folder).filter((f) => !f.endsWith('.test.ts'));
      expect(files.length, folder).toBeGreaterThan(0);
      for (const file of files) {
        for (const spec of importsOf(file)) {
          for (const other of forbidden) expect(resolvesInto(file, spec, other), `${file} imports ${spec}`).toBe(false);
        }
      }
    }
  });

  it('only the Electron host imports electron', () => {
    const importers = [...sourceFiles('electron'), ...sourceFiles('shared'), ...sourceFiles('renderer')].filter((f) => importsOf(f).includes('electron'));
    for (const file of importers) expect(file.startsWith(path.join('electron', 'main'))).toBe(true);
  });
});

const lintWith = (ruleId: string) => async (file: string, code: string) => {
  const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
};

describe('the hosts stay apart (eslint/host-layers.js)', () => {
  const lint = lintWith('hosts/host-layers');

  it('rejects the Electron host importing the CLI or browser mode, and either importing the Electron host', async () => {
    expect(await lint('electron/main/probe.ts', "import { parseLocationArgs } from '../cli/main';\nexport const x = parseLocationArgs;\n")).toEqual([expect.stringMatching(/^electron\/main may not import electron\/cli/)]);
    expect(await lint('electron/main/probe.ts', "export const load = () => import('../server/browser-server');\n")).toEqual([expect.stringMatching(/^electron\/main may not import electron\/server/)]);
    expect(await lint('electron/server/probe.ts', "export { APP_ORIGIN } from '../main/app-protocol';\n")).toEqual([expect.stringMatching(/^electron\/server may not import electron\/main/)]);
    expect(await lint('electron/hosts/probe.ts', "import { startBrowserServer } from '../server/browser-server';\nexport const x = startBrowserServer;\n")).toEqual([expect.stringMatching(/^electron\/hosts may not import electron\/server/)]);
  });

  it('accepts what the hosts share, and the CLI starting browser mode', async () => {
    expect(await lint('electron/main/probe.ts', "import { rendererFile } from '../hosts/static-files';\nimport { Engine } from '../engine/engine';\nexport const x = [rendererFile, Engine];\n")).toEqual([]);
    expect(await lint('electron/cli/probe.ts', "export const load = () => import('../server/browser-server');\n")).toEqual([]);
  });
});

describe("the engine's own layers (eslint/engine-layers.js)", () => {
  const lint = lintWith('local/engine-layers');

  it('rejects an import from a higher layer, however the path is spelled', async () => {
    expect(await lint('electron/engine/graph/probe.ts', "import { SearchIndex } from '../index/search-index';\nexport const x = SearchIndex;\n")).toEqual([expect.stringMatching(/^graph .* may not import index/)]);
    expect(await lint('electron/engine/mcp/probe.ts', "export { RunManager } from '../sandbox/runs';\n")).toEqual([expect.stringMatching(/^mcp .* may not import sandbox/)]);
    expect(await lint('electron/engine/index/probe.ts', "export const load = () => import('../skills/service');\n")).toEqual([expect.stringMatching(/^index .* may not import skills/)]);
  });

  it('accepts imports down the order, and the gateway naming the engine it is handed by type only', async () => {
    expect(await lint('electron/engine/skills/probe.ts', "import { Graph } from '../graph';\nimport { SearchIndex } from '../index/search-index';\nexport const x = [Graph, SearchIndex];\n")).toEqual([]);
    expect(await lint('electron/engine/gateway/probe.ts', "import type { Engine } from '../engine';\nexport type X = Engine;\n")).toEqual([]);
    expect(await lint('electron/engine/gateway/probe.ts', "import { Engine } from '../engine';\nexport const x = Engine;\n")).toEqual([expect.stringMatching(/^gateway .* may not import root/)]);
  });
});

describe('test code stays in test files', () => {
  const lint = async (file: string, code: string) => {
    const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: path.join(root, file) });
    return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
  };
  const usesVitest = "import { it } from 'vitest';\nexport const x = it;\n";

  it('rejects vitest in an engine or host module, and allows it in tests and shared suites', async () => {
    expect(await lint('electron/engine/sandbox/probe.ts', usesVitest)).toEqual([expect.stringMatching(/^Only test files import vitest/)]);
    expect(await lint('electron/cli/probe.ts', usesVitest)).toEqual([expect.stringMatching(/^Only test files import vitest/)]);
    expect(await lint('electron/engine/sandbox/probe.test.ts', usesVitest)).toEqual([]);
    expect(await lint('electron/engine/sandbox/probe.contract-suite.ts', usesVitest)).toEqual([]);
  });
});

describe('errors are logged or handled, never swallowed (eslint/catch-says-why.js)', () => {
  const lint = async (code: string) => {
    const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: path.join(root, 'electron/engine/probe.ts') });
    return result.messages.filter((m) => m.ruleId === 'errors/catch-says-why').map((m) => m.message);
  };

  it('rejects a catch or .catch that drops the error without a word', async () => {
    expect(await lint('export function f(g: () => void) {\n  try {\n    g();\n  } catch {\n    return 0;\n  }\n  return 1;\n}\n')).toEqual([expect.stringMatching(/^This catch drops the error/)]);
    expect(await lint('export const p = (q: Promise<void>) => q.catch(() => undefined);\n')).toEqual([expect.stringMatching(/^This \.catch drops the error/)]);
    expect(await lint('export const p = (q: Promise<void>) => q.catch(() => {});\n')).toEqual([expect.stringMatching(/^This \.catch drops the error/)]);
  });

  it('accepts a catch that rethrows, logs, uses its error or says why nothing is lost', async () => {
    const wrap = (body: string, param = '') => `declare const log: { warn(o: unknown, m: string): void };\nexport function f(g: () => void) {\n  try {\n    g();\n  } catch${param} {\n${body}\n  }\n}\n`;
    expect(await lint(wrap('    throw new Error("no");'))).toEqual([]);
    expect(await lint(wrap('    log.warn({}, "g failed");'))).toEqual([]);
    expect(await lint(wrap('    return String(error);', ' (error)'))).toEqual([]);
    expect(await lint(wrap('    // g failing means there is nothing to do.'))).toEqual([]);
    expect(await lint('export const p = (q: Promise<void>) => q.catch(() => undefined); // its caller sees the failure\n')).toEqual([]);
  });
});
