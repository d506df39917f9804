// MCP content as a person reads it: text, images and audio rendered, resource links and embedded resources shown
// with their URI and type. Used by "Try it" results, resource reads and prompt messages.

interface Block {
  type?: string;
  text?: string;
  data?: string;
  mimeType?: string;
  uri?: string;
  name?: string;
  title?: string;
  description?: string;
  blob?: string;
  resource?: Block;
}

/** Size of base64 data in bytes, for labels ("12 KB"). */
function base64Bytes(data: string): number {
  return Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A resource's contents (a read, or a `resource` block): text shown, images and audio rendered, other blobs sized. */
export function ResourceContents(props: { contents: Block }) {
  const c = props.contents;
  const mime = c.mimeType ?? '';
  return (
    <div className="content-resource" aria-label={`Resource ${c.uri ?? ''}`}>
      <p className="muted">
        <code>{c.uri}</code>
        {mime && ` · ${mime}`}
      </p>
      {c.text !== undefined && <pre>{c.text}</pre>}
      {c.blob !== undefined && mime.startsWith('image/') && <img src={`data:${mime};base64,${c.blob}`} alt={c.uri ?? 'image'} />}
      {c.blob !== undefined && mime.startsWith('audio/') && <audio controls src={`data:${mime};base64,${c.blob}`} aria-label={c.uri ?? 'audio'} />}
      {c.blob !== undefined && !mime.startsWith('image/') && !mime.startsWith('audio/') && <p className="muted">Binary, {formatBytes(base64Bytes(c.blob))}</p>}
    </div>
  );
}

export function ContentBlocks(props: { blocks: unknown[]; onOpenResource?: (uri: string) => void }) {
  return (
    <div className="content-blocks">
      {props.blocks.map((raw, i) => {
        const block = (raw ?? {}) as Block;
        switch (block.type) {
          case 'text':
            return <pre key={i}>{block.text}</pre>;
          case 'image':
            return <img key={i} src={`data:${block.mimeType};base64,${block.data}`} alt={`Image (${block.mimeType}, ${formatBytes(base64Bytes(block.data ?? ''))})`} className="content-image" />;
          case 'audio':
            return <audio key={i} controls src={`data:${block.mimeType};base64,${block.data}`} aria-label={`Audio (${block.mimeType})`} />;
          case 'resource_link':
            return (
              <div key={i} className="content-link" aria-label={`Resource link ${block.uri}`}>
                <strong>{block.title ?? block.name}</strong> <code>{block.uri}</code>
                {block.mimeType && <span className="muted"> · {block.mimeType}</span>}
                {block.description && <p className="muted">{block.description}</p>}
                {props.onOpenResource && block.uri && (
                  <button type="button" onClick={() => props.onOpenResource!(block.uri!)}>
                    Read
                  </button>
                )}
              </div>
            );
          case 'resource':
            return block.resource ? <ResourceContents key={i} contents={block.resource} /> : null;
          default:
            return <pre key={i}>{JSON.stringify(raw, null, 2)}</pre>;
        }
      })}
    </div>
  );
}
