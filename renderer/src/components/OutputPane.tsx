// Live run output with ANSI colours. New chunks are appended to the DOM once per animation frame, and only
// the last ~capChars characters stay in the DOM, so a run printing megabytes keeps the UI responsive. Positions in
// the user's file (`console.ts:3:17`) are buttons that jump to that line; the output can be cleared and searched.
import Anser from 'anser';
import { useEffect, useRef, useState } from 'react';
import { outputCutNotice } from '../../../shared/output-notice';
import type { OutputBuffer, OutputChunk } from './outputBuffer';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Puts `text` into `span`, with each `file:line[:column]` of the user's file as a button carrying its position. */
function fillWithPositions(span: HTMLElement, text: string, position: RegExp | undefined): void {
  if (!position) {
    span.textContent = text;
    return;
  }
  let last = 0;
  for (const match of text.matchAll(position)) {
    if (match.index > last) span.append(text.slice(last, match.index));
    const jump = document.createElement('button');
    jump.type = 'button';
    jump.className = 'link position';
    jump.textContent = match[0];
    jump.dataset.line = match[1];
    if (match[2]) jump.dataset.column = match[2];
    jump.title = `Go to line ${match[1]}`;
    span.append(jump);
    last = match.index + match[0].length;
  }
  if (last < text.length) span.append(text.slice(last));
}

function renderChunks(chunks: OutputChunk[], position: RegExp | undefined): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const chunk of chunks) {
    for (const part of Anser.ansiToJson(chunk.text, { json: true, remove_empty: true })) {
      const span = document.createElement('span');
      // Errors name positions on stderr; stdout is the program's own text.
      fillWithPositions(span, part.content, chunk.stream === 'stderr' ? position : undefined);
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

/** Selects the next occurrence of `query` in `root` after the current selection (wrapping), and scrolls to it. */
function findNext(root: HTMLElement, query: string): boolean {
  const text = root.textContent ?? '';
  if (!query) return false;
  const selection = window.getSelection();
  let start = 0;
  if (selection && selection.rangeCount > 0 && root.contains(selection.anchorNode)) {
    const before = document.createRange();
    before.setStart(root, 0);
    before.setEnd(selection.focusNode!, selection.focusOffset);
    start = before.toString().length;
  }
  const lower = text.toLowerCase();
  let at = lower.indexOf(query.toLowerCase(), start);
  if (at === -1) at = lower.indexOf(query.toLowerCase());
  if (at === -1) return false;
  const range = document.createRange();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let offset = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.textContent?.length ?? 0;
    if (!started && at < offset + length) {
      range.setStart(node, at - offset);
      started = true;
    }
    if (started && at + query.length <= offset + length) {
      range.setEnd(node, at + query.length - offset);
      break;
    }
    offset += length;
  }
  selection?.removeAllRanges();
  selection?.addRange(range);
  (range.startContainer.parentElement ?? root).scrollIntoView({ block: 'center' });
  return true;
}

/** A notice with its `full log: <path>` as a button that opens the log, when it can be opened. */
export function WithLogLink(props: { text: string; onOpenLog?: () => void }) {
  const at = props.text.indexOf('full log: ');
  if (at === -1 || !props.onOpenLog) return <>{props.text}</>;
  const logPath = props.text.slice(at + 'full log: '.length);
  return (
    <>
      {props.text.slice(0, at)}full log:{' '}
      <button type="button" className="link position" title="Open the full log" onClick={props.onOpenLog}>
        {logPath}
      </button>
    </>
  );
}

export function OutputPane(props: {
  buffer: OutputBuffer;
  logHint?: string;
  fileName?: string;
  onPosition?: (line: number, column?: number) => void;
  onOpenLog?: () => void;
}) {
  const pre = useRef<HTMLPreElement>(null);
  const domChars = useRef(0);
  const [dropped, setDropped] = useState(0);
  const [query, setQuery] = useState('');
  const [notFound, setNotFound] = useState(false);
  const position = props.fileName && props.onPosition ? new RegExp(`(?<![\\w./-])${escapeRegExp(props.fileName)}:(\\d+)(?::(\\d+))?`, 'g') : undefined;
  const positionSource = position?.source;

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
      el.append(renderChunks(batch, positionSource ? new RegExp(positionSource, 'g') : undefined));
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
  }, [props.buffer, positionSource]);

  const onPosition = props.onPosition;
  const jump = (event: React.MouseEvent) => {
    const target = (event.target as HTMLElement).closest<HTMLElement>('button.position');
    if (!target?.dataset.line || !onPosition) return;
    onPosition(Number(target.dataset.line), target.dataset.column ? Number(target.dataset.column) : undefined);
  };
  const find = () => setNotFound(!findNext(pre.current!, query));

  return (
    <div className="output">
      <div className="output-tools" role="toolbar" aria-label="Find and clear">
        <input
          type="search"
          aria-label="Find text"
          placeholder="Find in output"
          value={query}
          onChange={(e) => (setQuery(e.target.value), setNotFound(false))}
          onKeyDown={(e) => e.key === 'Enter' && find()}
        />
        <button type="button" onClick={find} disabled={!query}>
          Find
        </button>
        {notFound && <span className="muted">not found</span>}
        <button type="button" onClick={() => props.buffer.clear()}>
          Clear
        </button>
      </div>
      {dropped > 0 && (
        <p className="notice" role="status">
          <WithLogLink text={outputCutNotice({ notShown: dropped, last: props.buffer.capChars, logPath: props.logHint })} onOpenLog={props.onOpenLog} />
        </p>
      )}
      <pre ref={pre} className="output-text" aria-label="Output" aria-live="off" tabIndex={0} onClick={jump} />
    </div>
  );
}
