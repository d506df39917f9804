// Short, actionable error text for a failed call; the engine's message as is, never a stack trace.
export function ErrorNote(props: { error: string | undefined; what?: string }) {
  if (!props.error) return null;
  const firstLine = props.error.split('\n')[0];
  return (
    <p className="error" role="alert">
      {props.what ? `${props.what}: ` : ''}
      {firstLine}
    </p>
  );
}
