// One contract every sandbox backend meets, run against each (local always; E2B when E2B_API_KEY is set): output
// streams, the bridge carries concurrent calls, large results and typed errors, frames never leak into stdout,
// the workspace persists (deletions too), time and output limits stop a run, Stop ends every process the run started,
// and the hostile cases that apply remotely: host files out of reach, host secrets absent from the environment.
// Test support, not engine code: only *.test.ts files import it (eslint keeps vitest out of engine modules).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunManager } from './runs';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';
import type { SandboxBackend } from './types';

/**
 * `makeBackend` builds the backend as the engine does for this fixture (the local one hides the data folder). With
 * `skipReason` every test of the contract is listed as skipped under a title giving the reason, and none runs.
 */
export function describeSandboxBackendContract(name: 'local' | 'e2b', makeBackend: (fixture: SandboxFixture) => SandboxBackend, skipReason?: string): void {
  describe.skipIf(skipReason !== undefined)(`sandbox backend contract: ${name}${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
    let fixture: SandboxFixture;
    let runs: RunManager;
    /** Same backend kind with tight limits, for the tests of limits. */
    let limited: RunManager;
    const hostSecret = `host-secret-${Date.now()}`;
    let hostOnlyFile: string;
    beforeAll(async () => {
      fixture = await createSandboxFixture();
      // A secret in the host's environment (like E2B_API_KEY or a server's token) must not reach sandboxed code.
      process.env.SKILLGRAPH_CONTRACT_SECRET = hostSecret;
      hostOnlyFile = path.join(fixture.sharedDir, 'host-only.txt');
      writeFileSync(hostOnlyFile, 'host only');
      runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: name, backends: { [name]: makeBackend(fixture) } });
      limited = new RunManager({
        dataDir: fixture.dataDir,
        apiDir: fixture.apiDir,
        tools: fixture.tools,
        backend: name,
        backends: { [name]: makeBackend(fixture) },
        // On E2B the limit also covers connecting to the session's sandbox and the upload, hence more room there.
        limits: { timeoutMs: name === 'e2b' ? 20_000 : 4000, logCapBytes: 2 * 1024 * 1024 },
      });
    });
    afterAll(async () => {
      delete process.env.SKILLGRAPH_CONTRACT_SECRET;
      await runs?.dispose();
      await limited?.dispose();
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

    it('mirrors files the run deleted or changed back to the session workspace', async () => {
      await runs.start({ code: `open('a.txt', 'w').write('a'); open('b.txt', 'w').write('b')`, language: 'python', session: 'mirror', origin: 'app' }).done;
      await runs.start({ code: `import os\nos.remove('a.txt')\nopen('b.txt', 'w').write('b2')`, language: 'python', session: 'mirror', origin: 'app' }).done;
      expect(runs.listWorkspaceFiles('mirror').map((f) => [f.path, f.size])).toEqual([['b.txt', 2]]);
    });

    it('keeps host files out of reach', async () => {
      const code = `import fs from 'node:fs';\ntry { fs.readFileSync(${JSON.stringify(hostOnlyFile)}, 'utf8'); console.log('READ THE HOST FILE'); } catch (e) { console.log('unreadable', (e as NodeJS.ErrnoException).code); }`;
      const result = await runs.start({ code, language: 'typescript', origin: 'app' }).done;
      expect(result.stdout).toMatch(/^unreadable E(NOENT|ACCES|PERM)\n$/);
    });

    it('does not hand the host environment\'s secrets to sandboxed code', async () => {
      const code = `const leaked = Object.entries(process.env).filter(([k, v]) => k === 'E2B_API_KEY' || k === 'SKILLGRAPH_CONTRACT_SECRET' || (v ?? '').includes(${JSON.stringify(hostSecret)}));\nconsole.log(leaked.length === 0 ? 'clean' : 'LEAKED ' + leaked.map(([k]) => k).join(','));`;
      expect((await runs.start({ code, language: 'javascript', origin: 'app' }).done).stdout).toBe('clean\n');
      const py = `import os\nprint('clean' if not [k for k, v in os.environ.items() if k in ('E2B_API_KEY', 'SKILLGRAPH_CONTRACT_SECRET') or ${JSON.stringify(hostSecret)} in v] else 'LEAKED')`;
      expect((await runs.start({ code: py, language: 'python', origin: 'app' }).done).stdout).toBe('clean\n');
    });

    it('stops a run at its time limit and one that prints without end at the log cap', async () => {
      const slow = await limited.start({ code: `console.log('start'); await new Promise(() => setInterval(() => {}, 1000));`, language: 'javascript', origin: 'app' }).done;
      expect(slow).toMatchObject({ status: 'timeout', stdout: 'start\n' });
      const flood = await limited.start({ code: `const line = 'x'.repeat(1023) + '\\n'; for (;;) process.stdout.write(line);`, language: 'javascript', origin: 'app' }).done;
      expect(flood.status).toBe('killed');
      expect(flood.notice).toMatch(/printed more than 2 MB and was stopped/);
    });

    it('Stop ends every process the run started, background ones included', async () => {
      const code = `import { spawn } from 'node:child_process';\nspawn('sh', ['-c', 'while true; do echo t >> ticks; sleep 0.1; done'], { detached: true, stdio: 'ignore' }).unref();\nconsole.log('spawned');\nawait new Promise(() => setInterval(() => {}, 1000));`;
      const handle = runs.start({ code, language: 'javascript', session: 'stop', origin: 'app' });
      await new Promise<void>((resolve) => handle.once('stdout', () => resolve()));
      runs.cancel(handle.id);
      expect((await handle.done).status).toBe('cancelled');
      const check = `import fs from 'node:fs';\nconst size = () => (fs.existsSync('ticks') ? fs.statSync('ticks').size : 0);\nconst before = size();\nawait new Promise((r) => setTimeout(r, 1000));\nconsole.log(size() === before ? 'still' : 'STILL WRITING');`;
      expect((await runs.start({ code: check, language: 'javascript', session: 'stop', origin: 'app' }).done).stdout).toBe('still\n');
    });

    it('cancels a running script', async () => {
      const handle = runs.start({ code: `console.log('go'); await new Promise(() => setInterval(() => {}, 1000));`, language: 'javascript', origin: 'app' });
      await new Promise<void>((resolve) => handle.once('stdout', () => resolve()));
      runs.cancel(handle.id);
      expect((await handle.done).status).toBe('cancelled');
    });
  });
}
