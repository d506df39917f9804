// JSON Schema to TypeScript and Python: $ref/$defs with recursion, enums, unions, nested objects, optional and
// required keys, arrays, additionalProperties and doc comments; checked by compiling what is generated.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pyCompileTree, typecheckTree } from './fixtures/real-servers';
import { assignIdentifiers, serverDirectories, toolIdentifier } from './names';
import { schemaToPy } from './schema-py';
import { schemaToTs } from './schema-ts';

const rich = {
  type: 'object',
  description: 'A request */ with a comment closer',
  $defs: {
    Node: {
      type: 'object',
      description: 'A tree node',
      properties: { label: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
      required: ['label'],
    },
    Color: { enum: ['red', 'green', 'blue'] },
  },
  properties: {
    tree: { $ref: '#/$defs/Node' },
    color: { $ref: '#/$defs/Color' },
    id: { anyOf: [{ type: 'string' }, { type: 'integer' }], description: 'String or number id' },
    shape: {
      oneOf: [
        { type: 'object', properties: { kind: { const: 'circle' }, r: { type: 'number' } }, required: ['kind', 'r'] },
        { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'number' } }, required: ['kind', 'side'] },
      ],
    },
    tags: { type: 'array', items: { type: 'string' }, default: [] },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    open: { type: 'object', properties: { a: { type: 'boolean' } }, additionalProperties: true },
    maybe: { type: ['string', 'null'] },
    pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
    'odd-key': { type: 'integer' },
    from: { type: 'string', format: 'date-time' },
  },
  required: ['tree', 'shape'],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'skillgraph-schema-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('schemaToTs', () => {
  it('renders named, recursive, union and optional types that compile and reject wrong values', async () => {
    const source = schemaToTs(rich, 'Req');
    expect(source).toContain('export type ReqNode = {');
    expect(source).toContain('children?: ReqNode[];');
    expect(source).toContain('export type ReqColor = "red" | "green" | "blue";');
    expect(source).toContain('/** String or number id */');
    expect(source).toContain('id?: string | number;');
    expect(source).toContain('labels?: Record<string, string>;');
    expect(source).toContain('[key: string]: unknown;');
    expect(source).toContain('maybe?: string | null;');
    expect(source).toContain('pair?: [string, number];');
    expect(source).toContain('"odd-key"?: number;');
    expect(source).toContain('@default []');
    expect(source).toContain('A request *\\/ with a comment closer');
    const check = path.join(dir, 'ts-check');
    await mkdir(check, { recursive: true });
    await writeFile(
      path.join(check, 'types.ts'),
      `${source}\n\nexport const good: Req = { tree: { label: 'root', children: [{ label: 'leaf' }] }, shape: { kind: 'circle', r: 1 }, color: 'red', id: 3, 'odd-key': 1, pair: ['a', 1], open: { a: true, extra: 1 } };\n`,
    );
    expect(typecheckTree(check)).toEqual([]);
    await writeFile(path.join(check, 'bad.ts'), `import type { Req } from './types';\nexport const bad: Req = { tree: { label: 'x' }, shape: { kind: 'circle', side: 2 }, color: 'purple' };\n`);
    const errors = typecheckTree(check).join('\n');
    expect(errors).toMatch(/bad\.ts:2/);
    expect(errors).toMatch(/purple|side/);
  });

  it('turns malformed parts into unknown instead of failing', () => {
    const source = schemaToTs({ type: 'object', properties: { a: { $ref: '#/$defs/nope' }, b: { type: 42 }, c: { anyOf: 'x' }, d: null, e: { $ref: 'http://x/y' } } }, 'M');
    expect(source).toContain('a?: unknown /* unresolved $ref #/$defs/nope */;');
    expect(source).toContain('b?: unknown;');
    expect(source).toContain('c?: unknown;');
    expect(source).toContain('d?: unknown;');
    expect(source).toContain('e?: unknown /* external $ref http://x/y */;');
    expect(schemaToTs(true, 'T')).toBe('export type T = unknown;');
  });
});

describe('schemaToPy', () => {
  it('renders TypedDicts with NotRequired, Literal, Union and forward references that compile', async () => {
    const source = schemaToPy(rich, 'Req');
    expect(source).toContain('class ReqNode(TypedDict):');
    expect(source).toContain('children: NotRequired[List["ReqNode"]]');
    expect(source).toContain('ReqColor = Literal["red", "green", "blue"]');
    expect(source).toContain('"id": NotRequired[Union[str, int]],');
    expect(source).toContain('"labels": NotRequired[Dict[str, str]],');
    expect(source).toContain('"shape": Union[ReqShapeOption1, ReqShapeOption2],');
    expect(source).toContain('kind: Literal["circle"]');
    expect(source).toContain('Req = TypedDict("Req", {');
    expect(source).toContain('"odd-key": NotRequired[int],');
    expect(source).toContain('"from": NotRequired[str],');
    const pkg = path.join(dir, 'py-check');
    await mkdir(pkg, { recursive: true });
    const header = 'from __future__ import annotations\nfrom typing import Any, Dict, List, Literal, Optional, TypedDict, Union\nfrom typing import NotRequired\n\n';
    await writeFile(path.join(pkg, 'types_check.py'), `${header}${source}\n\nvalue: Req = {"tree": {"label": "root"}, "shape": {"kind": "circle", "r": 1}}\nprint(sorted(Req.__annotations__))\n`);
    expect((await pyCompileTree(pkg)).errors).toBe('');
    // Running it proves declaration order: every name a TypedDict needs at definition time exists already.
    const { stdout } = await promisify(execFile)('python3', [path.join(pkg, 'types_check.py')]);
    expect(stdout).toContain("'odd-key'");
  });
});

describe('identifiers', () => {
  it('maps names predictably and resolves collisions deterministically', () => {
    expect(toolIdentifier('get-user')).toEqual({ stem: 'get_user', fn: 'getUser', pyFn: 'get_user', typeName: 'GetUser' });
    expect(toolIdentifier('getUser')).toEqual({ stem: 'getUser', fn: 'getUser', pyFn: 'get_user', typeName: 'GetUser' });
    expect(toolIdentifier('delete')).toMatchObject({ stem: 'delete_', fn: 'delete_', pyFn: 'delete' });
    expect(toolIdentifier('import')).toMatchObject({ stem: 'import_', fn: 'import_', pyFn: 'import_' });
    expect(toolIdentifier('index')).toMatchObject({ stem: 'index_' });
    expect(toolIdentifier('3d render')).toMatchObject({ stem: '_3d_render', fn: '_3dRender', typeName: 'T3dRender' });
    expect(toolIdentifier('...')).toEqual(toolIdentifier('...'));
    expect(toolIdentifier('...').stem).toMatch(/^tool_[0-9a-f]{8}$/);
    expect(toolIdentifier('!!!').stem).not.toBe(toolIdentifier('...').stem);
    const ids = assignIdentifiers(['get_user', 'get-user', 'getUser', 'GetUser']);
    expect([...ids].map(([name, id]) => `${name}=${id.stem}/${id.fn}`)).toEqual(['GetUser=GetUser/getUser', 'get-user=get_user_2/getUser2', 'getUser=getUser_3/getUser3', 'get_user=get_user_4/getUser4']);
    expect(assignIdentifiers(['GetUser', 'get_user', 'getUser', 'get-user'])).toEqual(ids);
    expect(serverDirectories(['server-everything', 'class'])).toEqual(new Map([['class', 'class_'], ['server-everything', 'server_everything']]));
  });
});
