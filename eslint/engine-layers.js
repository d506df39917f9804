// The engine's own layer order, checked on every relative import (VS Code's code-layering is the model): a unit may
// import only itself and the units listed under it. Lowest first:
//   base      leaf helpers: atomic-write, disk-full, heavy-modules, logger, events, locations, settings, version, asar, …
//   graph     the Logseq graph on disk (parse, write, watch); reader (org-mode pages)
//   mcp       MCP servers: config, pool, generator
//   index     the SQLite search index over the graph and the tools (it ranks tools with mcp's pure schema helpers)
//   skills    skills read from and written to the graph, found through the index, calling tools through mcp
//   sandbox   runs of code (backends, bridge to the tools)
//   gateway   the MCP gateway: runs for agents, approvals, ledger, PII
//   root      the composition root (engine.ts, prepare-locations, indexed-graph, api-tree) and api/ above all
// runtime/ (the sandbox-side files the generator and the backends write) counts as base.
// Tests, fixtures, test scripts and the graph fuzz harness compose the real root freely and are not checked.
import path from 'node:path';

const ENGINE = path.resolve(import.meta.dirname, '..', 'electron', 'engine');

const BASE_FILES = new Set(['atomic-write', 'heavy-modules', 'disk-full', 'logger', 'events', 'locations', 'settings', 'version', 'asar', 'native-binding', 'node-runtime', 'template', 'process-alive']);
const ROOT_FILES = new Set(['engine', 'prepare-locations', 'indexed-graph', 'api-tree']);

/** Which units each unit may import, besides itself. */
const ALLOWED = {
  base: ['base'],
  graph: ['base'],
  reader: ['base', 'graph'],
  mcp: ['base'],
  index: ['base', 'graph', 'mcp'],
  skills: ['base', 'graph', 'index', 'mcp'],
  sandbox: ['base', 'mcp'],
  gateway: ['base', 'graph', 'index', 'mcp', 'skills', 'sandbox'],
  root: ['base', 'graph', 'reader', 'mcp', 'index', 'skills', 'sandbox', 'gateway', 'root'],
};

/**
 * Named files allowed below their unit, each for a reason:
 * - index/documents.ts stores a skill page's fields, read by skills/model.ts: a pure model of a page (it imports
 *   only shared/ and graph/), not the skill services, so no cycle runs through it.
 */
const EXCEPTIONS = [
  { from: 'index/', to: 'skills/model' },
];

/** Type-only imports allowed upward: the gateway is handed the engine it serves, never builds one. */
const TYPE_ONLY = [{ from: 'gateway', to: 'root' }];

function unitOf(relative) {
  const [first, ...rest] = relative.split('/');
  if (rest.length === 0) {
    const stem = first.replace(/\.(ts|tsx|js)$/, '');
    if (BASE_FILES.has(stem)) return 'base';
    if (ROOT_FILES.has(stem)) return 'root';
    return undefined;
  }
  if (first === 'api') return 'root';
  if (first === 'runtime') return 'base';
  return first in ALLOWED ? first : undefined;
}

const rule = {
  meta: { type: 'problem', docs: { description: "Keeps imports inside electron/engine flowing down the engine's layer order." }, schema: [] },
  create(context) {
    const file = context.filename;
    if (!file.startsWith(ENGINE + path.sep)) return {};
    const from = path.relative(ENGINE, file).split(path.sep).join('/');
    const fromUnit = unitOf(from);
    function check(node, source, typeOnly) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      if (!target.startsWith(ENGINE + path.sep)) return;
      const to = path.relative(ENGINE, target).split(path.sep).join('/');
      const toUnit = unitOf(to.includes('/') || /\.\w+$/.test(to) ? to : `${to}.ts`) ?? unitOf(`${to}/index.ts`);
      if (!fromUnit) return context.report({ node, message: `${from} is in no engine layer: add it to eslint/engine-layers.js.` });
      if (!toUnit || toUnit === fromUnit || ALLOWED[fromUnit].includes(toUnit)) return;
      if (EXCEPTIONS.some((e) => from.startsWith(e.from) && to.startsWith(e.to))) return;
      if (typeOnly && TYPE_ONLY.some((e) => e.from === fromUnit && e.to === toUnit)) return;
      context.report({ node, message: `${fromUnit} (${from}) may not import ${toUnit} (${to}): the engine's layers run ${Object.keys(ALLOWED).join(' < ')}; see eslint/engine-layers.js.` });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value, node.importKind === 'type' || node.specifiers.every((s) => s.importKind === 'type')),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};

export default { rules: { 'engine-layers': rule } };
