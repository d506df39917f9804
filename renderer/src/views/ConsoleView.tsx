// Console: write code, run it in the sandbox, watch output stream.
export function ConsoleView(_props: { navigate: (to: string) => void }) {
  return (
    <section aria-labelledby="console-title" className="view">
      <h1 id="console-title">Console</h1>
      <p className="empty">The console is being built.</p>
    </section>
  );
}
