// Builds everything `npm start` and the packaged app need: the renderer with Vite, and the Node side
// (CLI, Electron main, preload) with esbuild. Dependencies stay external; only our code is bundled.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const quiet = process.argv.includes('--quiet');

const node = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };
await Promise.all([
  esbuild({ ...node, entryPoints: [path.join(root, 'electron/cli/main.ts')], outfile: path.join(root, 'dist/cli.mjs'), format: 'esm' }),
  // The Electron main is two files: main.mjs sets the environment dependencies read at load, then imports app.mjs.
  esbuild({ ...node, entryPoints: [path.join(root, 'electron/main/entry.ts')], outfile: path.join(root, 'dist/electron/main.mjs'), format: 'esm', external: ['electron'] }),
  esbuild({ ...node, entryPoints: [path.join(root, 'electron/main/main.ts')], outfile: path.join(root, 'dist/electron/app.mjs'), format: 'esm', external: ['electron'] }),
  // Sandboxed preloads cannot require() anything but electron, so the preload bundles its few imports.
  esbuild({ ...node, packages: undefined, entryPoints: [path.join(root, 'electron/main/preload.ts')], outfile: path.join(root, 'dist/electron/preload.cjs'), format: 'cjs', external: ['electron'] }),
  vite({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: quiet ? 'warn' : 'info' }),
]);
console.log(`Built Skillgraph in ${((Date.now() - started) / 1000).toFixed(1)}s`);
