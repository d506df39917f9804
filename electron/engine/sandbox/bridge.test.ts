// The bridge host: frames on a shared stdout (the E2B transport) are recognised only behind the run's secret, even
// when split across chunks or glued to printed text; buffers stay bounded; a call is answered before it is recorded.
import { describe, expect, it } from 'vitest';
import { BridgeHost, FrameDemuxer, LineSplitter } from './bridge';

function demux(secret: string, chunks: string[]): { text: string; frames: string[] } {
  let text = '';
  const frames: string[] = [];
  const demuxer = new FrameDemuxer(secret, (t) => (text += t), (f) => frames.push(f));
  for (const chunk of chunks) demuxer.push(chunk);
  demuxer.flush();
  return { text, frames };
}

describe('FrameDemuxer', () => {
  const mark = '\u001es3cret\u001f';

  it('separates frames from text in any chunking', () => {
    const stream = `hello ${mark}{"id":1}\nworld\n${mark}{"id":2}\n\u001enot a frame\n`;
    for (let size = 1; size <= stream.length; size++) {
      const chunks = stream.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect(demux('s3cret', chunks)).toEqual({ text: 'hello world\n\u001enot a frame\n', frames: ['{"id":1}', '{"id":2}'] });
    }
  });

  it('leaves a frame marked with another secret as text', () => {
    expect(demux('s3cret', ['\u001eguess\u001f{"id":1}\n'])).toEqual({ text: '\u001eguess\u001f{"id":1}\n', frames: [] });
  });
});

describe('LineSplitter', () => {
  it('rebuilds a multi-megabyte line from many chunks', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const big = 'é'.repeat(3_000_000);
    const bytes = Buffer.from(`${big}\nshort\n`);
    for (let at = 0; at < bytes.length; at += 65_536) splitter.push(bytes.subarray(at, at + 65_536));
    expect(lines).toEqual([big, 'short']);
  });
});

describe('bounded buffering', () => {
  it('LineSplitter never assembles a line longer than its limit, says so once, and drops what follows', () => {
    const lines: string[] = [];
    let tooLong = 0;
    const splitter = new LineSplitter((line) => lines.push(line), 1024, () => tooLong++);
    splitter.push(Buffer.from('short\n'));
    for (let i = 0; i < 100; i++) splitter.push(Buffer.alloc(600, 97)); // 60 KB without a newline
    splitter.push(Buffer.from('\nafter\n'));
    expect(lines).toEqual(['short']);
    expect(tooLong).toBe(1);
  });

  it('FrameDemuxer drops a frame longer than its limit and keeps the text around it', () => {
    const mark = '\u001es3cret\u001f';
    let text = '';
    const frames: string[] = [];
    let tooLong = 0;
    const demuxer = new FrameDemuxer('s3cret', (t) => (text += t), (f) => frames.push(f), 100, () => tooLong++);
    demuxer.push(`before ${mark}{"id":1}\n`);
    for (let i = 0; i < 50; i++) demuxer.push(`${i === 0 ? mark : ''}${'x'.repeat(40)}`);
    demuxer.push('\nafter');
    demuxer.flush();
    expect(frames).toEqual(['{"id":1}']);
    expect(tooLong).toBe(1);
    expect(text).toBe('before after');
  });
});

describe('the stdout transport (E2B) keeps the bridge host bounded', () => {
  it('a frame longer than the bridge limit ends the run with the same sentence as the local descriptor', () => {
    const stopped: string[] = [];
    const bridge = new BridgeHost({
      runId: 'r1',
      session: 'default',
      secret: 's3cret',
      tools: { call: async () => ({ content: [] }) },
      onToolCall: () => undefined,
      limits: { frameBytes: 1024, inFlightBytes: 1 << 20 },
      onLimitExceeded: (message) => stopped.push(message),
    });
    let text = '';
    const demuxer = FrameDemuxer.forBridge(bridge, (t) => (text += t), () => undefined);
    demuxer.push('printed \u001es3cret\u001f');
    for (let i = 0; i < 4096; i++) demuxer.push('x'.repeat(4096)); // 16 MB of one frame, never a newline
    demuxer.push('\nafter');
    demuxer.flush();
    expect(stopped).toEqual(['the run sent a bridge frame longer than 1 KB (a tool call\'s arguments, or data that is not a call); the run was stopped']);
    expect(text).toBe('printed after');
  });
});

describe('a call is answered before the host records it', () => {
  it('writes the answer, then records the call (its last event, its result) in the same turn, before anything the code does next', async () => {
    const seen: string[] = [];
    const bridge = new BridgeHost({
      runId: 'r1',
      session: 'default',
      secret: 's3cret',
      tools: { call: async (_server, _tool, args) => ({ echoed: args }) },
      onResult: (_call, data) => seen.push(`result ${JSON.stringify(data)}`),
      onToolCall: (event) => seen.push(event.ok === undefined ? 'called' : `answered ${event.resultPreview}`),
      limits: { frameBytes: 1 << 20, inFlightBytes: 1 << 20 },
      onLimitExceeded: () => undefined,
    });
    bridge.handleFrame(JSON.stringify({ t: 's3cret', id: 1, server: 'srv', tool: 'echo', args: { n: 1 } }), (line) => {
      seen.push(`reply ${JSON.parse(line).id}`);
      // What the code does with the answer reaches the host in a later turn at the earliest.
      queueMicrotask(() => seen.push('next turn'));
    });
    await bridge.drain();
    expect(seen).toEqual(['called', 'reply 1', 'result {"echoed":{"n":1}}', 'answered {"echoed":{"n":1}}', 'next turn']);
  });

  it('answers a failed call first too, then records its failure', async () => {
    const seen: string[] = [];
    const bridge = new BridgeHost({
      runId: 'r1',
      session: 'default',
      secret: 's3cret',
      tools: {
        call: async () => {
          throw new Error('no such tool');
        },
      },
      onToolCall: (event) => seen.push(event.ok === undefined ? 'called' : `failed ${event.error}`),
      limits: { frameBytes: 1 << 20, inFlightBytes: 1 << 20 },
      onLimitExceeded: () => undefined,
    });
    bridge.handleFrame(JSON.stringify({ t: 's3cret', id: 7, server: 'srv', tool: 'gone' }), (line) => seen.push(`reply ${JSON.parse(line).error}`));
    await bridge.drain();
    expect(seen).toEqual(['called', 'reply no such tool', 'failed no such tool']);
  });
});
