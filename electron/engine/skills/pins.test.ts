// Schema pins against a real MCP server (@modelcontextprotocol/server-everything): a skill records the hash of
// each tool schema its code calls, and is marked for review, naming the tool, when that schema changes.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolDoc } from '../../../shared/types';
import { openTestEngine } from '../../test/helpers';
import type { Engine } from '../engine';
import { realServerConfigs } from '../mcp/fixtures/real-servers';
import { renderApiTree, schemaHash } from '../mcp/generator';
import { McpPool } from '../mcp/pool';
import { detectToolCalls } from './pins';
import { SkillService } from './service';

let tools: Tool[];
let docs: ToolDoc[];

beforeAll(async () => {
  const pool = new McpPool({ configs: { everything: realServerConfigs(await mkdtemp(path.join(os.tmpdir(), 'pins-'))).everything } });
  try {
    tools = await pool.listTools('everything');
  } finally {
    await pool.close();
  }
  docs = renderApiTree(new Map([['everything', tools]])).docs;
}, 60_000);

const echo = () => docs.find((doc) => doc.tool === 'echo')!;
const other = () => docs.find((doc) => doc.tool !== 'echo')!;

describe('detectToolCalls', () => {
  it('finds generated-API imports (file and server index), bridge calls, and Python forms', () => {
    const second = other();
    const ts = [
      `import { ${'echo'} } from './servers/everything/${echo().identifier}';`,
      `import type { X } from "./servers/everything/${second.identifier}";`,
      "await callMCPTool('memory', 'create_entities', {});",
    ].join('\n');
    expect(detectToolCalls(ts, 'typescript', docs).map((c) => `${c.server}/${c.tool}`)).toEqual(['everything/echo', `everything/${second.tool}`, 'memory/create_entities'].sort());
    const py = `from servers.everything.${echo().identifier} import echo\nawait call_mcp_tool("filesystem", "read_file", {})`;
    expect(detectToolCalls(py, 'python', docs).map((c) => `${c.server}/${c.tool}`)).toEqual(['everything/echo', 'filesystem/read_file']);
    expect(detectToolCalls("import { x } from './servers/unknown/thing';", 'typescript', docs)).toEqual([]);
  });
});

describe('schema pins', () => {
  let engine: Engine;
  let toolDocs: ToolDoc[];
  let skills: SkillService;

  beforeAll(async () => {
    engine = await openTestEngine();
    await engine.indexing;
    toolDocs = docs;
    skills = new SkillService({ graph: engine.graph, index: engine.index, toolDocs: () => toolDocs });
  });
  afterAll(() => engine.close());

  it('pins the tools a skill calls and marks it for review, naming the tool, when its schema changes', async () => {
    const code = `import { echo } from './servers/everything/${echo().identifier}';\nexport async function shout(text: string) {\n  return echo({ message: text.toUpperCase() });\n}`;
    const saved = await skills.save({ name: 'shout', description: 'Echoes text in capitals', code, language: 'typescript' }, { kind: 'agent', name: 'Cursor' });
    expect(saved.servers).toEqual(['everything']);
    expect(saved.pins).toEqual({ 'everything/echo': echo().schemaHash.slice(0, 16) });
    expect(await skills.checkPins()).toEqual([]);

    // The server ships a new version of `echo`: its schema (here, the description) changes.
    const changedEcho = { ...tools.find((t) => t.name === 'echo')!, description: 'Echoes the message back, now with a new contract' };
    toolDocs = docs.map((doc) => (doc.tool === 'echo' ? { ...doc, schemaHash: schemaHash(changedEcho) } : doc));
    const reviews = await skills.checkPins();
    expect(reviews).toEqual([{ name: 'shout', changed: [{ tool: 'everything/echo', pinned: saved.pins['everything/echo'], current: schemaHash(changedEcho).slice(0, 16), changed: true }] }]);
    const detail = await skills.get('shout');
    expect(detail.skill.status).toBe('needs-review');
    expect(detail.markdown).toContain('status:: needs-review');
    expect(detail.pins).toEqual([expect.objectContaining({ tool: 'everything/echo', changed: true })]);
    expect(detail.history[0]).toMatchObject({ action: 'needs-review', actor: { kind: 'agent', name: 'Skillgraph' } });
    expect(detail.history[0].text).toContain('everything/echo changed');
    // Already waiting for review: not flagged twice.
    expect(await skills.checkPins()).toEqual([]);

    // A person approves after looking: the pins move to the current schema.
    const approved = await skills.setStatus('shout', 'approved', { kind: 'person' });
    expect(approved.pins['everything/echo']).toBe(schemaHash(changedEcho).slice(0, 16));
    expect((await skills.get('shout')).pins[0].changed).toBe(false);

    // The tool disappears from a server we still know: that is a change too.
    toolDocs = docs.filter((doc) => doc.tool !== 'echo');
    expect((await skills.checkPins()).map((r) => r.changed[0])).toEqual([{ tool: 'everything/echo', pinned: approved.pins['everything/echo'], changed: true }]);
  });
});
