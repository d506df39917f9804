// The Console's output tail: what is kept under the cap, what counts as dropped, and who is told.
import { describe, expect, it } from 'vitest';
import { OutputBuffer, type OutputChunk } from './outputBuffer';

describe('OutputBuffer', () => {
  it('keeps every chunk in order, by stream, while under the cap', () => {
    const buffer = new OutputBuffer(100);
    buffer.append('stdout', 'one ');
    buffer.append('stderr', 'oops ');
    buffer.append('stdout', 'two');
    expect(buffer.snapshot()).toEqual([
      { stream: 'stdout', text: 'one ' },
      { stream: 'stderr', text: 'oops ' },
      { stream: 'stdout', text: 'two' },
    ]);
    expect(buffer.received).toBe(12);
    expect(buffer.dropped).toBe(0);
  });

  it('drops whole old chunks past the cap, keeps the newest, and counts what it dropped', () => {
    const buffer = new OutputBuffer(10);
    buffer.append('stdout', 'aaaaaa');
    buffer.append('stdout', 'bbbbbb');
    expect(buffer.snapshot()).toEqual([{ stream: 'stdout', text: 'bbbbbb' }]);
    expect(buffer.received).toBe(12);
    expect(buffer.dropped).toBe(6);
  });

  it('keeps only the last cap characters of a chunk larger than the cap', () => {
    const buffer = new OutputBuffer(4);
    buffer.append('stdout', 'abcdefgh');
    expect(buffer.snapshot()).toEqual([{ stream: 'stdout', text: 'efgh' }]);
    expect(buffer.dropped).toBe(4);
  });

  it('tells subscribers of each chunk as kept, and of a clear as null; ignores empty chunks', () => {
    const buffer = new OutputBuffer(4);
    const seen: Array<OutputChunk | null> = [];
    const off = buffer.subscribe((chunk) => seen.push(chunk));
    buffer.append('stdout', '');
    buffer.append('stderr', 'abcdef');
    buffer.clear();
    off();
    buffer.append('stdout', 'unseen');
    expect(seen).toEqual([{ stream: 'stderr', text: 'cdef' }, null]);
    expect(buffer.snapshot()).toEqual([{ stream: 'stdout', text: 'seen' }]);
    expect(buffer.received).toBe(6);
  });
});
