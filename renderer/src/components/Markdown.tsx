// Renders Markdown written by people or agents (skill descriptions, tool docs) through the same remark
// pipeline as Logseq blocks: built as React elements, so no HTML string reaches the DOM.
import { LogseqText } from './logseq/LogseqText';

export function Markdown(props: { source: string; className?: string }) {
  if (!props.source.trim()) return null;
  return (
    <div className={`markdown ${props.className ?? ''}`}>
      <LogseqText text={props.source} />
    </div>
  );
}
