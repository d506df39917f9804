// Hostile scripts on the local sandbox: each is contained, ends with a clear outcome, and leaves nothing running.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunManager } from './runs';
import { runtimeSource } from '../runtime/sources';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';
import { until } from '../test-fixtures';

let fixture: SandboxFixture;
let runs: RunManager;
let databaseFile: string;
let graphDir: string;

function processCount(matching: (args: string) => boolean = () => true): number {
  return execFileSync('ps', ['-e', '-o', 'args='], { encoding: 'utf8' }).split('\n').filter(Boolean).filter(matching).length;
}

beforeAll(async () => {
  fixture = await createSandboxFixture();
  databaseFile = path.join(fixture.dataDir, 'index.sqlite');
  writeFileSync(databaseFile, 'SECRET-DATABASE-CONTENT');
  graphDir = path.join(tmpdir(), `sg-graph-${process.pid}`);
  mkdirSync(path.join(graphDir, 'pages'), { recursive: true });
  writeFileSync(path.join(graphDir, 'pages', 'private.md'), '- SECRET-GRAPH-PAGE');
  runs = new RunManager({
    dataDir: fixture.dataDir,
    apiDir: fixture.apiDir,
    tools: fixture.tools,
    backend: 'local',
    privatePaths: [graphDir],
    limits: { timeoutMs: 5_000, memoryMb: 256, logCapBytes: 8 * 1024 * 1024, outputCapBytes: 64 * 1024, maxProcesses: 64 },
  });
});

afterAll(async () => {
  await runs?.dispose();
  await fixture?.cleanup();
});

describe('hostile scripts are contained', () => {
  it('cannot read ~/.ssh, the app data folder or the graph', async () => {
    const targets = [path.join(homedir(), '.ssh'), databaseFile, path.join(graphDir, 'pages', 'private.md'), path.join(fixture.dataDir, 'runs')];
    const code = `
import os
for target in ${JSON.stringify(targets)}:
    try:
        if os.path.isdir(target):
            print(target, "listing", sorted(os.listdir(target)))
        else:
            print(target, "read", open(target).read())
    except OSError as error:
        print(target, "denied", type(error).__name__)
`;
    const result = await runs.start({ code, language: 'python', origin: 'app' }).done;
    expect(result.status).toBe('succeeded');
    expect(result.stdout).not.toContain('SECRET');
    // hidden folders are empty or absent inside the sandbox
    for (const target of targets) expect(result.stdout).toMatch(new RegExp(`${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (denied|listing \\[\\])`));
  });

  it('cannot write outside its workspace', async () => {
    const escapes = [path.join(fixture.dataDir, 'escaped.txt'), path.join(fixture.apiDir, 'servers', '_bridge.ts'), path.join(tmpdir(), `sg-escaped-${process.pid}.txt`), path.join(homedir(), `sg-escaped-${process.pid}.txt`)];
    const code = `
import fs from 'node:fs';
for (const target of ${JSON.stringify(escapes)}) {
  try {
    fs.writeFileSync(target, 'escaped');
    console.log(target, 'WROTE');
  } catch (error) {
    console.log(target, 'denied', (error as NodeJS.ErrnoException).code);
  }
}
fs.writeFileSync('inside.txt', 'fine');
console.log('inside ok');
`;
    const bridgeBefore = readdirSync(path.join(fixture.apiDir, 'servers')).length;
    const result = await runs.start({ code, language: 'typescript', origin: 'app', session: 'hostile-write' }).done;
    expect(result.status).toBe('succeeded');
    expect(result.stdout).toContain('inside ok');
    // Hidden folders (the data folder, home) are empty scratch mounts inside the sandbox: a write there may
    // "succeed" but never reaches the host. Everything else is read-only.
    expect(result.stdout).toMatch(/sg-escaped-\d+\.txt denied EROFS/);
    expect(result.stdout).toMatch(/_bridge\.ts denied (EROFS|EACCES)/);
    for (const target of escapes.filter((t) => !t.endsWith('_bridge.ts'))) expect(existsSync(target)).toBe(false);
    expect(readFileSync(path.join(fixture.apiDir, 'servers', '_bridge.ts'), 'utf8')).toBe(runtimeSource('bridge.ts'));
    expect(readdirSync(path.join(fixture.apiDir, 'servers')).length).toBe(bridgeBefore);
    expect(runs.listWorkspaceFiles('hostile-write').map((f) => f.path)).toEqual(['inside.txt']);
  });

  it('cannot open a network connection', async () => {
    const code = `
import net from 'node:net';
try {
  const response = await fetch('https://example.com', { signal: AbortSignal.timeout(3000) });
  console.log('fetch', response.status);
} catch (error) {
  console.log('fetch failed', (error as Error).name);
}
const raw = await new Promise<string>((resolve) => {
  const socket = net.connect({ host: '1.1.1.1', port: 53, timeout: 2000 });
  socket.on('connect', () => resolve('CONNECTED'));
  socket.on('error', (error) => resolve('denied ' + (error as NodeJS.ErrnoException).code));
  socket.on('timeout', () => resolve('denied timeout'));
});
console.log('raw', raw);
`;
    const result = await runs.start({ code, language: 'typescript', origin: 'app' }).done;
    expect(result.status).toBe('succeeded');
    expect(result.stdout).not.toMatch(/fetch 200|CONNECTED/);
    expect(result.stdout).toMatch(/fetch (failed|403)/);
    expect(result.stdout).toContain('raw denied');
  });

  it('reaches a domain the allowed-domains setting names, and still nothing else (the positive control)', async () => {
    // No internet here: a local HTTP server stands in for an allowed domain.
    const server = http.createServer((_request, response) => response.end('hello from the allowed host'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const allowed = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', allowedDomains: ['127.0.0.1'], limits: { timeoutMs: 20_000 } });
    try {
      // Node 20's fetch ignores HTTP_PROXY, so the script asks the sandbox's proxy itself, as an HTTP client would.
      const code = `
import http from 'node:http';
const proxy = new URL(process.env.HTTP_PROXY!);
const auth = 'Basic ' + Buffer.from(decodeURIComponent(proxy.username) + ':' + decodeURIComponent(proxy.password)).toString('base64');
for (const url of ['http://127.0.0.1:${port}/', 'http://example.com/']) {
  const answer = await new Promise<string>((resolve) => {
    const request = http.request({ host: proxy.hostname, port: Number(proxy.port), path: url, headers: { host: new URL(url).host, 'proxy-authorization': auth } }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(response.statusCode + ' ' + body.slice(0, 60)));
    });
    request.on('error', (error) => resolve('failed ' + error.message));
    request.end();
  });
  console.log(url, answer);
}
`;
      const result = await allowed.start({ code, language: 'typescript', origin: 'app' }).done;
      expect(result.status).toBe('succeeded');
      expect(result.stdout).toContain(`http://127.0.0.1:${port}/ 200 hello from the allowed host`);
      expect(result.stdout).toMatch(/http:\/\/example\.com\/ 403/);
    } finally {
      await allowed.dispose();
      server.close();
    }
  });

  it('a fork bomb hits the process limit and is killed at the time limit, leaving nothing behind', async () => {
    const bombs = (): number => processCount((args) => args.includes(':|:&'));
    const code = `import os, time\nos.system("bash -c ':(){ :|:& };:'")\nprint("bomb started", flush=True)\ntime.sleep(60)`;
    const handle = runs.start({ code, language: 'python', origin: 'app' });
    let whileRunning = 0;
    handle.once('stdout', () => (whileRunning = bombs()));
    const result = await handle.done;
    expect(result.stdout).toContain('bomb started');
    expect(whileRunning, 'the bomb was never seen running: the check below would prove nothing').toBeGreaterThan(0);
    expect(result.status).toBe('timeout');
    // Counted by command line: the machine's total moves with other work and with the spare runner started meanwhile.
    // The kernel reaps the killed tree asynchronously: wait for it (bounded), then require that nothing is left.
    await until('the killed fork bomb to be reaped', () => bombs() === 0, 10_000);
  });

  it('allocating without bound ends the run with a memory error (heap, buffers and Python)', async () => {
    const heap = await runs.start({ code: `const keep = []; for (;;) keep.push(new Array(1e6).fill(7));`, language: 'javascript', origin: 'app' }).done;
    expect(heap.status).toBe('failed');
    expect(heap.stderr).toContain('heap out of memory');

    const buffers = await runs.start({ code: `const keep = []; for (;;) keep.push(Buffer.alloc(64 * 1024 * 1024, 1));`, language: 'javascript', origin: 'app' }).done;
    expect(buffers.status).toBe('failed');
    expect(buffers.notice).toContain('hit its memory limit');

    const python = await runs.start({ code: `keep = []\nwhile True:\n    keep.append(bytearray(50 * 1024 * 1024))`, language: 'python', origin: 'app' }).done;
    expect(python.status).toBe('failed');
    expect(python.stderr).toContain('MemoryError');
  });

  it('an infinite loop is stopped at the time limit', async () => {
    const result = await runs.start({ code: `for (;;) {}`, language: 'javascript', origin: 'app' }).done;
    expect(result.status).toBe('timeout');
    expect(result.notice).toContain('longer than 5 s');
  });

  it('printing without end is capped for listeners and killed at the log limit', async () => {
    const result = await runs.start({ code: `const line = 'y'.repeat(1000); for (;;) console.log(line);`, language: 'javascript', origin: 'app' }).done;
    expect(result.status).toBe('killed');
    // The first 64 KB, then the last 64 KB (at most) when the run ends: bounded whatever the script prints.
    expect(result.stdout.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(result.stdout.length).toBeLessThanOrEqual(2 * 64 * 1024 + 1024);
    expect(result.notice).toContain('Output cut: the first 64 KB are shown; the last 64 KB follow when the run ends');
    expect(result.notice).toContain('printed more than 8 MB');
  });

  it('killing its parent or every process it can see ends only the run', async () => {
    const parent = await runs.start({ code: `process.kill(process.ppid, 'SIGKILL'); await new Promise((r) => setTimeout(r, 10_000));`, language: 'javascript', origin: 'app' }).done;
    // Its parent is the PID namespace's init, which a SIGKILL from inside cannot end: the script lives on to the limit.
    expect(parent.status).toBe('timeout');
    expect(parent.notice).toContain('longer than 5 s');
    const everyone = await runs.start({ code: `import os, signal\nos.kill(-1, signal.SIGKILL)`, language: 'python', origin: 'app' }).done;
    // kill(-1) reaches every process the script may signal: none but itself is visible, so there is nobody to kill.
    expect(everyone.status).toBe('failed');
    expect(everyone.stderr).toContain('ProcessLookupError');
    // the host (this test process) and the MCP servers survived
    const after = await runs.start({ code: `import { echo } from './servers/everything'; console.log(await echo({ message: 'still here' }));`, language: 'typescript', origin: 'app' }).done;
    expect(after.stdout).toContain('still here');
  });
});
