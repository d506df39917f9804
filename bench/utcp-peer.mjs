// The UTCP code-mode peer of bench/peers.bench.ts, run as a child process under Node >= 22 (isolated-vm 6 loads only
// there): @utcp/code-mode's CodeModeUtcpClient with @utcp/mcp connected to server-everything over MCP stdio, as the
// package documents. Speaks JSON lines on stdio: it prints {"ready":ms} once started, then answers each {"code"} line
// with {"logs","error"} of one callToolChain. Not part of the product; the bench owns it.
import readline from 'node:readline';
import { CodeModeUtcpClient } from '@utcp/code-mode';
import '@utcp/mcp';

const [everythingServer] = process.argv.slice(2);
// stdout carries the answers; the libraries' own console lines (one per tool call) go to stderr.
console.log = console.error;
console.info = console.error;
const started = performance.now();
const client = await CodeModeUtcpClient.create(process.cwd(), null);
await client.registerManual({
  name: 'everything',
  call_template_type: 'mcp',
  config: { mcpServers: { everything: { transport: 'stdio', command: process.env.SKILLGRAPH_BENCH_NODE ?? 'node', args: [everythingServer, 'stdio'] } } },
});
const tools = (await client.getTools()).map((tool) => tool.name);
process.stdout.write(JSON.stringify({ ready: performance.now() - started, tools }) + '\n');
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const { code } = JSON.parse(line);
  try {
    const outcome = await client.callToolChain(code);
    process.stdout.write(JSON.stringify({ logs: outcome.logs }) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error?.stack ?? error) }) + '\n');
  }
}
await client.close?.();
