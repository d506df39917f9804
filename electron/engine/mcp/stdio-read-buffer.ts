// Reading side of MCP stdio for large results: the SDK's ReadBuffer caps a message at 10 MB (SDK 1.32, PR #2239) and
// concatenates the whole pending buffer on every chunk, so a 20 MB result is refused, and one just under it is slow.
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { deserializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Largest message accepted from a stdio server: big tool results pass, a server printing without newlines does not. */
export const STDIO_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** Splits stdout into messages in linear time: each byte is scanned once, each message concatenated once. */
export class LineReadBuffer {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private ready: string[] = [];
  private next = 0;

  constructor(private readonly maxMessageBytes = STDIO_MAX_MESSAGE_BYTES) {}

  append(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(0x0a);
    while (newline !== -1) {
      this.parts.push(chunk.subarray(start, newline));
      const line = this.parts.length === 1 ? this.parts[0].toString('utf8') : Buffer.concat(this.parts).toString('utf8');
      this.parts = [];
      this.partBytes = 0;
      this.ready.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) {
      this.parts.push(chunk.subarray(start));
      this.partBytes += chunk.length - start;
      if (this.partBytes > this.maxMessageBytes) {
        this.clear();
        throw new Error(`a message from the server exceeded ${this.maxMessageBytes} bytes`);
      }
    }
  }

  readMessage(): JSONRPCMessage | null {
    if (this.next >= this.ready.length) {
      if (this.ready.length > 0) this.ready = [];
      this.next = 0;
      return null;
    }
    const line = this.ready[this.next];
    this.ready[this.next++] = ''; // let a large message go as soon as it is parsed
    return deserializeMessage(line);
  }

  clear(): void {
    this.parts = [];
    this.partBytes = 0;
    this.ready = [];
    this.next = 0;
  }
}

/**
 * Gives a stdio client transport the linear reader. The SDK offers no public hook for it, so the transport's own
 * buffer is replaced when it has the expected shape; otherwise the SDK's (with `maxBufferSize` raised) stays.
 */
export function useLineReadBuffer(transport: StdioClientTransport, maxMessageBytes = STDIO_MAX_MESSAGE_BYTES): StdioClientTransport {
  const internals = transport as unknown as { _readBuffer?: { append?: unknown; readMessage?: unknown } };
  if (typeof internals._readBuffer?.append === 'function' && typeof internals._readBuffer.readMessage === 'function') {
    internals._readBuffer = new LineReadBuffer(maxMessageBytes);
  }
  return transport;
}
