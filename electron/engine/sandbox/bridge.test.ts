// Frame handling on a shared stdout (the E2B transport): frames are recognised only behind the run's secret, even
// when split across chunks or glued to printed text.
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
