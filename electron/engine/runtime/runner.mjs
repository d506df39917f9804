// Skillgraph node runner: waits for its entry file, then imports it (a rejected import exits with code 1).
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

const control = process.argv[2] ? { entry: process.argv[2] } : await readControl();
if (control.secret) process.env.SKILLGRAPH_BRIDGE_SECRET = control.secret;
await import(pathToFileURL(control.entry).href);
