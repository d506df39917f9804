// A plain Node program for dispose.test.ts: opens the engine, runs hello world, closes the engine, and must then exit
// by itself. Prints what the test needs to look for leftovers: its pid and the sandbox runtime's proxy socket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SandboxManager } from '@anthropic-ai/sandbox-runtime';
import { Engine } from '../../engine';

const data = mkdtempSync(path.join(tmpdir(), 'sg-run-then-close-'));
const language = (process.argv[2] ?? 'typescript') as 'typescript' | 'python';
const engine = await Engine.open({ data, host: 'cli' });
const code = language === 'python' ? 'print("hi")' : 'console.log("hi")';
const result = await engine.runs.start({ code, language, origin: 'cli' }).done;
const proxySocket = SandboxManager.getLinuxHttpSocketPath();
await engine.close();
rmSync(data, { recursive: true, force: true });
console.log(JSON.stringify({ pid: process.pid, status: result.status, stdout: result.stdout, proxySocket }));
