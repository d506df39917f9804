// The tail of a run's output, kept outside React: chunks arrive as fast as the engine sends them, only the
// last `capBytes` are kept, and the pane that shows them is told about each new chunk to batch per frame.
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

export class OutputBuffer {
  private chunks: OutputChunk[] = [];
  private size = 0;
  /** Characters received in total, including those no longer kept. */
  received = 0;
  private listeners = new Set<(chunk: OutputChunk | null) => void>();

  constructor(readonly capChars = 256 * 1024) {}

  get dropped(): number {
    return this.received - this.size;
  }

  snapshot(): OutputChunk[] {
    return this.chunks.slice();
  }

  append(stream: OutputChunk['stream'], text: string): void {
    if (!text) return;
    const kept = text.length > this.capChars ? text.slice(text.length - this.capChars) : text;
    const chunk = { stream, text: kept };
    this.chunks.push(chunk);
    this.size += kept.length;
    this.received += text.length;
    let drop = 0;
    while (this.size > this.capChars && drop < this.chunks.length - 1) {
      this.size -= this.chunks[drop].text.length;
      drop++;
    }
    if (drop) this.chunks.splice(0, drop);
    for (const listener of this.listeners) listener(chunk);
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.received = 0;
    for (const listener of this.listeners) listener(null);
  }

  /** `null` means the buffer was cleared. */
  subscribe(listener: (chunk: OutputChunk | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
