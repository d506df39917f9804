// Runs every benchmark under bench/ (or the ones named: `npm run bench -- graph index`) one after another,
// so they do not compete for the machine's two cores, and prints their figures.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
const all = fs.readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.bench.ts')).sort();
const chosen = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
if (!chosen.length) {
  console.error(`No benchmark matches ${wanted.join(', ')}. Available: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'bench', file)], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    failed++;
    console.error(`${file} exited with ${result.status}`);
  }
}
process.exit(failed ? 1 : 0);
