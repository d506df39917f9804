// Words for numbers a person reads: "2 min ago" with the local time beside it, "1 skill" / "3 skills".

/** `1 skill`, `3 skills`; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** How long ago `ms` was, in the largest unit that fits: "just now", "2 min ago", "3 h ago", "5 days ago". */
export function timeAgo(ms: number, now = Date.now()): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${plural(Math.round(hours / 24), 'day')} ago`;
}

/** Local time, with the date when it is not today. */
export function localTime(ms: number): string {
  const date = new Date(ms);
  return new Date().toDateString() === date.toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
}
