// Skillgraph node runner: waits for its entry file, then imports it. An error that ends the run is handed to the host
// as one error record on stderr (see README.md), which names it at the user's line; the run exits with code 1. Started
// ahead from the warm pool, it reads the entry on descriptor 4 and, on that same descriptor, tells the host its exit
// code the moment its event loop is done (a clean exit), so the host need not wait for Node and the sandbox to tear down.
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import net from 'node:net';

const CONTROL_FD = 4;

function readControl() {
  return new Promise((resolve) => {
    const socket = new net.Socket({ fd: CONTROL_FD, readable: true, writable: true });
    socket.write('R'); // ready: the host may count on this runner starting the next run at once
    let text = '';
    socket.setEncoding('utf8');
    const exit = () => process.exit(0);
    socket.on('data', (chunk) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline === -1) return;
      // Kept open (so the descriptor stays ours, never reused by the run's files) but no longer read nor waited on.
      socket.removeAllListeners('data');
      socket.off('end', exit);
      socket.pause();
      socket.unref();
      resolve(JSON.parse(text.slice(0, newline)));
    });
    socket.on('end', exit);
    socket.on('error', () => process.exit(0));
  });
}

/**
 * 'exit' comes when the loop has nothing left (or at process.exit): everything the code printed is in the pipes by then.
 * Only a clean exit (code 0) with no exit handler of the code's own after this one is reported: Node prints an uncaught
 * error after 'exit', and a later handler may still print; those runs are waited for until the process ends.
 */
function reportExit() {
  const report = (code) => {
    const listeners = process.listeners('exit');
    if (code !== 0 || listeners[listeners.length - 1] !== report) return;
    try {
      writeSync(CONTROL_FD, `X${code}\n`);
    } catch {
      // the host is gone or the run closed the descriptor: it waits for the process to end instead
    }
  };
  process.on('exit', report);
}

// Stdout and stderr are sockets here, asynchronous by default: a busy loop that prints would only queue output in
// memory. Blocking writes give the host's reader back-pressure and keep output live.
for (const stream of [process.stdout, process.stderr]) stream._handle?.setBlocking?.(true);

/** Marks an error record on stderr; the host's user-errors.ts turns it into `file:line:col Name: message`. */
const ERROR_RECORD = '\u001eskillgraph-error\u001f';

function reportError(error) {
  const failure = error instanceof Error ? error : undefined;
  const record = {
    name: failure ? failure.name : '',
    message: failure ? failure.message : String(error),
    stack: failure ? String(failure.stack ?? '') : '',
  };
  process.stderr.write(ERROR_RECORD + JSON.stringify(record) + '\n');
  process.exitCode = 1;
}
process.on('uncaughtException', (error) => {
  reportError(error);
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  reportError(error);
  process.exit(1);
});

/**
 * A spare runner waits for its entry: what every run's first lines pay for the first time (the ES module loader's
 * setup, console's formatting) is done now, before the wait, into a sink, so nothing is printed.
 */
async function warmUp() {
  const { Console } = await import('node:console');
  const { Writable } = await import('node:stream');
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  new Console(sink, sink).log('%s %d %o', 'warm', 1, { up: [true] });
  await import('data:text/javascript,export{}');
}

if (!process.argv[2]) await warmUp();
const control = process.argv[2] ? { entry: process.argv[2] } : await readControl();
if (!process.argv[2]) reportExit();
if (control.secret) process.env.SKILLGRAPH_BRIDGE_SECRET = control.secret;
try {
  await import(pathToFileURL(control.entry).href);
} catch (error) {
  reportError(error);
}
