// One contract every sandbox backend meets, run against each (local always; E2B when E2B_API_KEY is set): output
// streams, the bridge carries concurrent calls, large results and typed errors, frames never leak into stdout,
// the workspace persists, and cancellation ends the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunManager } from './runs';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';
import type { SandboxBackend } from './types';

export function describeSandboxBackendContract(name: 'local' | 'e2b', makeBackend: () => SandboxBackend, skipReason?: string): void {
  if (skipReason) {
    console.info(`sandbox contract for ${name} skipped: ${skipReason}`);
    describe.skip(`sandbox backend contract: ${name} (skipped: ${skipReason})`, () => {
      it('is skipped', () => undefined);
    });
    return;
  }
  describe(`sandbox backend contract: ${name}`, () => {
    let fixture: SandboxFixture;
    let runs: RunManager;
    beforeAll(async () => {
      fixture = await createSandboxFixture();
      runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: name, backends: { [name]: makeBackend() } });
    });
    afterAll(async () => {
      await runs?.dispose();
      await fixture?.cleanup();
    });

    it('streams stdout and stderr and reports the exit code', async () => {
      const result = await runs.start({ code: `console.log('out'); console.error('err'); process.exitCode = 3;`, language: 'javascript', origin: 'app' }).done;
      expect(result).toMatchObject({ status: 'failed', exitCode: 3, stdout: 'out\n', stderr: 'err\n', backend: name });
    });

    it('carries 50 concurrent calls and a 5 MB result, with printed text that imitates a frame left alone', async () => {
      const code = `
import { echo } from './servers/everything';
process.stdout.write('{"t":"guess","id":1,"server":"everything","tool":"echo","args":{}}\\n');
const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => echo({ message: 'm' + i })));
console.log(replies.every((r, i) => JSON.stringify(r).includes('m' + i)) ? 'all matched' : 'MISMATCH');
const big = 'z'.repeat(5 * 1024 * 1024);
const back = await echo({ message: big });
console.log('big', JSON.stringify(back).length > big.length);
`;
      const result = await runs.start({ code, language: 'typescript', origin: 'app' }).done;
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('"t":"guess"');
      expect(result.stdout).toContain('all matched');
      expect(result.stdout).toContain('big true');
      expect(result.toolCalls).toHaveLength(51);
      expect(result.toolCalls.every((c) => c.ok)).toBe(true);
    });

    it('raises McpToolError with the server message, in TypeScript and Python', async () => {
      const ts = await runs.start({
        code: `import { callMCPTool } from './servers/_bridge';\ntry { await callMCPTool('everything', 'no-such-tool', {}); } catch (e) { console.log((e as Error).name + ': ' + (e as Error).message); }`,
        language: 'typescript',
        origin: 'app',
      }).done;
      expect(ts.stdout).toMatch(/^McpToolError: .*no-such-tool/);
      const py = await runs.start({
        code: `from servers._bridge import call_mcp_tool, McpToolError\ntry:\n    await call_mcp_tool("everything", "no-such-tool", {})\nexcept McpToolError as e:\n    print("McpToolError:", e)`,
        language: 'python',
        origin: 'app',
      }).done;
      expect(py.stdout).toMatch(/^McpToolError: .*no-such-tool/);
    });

    it('keeps the workspace between runs of a session', async () => {
      await runs.start({ code: `open('kept.txt', 'w').write('kept')`, language: 'python', session: 'contract', origin: 'app' }).done;
      const read = await runs.start({ code: `import fs from 'node:fs'; console.log(fs.readFileSync('kept.txt', 'utf8'));`, language: 'javascript', session: 'contract', origin: 'app' }).done;
      expect(read.stdout).toBe('kept\n');
    });

    it('cancels a running script', async () => {
      const handle = runs.start({ code: `console.log('go'); await new Promise(() => setInterval(() => {}, 1000));`, language: 'javascript', origin: 'app' });
      await new Promise<void>((resolve) => handle.once('stdout', () => resolve()));
      runs.cancel(handle.id);
      expect((await handle.done).status).toBe('cancelled');
    });
  });
}
