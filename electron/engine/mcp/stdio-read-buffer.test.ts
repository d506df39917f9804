// The stdio reader for large results: messages split anywhere come out whole and in order, a message without end is
// refused with a clear error, and a real npm server's 20 MB result (over the SDK's 10 MB default) reaches the caller.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { McpPool } from './pool';
import { LineReadBuffer } from './stdio-read-buffer';

const FILESYSTEM_SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

describe('LineReadBuffer', () => {
  it('returns every message whole and in order, however the stream is chunked', () => {
    const messages = [
      { jsonrpc: '2.0', id: 1, result: { text: 'é'.repeat(50_000) } },
      { jsonrpc: '2.0', method: 'notifications/tools/list_changed' },
      { jsonrpc: '2.0', id: 2, result: {} },
    ];
    const bytes = Buffer.from(messages.map((m, i) => JSON.stringify(m) + (i === 1 ? '\r\n' : '\n')).join(''));
    for (const size of [1, 7, 4096, bytes.length]) {
      const buffer = new LineReadBuffer();
      const read: unknown[] = [];
      for (let at = 0; at < bytes.length; at += size) {
        buffer.append(bytes.subarray(at, at + size));
        for (let message = buffer.readMessage(); message !== null; message = buffer.readMessage()) read.push(message);
      }
      expect(read).toEqual(messages);
    }
  });

  it('refuses a message longer than its limit', () => {
    const buffer = new LineReadBuffer(1000);
    buffer.append(Buffer.alloc(600, 'x'));
    expect(() => buffer.append(Buffer.alloc(600, 'x'))).toThrow(/exceeded 1000 bytes/);
    buffer.append(Buffer.from('{"jsonrpc":"2.0","id":3,"result":{}}\n'));
    expect(buffer.readMessage()).toEqual({ jsonrpc: '2.0', id: 3, result: {} });
  });
});

describe('McpPool with a large stdio result', () => {
  it('receives a 20 MB read_text_file result from server-filesystem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-big-result-'));
    const pool = new McpPool({ configs: { filesystem: { command: process.execPath, args: [FILESYSTEM_SERVER, dir] } } });
    try {
      const line = 'id,region,amount,' + 'x'.repeat(82) + '\n';
      writeFileSync(path.join(dir, 'big.csv'), line.repeat(210 * 1024));
      const result = await pool.callTool('filesystem', 'read_text_file', { path: path.join(dir, 'big.csv') });
      const text = (result.content as Array<{ type: string; text: string }>)[0].text;
      expect(text.length).toBe(line.length * 210 * 1024);
      expect(text.length).toBeGreaterThan(20 * 1024 * 1024);
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
