// The one wording for output that is not shown in full, wherever it is cut: the engine's cap on what reaches the
// app and the gateway, the end of a capped run, the Console's own display cap, and a past run's log tail.

export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} KB`;
}

/**
 * `Output cut: 834 KB not shown here; the last 256 KB follow; full log: <path>`. While a run still prints, what will be
 * skipped is not known yet: `firstShown` says how much came through before the cut.
 */
export function outputCutNotice(cut: { notShown?: number; firstShown?: number; last: number; logPath?: string; later?: boolean }): string {
  const head = cut.firstShown !== undefined ? `the first ${formatSize(cut.firstShown)} are shown` : `${formatSize(cut.notShown ?? 0)} not shown here`;
  const tail = `the last ${formatSize(cut.last)} follow${cut.later ? ' when the run ends' : ''}`;
  return `Output cut: ${head}; ${tail}${cut.logPath ? `; full log: ${cut.logPath}` : ''}`;
}
