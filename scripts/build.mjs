// Builds everything `npm start` and the packaged app need: the renderer with Vite, and the Node side
// (CLI, Electron main, preload) with esbuild. Dependencies stay external; only our code is bundled.
// The CLI is split into chunks (ESM splitting): each command's dynamic import() loads only that command's code,
// so `skillgraph --help` never parses the engine, the SDK or the TypeScript compiler. dist/cli.mjs stays the entry.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const quiet = process.argv.includes('--quiet');

// Chunk names carry a content hash: drop the previous build's so dist/ holds only what cli.mjs imports.
fs.rmSync(path.join(root, 'dist/cli-chunks'), { recursive: true, force: true });
const CLI_EXTERNAL = ['better-sqlite3', 'esbuild', 'typescript', 'e2b', '@anthropic-ai/sandbox-runtime', 'electron', 'ws', 'mldoc', 'chokidar', 'gpt-tokenizer', 'pino', 'write-file-atomic', 'jsonc-parser'];
// keepNames: errors take their class's name (`new.target.name`), which bundling would otherwise suffix on a clash.
const node = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, keepNames: true, logLevel: 'warning' };
await Promise.all([
  esbuild({
    ...node,
    // Small pure-JS dependencies are bundled into the chunks: resolving and compiling their hundreds of ESM files
    // (date-fns alone is ~250) cost more at start than all of our code. What stays external is native, huge and
    // loaded only by the commands that need it, or reads its own files at run time (pino and write-file-atomic read __filename; jsonc-parser's UMD build requires its own files).
    packages: undefined,
    external: CLI_EXTERNAL,
    // Bundled CommonJS (cross-spawn, ajv…) calls require() for Node built-ins; ESM output has none of its own.
    banner: { js: "import { createRequire as __skillgraphRequire } from 'node:module'; const require = __skillgraphRequire(import.meta.url);" },
    // The token counter's worker (electron/engine/gateway/token-counter.ts starts it from dist/, for the CLI and the app).
    entryPoints: { cli: path.join(root, 'electron/cli/main.ts'), 'token-counter-worker': path.join(root, 'electron/engine/gateway/token-counter-worker.ts') },
    outdir: path.join(root, 'dist'),
    format: 'esm',
    splitting: true,
    chunkNames: 'cli-chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
  }),
  // The Electron main is two files: main.mjs sets the environment dependencies read at load, then imports app.mjs.
  esbuild({ ...node, entryPoints: [path.join(root, 'electron/main/entry.ts')], outfile: path.join(root, 'dist/electron/main.mjs'), format: 'esm', external: ['electron'] }),
  esbuild({ ...node, entryPoints: [path.join(root, 'electron/main/main.ts')], outfile: path.join(root, 'dist/electron/app.mjs'), format: 'esm', external: ['electron'] }),
  // Sandboxed preloads cannot require() anything but electron, so the preload bundles its few imports.
  esbuild({ ...node, packages: undefined, entryPoints: [path.join(root, 'electron/main/preload.ts')], outfile: path.join(root, 'dist/electron/preload.cjs'), format: 'cjs', external: ['electron'] }),
  vite({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: quiet ? 'warn' : 'info' }),
]);
// The sandbox runtime (electron/engine/runtime/) is read as files at run time: the bundled engine finds them here.
fs.rmSync(path.join(root, 'dist/runtime'), { recursive: true, force: true });
fs.mkdirSync(path.join(root, 'dist/runtime'), { recursive: true });
for (const name of ['bridge.ts', '_bridge.py', 'runner.mjs', 'runner.py', 'compile_api.py']) {
  fs.copyFileSync(path.join(root, 'electron/engine/runtime', name), path.join(root, 'dist/runtime', name));
}
console.log(`Built Skillgraph in ${((Date.now() - started) / 1000).toFixed(1)}s`);
