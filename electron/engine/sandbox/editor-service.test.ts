// The Console editor's services on the real generated API (server-everything, server-filesystem): completion after
// `r.` offers the result's fields, generated functions are offered with the import they add, hover and signature
// help describe the generated types, and diagnostics follow the code as it changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EditorService } from './editor-service';
import { TypeChecker } from './typecheck';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';

let fixture: SandboxFixture;
let checker: TypeChecker;
let editor: EditorService;

beforeAll(async () => {
  fixture = await createSandboxFixture();
  checker = new TypeChecker(fixture.apiDir);
  editor = new EditorService(() => checker);
}, 120_000);

afterAll(async () => {
  checker?.dispose();
  await fixture?.cleanup();
});

const IMPORTED = "import { readTextFile } from './servers/filesystem';\n";

describe('EditorService', () => {
  it('completes the fields of a tool result after `r.`', () => {
    const code = `${IMPORTED}const r = await readTextFile({ path: 'notes.txt' });\nr.`;
    const { from, options } = editor.complete(code, code.length);
    expect(from).toBe(code.length);
    expect(options.map((o) => o.label)).toContain('content');
    expect(options.every((o) => o.member)).toBe(true);
  });

  it('offers a generated function that is not imported yet, with the import it adds', () => {
    const code = `const text = await readTex`;
    const { from, options } = editor.complete(code, code.length);
    expect(from).toBe(code.indexOf('readTex'));
    const option = options.find((o) => o.label === 'readTextFile');
    expect(option?.imports?.length).toBeGreaterThan(0);
    const edited = option!.imports!.reduceRight((text, edit) => text.slice(0, edit.from) + edit.insert + text.slice(edit.to), code);
    expect(edited).toMatch(/^import \{ readTextFile \} from '\.\/servers\/filesystem(\/readTextFile)?';\n/);
  });

  it('describes what is under the cursor and the call being written', () => {
    const code = `${IMPORTED}await readTextFile({ `;
    const hover = editor.hover(code, code.indexOf('readTextFile', IMPORTED.length) + 2);
    expect(hover?.type).toMatch(/readTextFile\(input: /);
    const signature = editor.signature(code, code.length);
    expect(signature?.label).toMatch(/^readTextFile\(/);
    expect(signature?.parameter).toBeTruthy();
  });

  it('reports type errors for the code as it stands, and none once it is fixed', () => {
    const broken = `${IMPORTED}await readTextFile({ path: 42 });\n`;
    expect(editor.diagnostics(broken)).toEqual([expect.objectContaining({ line: 2, code: 2322 })]);
    expect(editor.diagnostics(broken.replace('42', "'notes.txt'"))).toEqual([]);
  });

  it('refuses a position outside the code', () => {
    expect(() => editor.complete('r.', 5)).toThrow(/offset 5 is outside the code/);
  });
});
