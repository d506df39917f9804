// What the installers hold, computed from electron-builder.yml with electron-builder's own file matcher: the
// built app and every package its code imports at run time are in, and every executable is unpacked from app.asar.
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { isInsideAsar, packagedEsbuildEnv, packagedSandboxConfig, unpackedPath } from '../engine/asar';
import { packageRoot } from '../engine/locations';
import { tokenCounterWorkerFile } from '../engine/gateway/token-counter';
import { tempDir } from './helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
// electron-builder's matcher (app-builder-lib is what electron-builder runs): minimatch with its options and its
// include-then-exclude order, plus its default exclusions.
const { FileMatcher, excludedExts, excludedNames } = require('app-builder-lib/out/fileMatcher.js') as {
  FileMatcher: new (from: string, to: string, expand: (s: string) => string, patterns: string[]) => { createFilter(): (file: string, stat: fs.Stats) => boolean };
  excludedExts: string;
  excludedNames: string;
};

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
}
const config = YAML.parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  author?: { email?: string };
  homepage?: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const DEFAULT_EXCLUDES = [`!**/*.{${excludedExts},pdb}`, '!**/._*', `!**/{${excludedNames}}`];

function matcher(patterns: string[]): (relative: string) => boolean {
  const filter = new FileMatcher(root, root, (s) => s, patterns).createFilter();
  const fileStat = { isDirectory: () => false, isFile: () => true } as fs.Stats;
  return (relative) => filter(path.join(root, relative), fileStat);
}
const inApp = matcher([...config.files, ...DEFAULT_EXCLUDES]);
const unpacked = matcher(config.asarUnpack);
const keptInNodeModules = matcher(['**/*', ...DEFAULT_EXCLUDES]);

/** The production dependency closure as npm laid it out: package name → folder. */
function productionPackages(): Map<string, string> {
  const found = new Map<string, string>();
  const locate = (name: string, from: string): string | undefined => {
    for (let dir = from; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', name);
      if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
      if (path.dirname(dir) === dir) return undefined;
    }
  };
  const queue: Array<[string, string]> = Object.keys(pkg.dependencies).map((name) => [name, root]);
  const seen = new Set<string>();
  while (queue.length) {
    const [name, from] = queue.shift()!;
    const dir = locate(name, from);
    if (!dir || seen.has(dir)) continue; // an optional dependency for another platform is absent
    seen.add(dir);
    if (!found.has(name)) found.set(name, dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: object; optionalDependencies?: object };
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) queue.push([dep, dir]);
  }
  return found;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') out.push(...filesUnder(file));
    else if (entry.isFile()) out.push(file);
  }
  return out;
}

/** A file the OS could execute or load as code: an executable bit, or an ELF, Mach-O or PE header. */
function executableKind(file: string): string | undefined {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  const magic = head.readUInt32BE(0);
  if (magic === 0x7f454c46) return 'ELF';
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return 'Mach-O';
  if (head[0] === 0x4d && head[1] === 0x5a) return 'PE';
  return fs.statSync(file).mode & 0o111 ? 'mode +x' : undefined;
}

describe('the packaged app', () => {
  it("package.json main names the Electron entry scripts/build.mjs writes, and the packaged files include it", () => {
    expect(pkg.main).toBe('dist/electron/main.mjs');
    const buildScript = fs.readFileSync(path.join(root, 'scripts/build.mjs'), 'utf8');
    expect(buildScript).toContain(`outfile: path.join(root, '${pkg.main}')`);
    expect(inApp(pkg.main)).toBe(true);
  });

  it('holds the built app and the Electron build of better-sqlite3, never sources, maps or build leftovers', () => {
    for (const file of ['package.json', 'dist/electron/main.mjs', 'dist/electron/app.mjs', 'dist/electron/preload.cjs', 'dist/cli.mjs', 'dist/renderer/index.html', 'dist/renderer/assets/index-abc.js', 'bin/skillgraph.js', '.electron-native/abi-145/better_sqlite3.node']) {
      expect(inApp(file), file).toBe(true);
    }
    for (const file of ['dist/electron/app.mjs.map', 'electron/main/main.ts', 'shared/csp.ts', 'renderer/src/App.tsx', '.electron-native/build-abi-145/node_modules/better-sqlite3/binding.gyp', 'package-lock.json', 'electron-builder.yml']) {
      expect(inApp(file), file).toBe(false);
    }
    expect(unpacked('.electron-native/abi-145/better_sqlite3.node')).toBe(true);
  });

  it('holds the token counter\'s worker where the bundled CLI and app start it from (dist/, built by scripts/build.mjs)', () => {
    const worker = 'dist/token-counter-worker.mjs';
    for (const bundle of ['dist/electron/app.mjs', 'dist/cli-chunks/chunk-abc.mjs', 'dist/cli.mjs']) expect(tokenCounterWorkerFile(path.join(root, bundle)), bundle).toBe(path.join(root, worker));
    expect(fs.readFileSync(path.join(root, 'scripts/build.mjs'), 'utf8')).toContain("'token-counter-worker': path.join(root, 'electron/engine/gateway/token-counter-worker.ts')");
    expect(inApp(worker)).toBe(true);
    expect(inApp(`${worker}.map`)).toBe(false);
  });

  it('ships every package the built code imports at run time as a production dependency (esbuild included)', async () => {
    const entries = ['electron/cli/main.ts', 'electron/main/entry.ts', 'electron/main/main.ts', 'electron/engine/gateway/token-counter-worker.ts'].map((entry) => path.join(root, entry));
    const result = await build({ entryPoints: entries, bundle: true, platform: 'node', format: 'esm', packages: 'external', write: false, metafile: true, outdir: tempDir(), logLevel: 'silent' });
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imported = new Set<string>();
    for (const output of Object.values(result.metafile.outputs)) {
      for (const { path: id, external } of output.imports) {
        if (!external || builtins.has(id) || id.startsWith('.')) continue;
        imported.add(id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]);
      }
    }
    imported.delete('electron'); // the runtime itself, not a package in app.asar
    // The heavy modules load on first use through createRequire, which a bundler cannot follow: read their names
    // from the one module that loads them.
    const heavy = fs.readFileSync(path.join(root, 'electron/engine/heavy-modules.ts'), 'utf8');
    const packageOf = (id: string) => (id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]);
    const requiredLater = [...heavy.matchAll(/(?:requireFromHere|import)\('([^']+)'\)/g)].map((match) => packageOf(match[1]));
    expect(requiredLater).toEqual(expect.arrayContaining(['typescript', 'typescript-native', 'esbuild', 'e2b']));
    for (const name of requiredLater) imported.add(name);
    expect(imported.has('esbuild') && imported.has('better-sqlite3') && imported.has('@anthropic-ai/sandbox-runtime')).toBe(true);
    const shipped = productionPackages();
    expect([...imported].filter((name) => !shipped.has(name)).sort(), 'imported at run time but not in dependencies').toEqual([]);
    expect(Object.keys(pkg.devDependencies).filter((name) => imported.has(name))).toEqual([]);
  });

  it('unpacks every executable in the shipped packages from app.asar (native binaries and +x files alike)', () => {
    const packed: string[] = [];
    let executables = 0;
    for (const dir of productionPackages().values()) {
      for (const file of filesUnder(dir)) {
        const relative = path.relative(root, file);
        if (!keptInNodeModules(relative)) continue; // electron-builder leaves it out (object files, d.ts…)
        const kind = executableKind(file);
        if (!kind) continue;
        executables++;
        if (!unpacked(relative)) packed.push(`${relative} (${kind})`);
      }
    }
    expect(executables).toBeGreaterThan(3);
    expect(packed, 'executables left inside app.asar').toEqual([]);
  });

  it('unpacks the programs other processes run: the seccomp helper bubblewrap starts, esbuild\'s binary and the native TypeScript compiler', () => {
    for (const arch of ['x64', 'arm64']) expect(unpacked(`node_modules/@anthropic-ai/sandbox-runtime/vendor/seccomp/${arch}/apply-seccomp`), arch).toBe(true);
    for (const platform of ['linux-x64', 'darwin-arm64', 'darwin-x64', 'linux-arm64']) expect(unpacked(`node_modules/@esbuild/${platform}/bin/esbuild`), platform).toBe(true);
    expect(unpacked('node_modules/@esbuild/win32-x64/esbuild.exe')).toBe(true);
    // The native TypeScript compiler that checks run code, with the lib files it reads from its own folder.
    for (const platform of ['linux-x64', 'darwin-arm64', 'win32-x64']) {
      for (const file of ['tsc', 'tsc.exe', 'lib.es2023.d.ts', 'lib.es5.d.ts']) expect(unpacked(`node_modules/@typescript/typescript-${platform}/lib/${file}`), `${platform} ${file}`).toBe(true);
    }
  });

  it('never rebuilds native modules inside the repository, and gives the deb target what it needs', () => {
    expect(config.npmRebuild).toBe(false);
    expect(pkg.author?.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
  });

  it('flips the fuses, keeping runAsNode on only because the local sandbox runs code with the app binary as Node', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    const backend = fs.readFileSync(path.join(root, 'electron/engine/sandbox/local-backend.ts'), 'utf8');
    expect(backend).toContain('process.execPath');
    expect(backend).toContain('nodeChildEnv(');
  });
});

describe('paths inside an installed app', () => {
  const asar = path.join('/opt/Skillgraph/resources', 'app.asar');

  it('maps a file inside app.asar to its unpacked copy, and leaves every other path alone', () => {
    expect(unpackedPath(`${asar}/node_modules/@esbuild/linux-x64/bin/esbuild`)).toBe('/opt/Skillgraph/resources/app.asar.unpacked/node_modules/@esbuild/linux-x64/bin/esbuild');
    expect(unpackedPath('C:\\Skillgraph\\resources\\app.asar\\node_modules\\x.exe')).toBe('C:\\Skillgraph\\resources\\app.asar.unpacked\\node_modules\\x.exe');
    for (const other of ['/work/repo/node_modules/esbuild', '/opt/app.asar.unpacked/x', '/opt/my-app.asar/x', '/opt/app.asarx/y']) expect(unpackedPath(other), other).toBe(other);
    expect(isInsideAsar(`${asar}/x`)).toBe(true);
  });

  it('points esbuild and the sandbox runtime at the unpacked executables there, and changes nothing in a checkout', () => {
    const resolveInAsar = (id: string) => `${asar}/node_modules/${id}`;
    expect(packagedEsbuildEnv('linux', 'x64', resolveInAsar)).toEqual({ ESBUILD_BINARY_PATH: `${asar}.unpacked/node_modules/@esbuild/linux-x64/bin/esbuild` });
    expect(packagedEsbuildEnv('win32', 'x64', resolveInAsar)).toEqual({ ESBUILD_BINARY_PATH: `${asar}.unpacked/node_modules/@esbuild/win32-x64/esbuild.exe` });
    expect(packagedEsbuildEnv()).toEqual({});
    expect(packagedSandboxConfig(`${asar}/node_modules/@anthropic-ai/sandbox-runtime`, 'linux', 'x64')).toEqual({
      seccomp: { applyPath: `${asar}.unpacked/node_modules/@anthropic-ai/sandbox-runtime/vendor/seccomp/x64/apply-seccomp` },
    });
    expect(packagedSandboxConfig(`${asar}/node_modules/@anthropic-ai/sandbox-runtime`, 'darwin', 'arm64')).toEqual({});
    expect(packagedSandboxConfig()).toEqual({});
  });

  it('finds its package folder inside app.asar, where logseq-template/ is not (it sits in resources/)', () => {
    const resources = tempDir('skillgraph-resources-');
    fs.writeFileSync(path.join(resources, 'package.json'), JSON.stringify({ name: 'someone-else' }));
    const app = path.join(resources, 'app.asar');
    fs.mkdirSync(path.join(app, 'dist', 'electron'), { recursive: true });
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'skillgraph', version: '9.8.7' }));
    fs.mkdirSync(path.join(resources, 'logseq-template'));
    expect(packageRoot(path.join(app, 'dist', 'electron'))).toBe(app);
    expect(packageRoot()).toBe(root);
    expect(() => packageRoot(resources)).toThrow(/no package.json named "skillgraph"/);
  });
});
