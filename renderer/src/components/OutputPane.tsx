// Live run output with ANSI colours. New chunks are appended to the DOM once per animation frame, and only
// the last ~capChars characters stay in the DOM, so a run printing megabytes keeps the UI responsive.
import Anser from 'anser';
import { useEffect, useRef, useState } from 'react';
import type { OutputBuffer, OutputChunk } from './outputBuffer';

function renderChunks(chunks: OutputChunk[]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const chunk of chunks) {
    for (const part of Anser.ansiToJson(chunk.text, { json: true, remove_empty: true })) {
      const span = document.createElement('span');
      span.textContent = part.content;
      if (chunk.stream === 'stderr') span.className = 'stderr';
      if (part.fg) span.style.color = `rgb(${part.fg})`;
      if (part.bg) span.style.backgroundColor = `rgb(${part.bg})`;
      if (part.decorations.includes('bold')) span.style.fontWeight = 'bold';
      if (part.decorations.includes('italic')) span.style.fontStyle = 'italic';
      if (part.decorations.includes('underline')) span.style.textDecoration = 'underline';
      fragment.append(span);
    }
  }
  return fragment;
}

function formatSize(chars: number): string {
  if (chars >= 1024 * 1024) return `${(chars / 1024 / 1024).toFixed(1)} MB`;
  if (chars >= 1024) return `${Math.round(chars / 1024)} KB`;
  return `${chars} characters`;
}

export function OutputPane(props: { buffer: OutputBuffer; logHint?: string }) {
  const pre = useRef<HTMLPreElement>(null);
  const domChars = useRef(0);
  const [dropped, setDropped] = useState(0);

  useEffect(() => {
    const el = pre.current!;
    const { buffer } = props;
    let queue: OutputChunk[] = buffer.snapshot();
    let frame = 0;
    el.replaceChildren();
    domChars.current = 0;

    const flush = () => {
      frame = 0;
      if (!queue.length) return;
      const stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      // Only the newest capChars can survive the trim, so older queued text is never rendered at all.
      let budget = buffer.capChars;
      let start = queue.length;
      while (start > 0 && budget > 0) budget -= queue[--start].text.length;
      const batch = queue.slice(start);
      queue = [];
      for (const chunk of batch) domChars.current += chunk.text.length;
      el.append(renderChunks(batch));
      while (domChars.current > buffer.capChars && el.firstChild && el.childNodes.length > 1) {
        domChars.current -= el.firstChild.textContent?.length ?? 0;
        el.firstChild.remove();
      }
      setDropped(buffer.dropped);
      if (stickToBottom) el.scrollTop = el.scrollHeight;
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(flush);
    };
    schedule();
    const off = buffer.subscribe((chunk) => {
      if (chunk === null) {
        queue = [];
        el.replaceChildren();
        domChars.current = 0;
        setDropped(0);
        return;
      }
      queue.push(chunk);
      schedule();
    });
    return () => {
      off();
      cancelAnimationFrame(frame);
    };
  }, [props.buffer]);

  return (
    <div className="output">
      {dropped > 0 && (
        <p className="notice" role="status">
          Showing the last {formatSize(props.buffer.capChars)} of output; {formatSize(dropped)} earlier is not shown here{props.logHint ? ` (full log: ${props.logHint})` : ''}.
        </p>
      )}
      <pre ref={pre} className="output-text" aria-label="Output" aria-live="off" tabIndex={0} />
    </div>
  );
}
