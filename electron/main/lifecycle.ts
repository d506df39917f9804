// The quit path: whatever starts it (Cmd+Q, the last window closing, the menu, a signal), the engine is closed
// exactly once and the app quits only after that, so no run, watcher or server process is left behind.

export interface QuitEvent {
  preventDefault(): void;
}

/**
 * Returns the `before-quit` handler. The first quit is held back until `closeEngine` settles; the quit it
 * then starts itself passes through. A failing close is reported, and the app still quits.
 */
export function createQuitGuard(closeEngine: () => Promise<void>, quit: () => void, report: (error: Error) => void): (event: QuitEvent) => void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  return (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    void closeEngine()
      .catch((error: unknown) => report(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        state = 'closed';
        quit();
      });
  };
}
