// Skillgraph node runner: waits for its entry file, then imports it. An error that ends the run is handed to the host
// as one error record on stderr (see README.md), which names it at the user's line; the run exits with code 1.
import { pathToFileURL } from 'node:url';
import net from 'node:net';

function readControl() {
  return new Promise((resolve) => {
    const socket = new net.Socket({ fd: 4, readable: true, writable: true });
    socket.write('R'); // ready: the host may count on this runner starting the next run at once
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline === -1) return;
      socket.destroy();
      resolve(JSON.parse(text.slice(0, newline)));
    });
    socket.on('end', () => process.exit(0));
    socket.on('error', () => process.exit(0));
  });
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

const control = process.argv[2] ? { entry: process.argv[2] } : await readControl();
if (control.secret) process.env.SKILLGRAPH_BRIDGE_SECRET = control.secret;
try {
  await import(pathToFileURL(control.entry).href);
} catch (error) {
  reportError(error);
}
