// Which host folder may import which, checked on every relative import under electron/: the hosts are peers over
// the engine, and what two of them share lives in electron/hosts/ (host-neutral), never in one host that the
// other then imports. The CLI may start browser mode (`skillgraph serve`), so cli → server is the one edge.
//   main    the Electron host          may import hosts (and the engine, shared)
//   server  the browser-mode host      may import hosts
//   cli     the command line           may import hosts, server
//   hosts   shared by the hosts        may import none of them
import path from 'node:path';

const ELECTRON = path.resolve(import.meta.dirname, '..', 'electron');

/** The host folders each host folder may import, besides itself. electron/engine and shared/ are open to all. */
const ALLOWED = {
  main: ['hosts'],
  server: ['hosts'],
  cli: ['hosts', 'server'],
  hosts: [],
};

const folderOf = (file) => {
  const relative = path.relative(ELECTRON, file);
  if (relative.startsWith('..')) return undefined;
  const first = relative.split(path.sep)[0];
  return first in ALLOWED ? first : undefined;
};

const rule = {
  meta: { type: 'problem', docs: { description: 'Keeps the Electron host, browser mode, the CLI and their shared folder apart.' }, schema: [] },
  create(context) {
    const from = folderOf(context.filename);
    if (!from) return {};
    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = folderOf(path.resolve(path.dirname(context.filename), source));
      if (!to || to === from || ALLOWED[from].includes(to)) return;
      context.report({ node, message: `electron/${from} may not import electron/${to}: what two hosts share belongs in electron/hosts/; see eslint/host-layers.js.` });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { 'host-layers': rule } };
