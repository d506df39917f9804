#!/usr/bin/env node
// The `skillgraph` command: runs the built CLI (dist/cli.mjs), built by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error('skillgraph is not built yet: run `npm run build` (or `npm start`) in the Skillgraph folder first.');
  process.exit(1);
}
const { runCli, exitAfterFlush } = await import(cli);
// Exit explicitly: a finished command must not linger on a helper process or socket it did not own.
exitAfterFlush(await runCli(process.argv.slice(2)));
