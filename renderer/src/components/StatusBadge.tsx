// A small coloured label for a skill's or server's status; the text carries the meaning, colour only helps.
export function StatusBadge(props: { status: string; title?: string }) {
  return (
    <span className={`badge badge-${props.status}`} title={props.title}>
      {props.status}
    </span>
  );
}
