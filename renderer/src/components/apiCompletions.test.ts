// Completion from the generated API tree, asked the way CodeMirror asks (a real EditorState and CompletionContext):
// import paths inside strings (TypeScript) or after `from` (Python), and tool functions by their generated names.
import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { apiCompletionSource, type ApiTreeServer } from './apiCompletions';

const tree: ApiTreeServer[] = [
  {
    server: 'everything',
    dir: 'everything',
    tools: [
      { tool: 'get-sum', identifier: 'get_sum', description: 'Returns the sum of two numbers\nMore detail.' },
      { tool: 'echo', identifier: 'echo', description: 'Echoes back the input' },
    ],
  },
];

/** Completes at the `|` in `text`. */
function complete(text: string, language: 'typescript' | 'python', explicit = false) {
  const pos = text.indexOf('|');
  const doc = text.replace('|', '');
  const context = new CompletionContext(EditorState.create({ doc }), pos, explicit);
  return apiCompletionSource(() => tree, () => language)(context);
}

describe('API completions', () => {
  it('offers the import paths of servers and tools inside a TypeScript string', () => {
    const result = complete("import { getSum } from './servers/ev|';", 'typescript');
    expect(result?.from).toBe("import { getSum } from '".length);
    expect(result?.options.map((o) => o.label)).toEqual(['./servers/everything', './servers/everything/get_sum', './servers/everything/echo']);
    expect(result?.options[1]).toMatchObject({ detail: 'get-sum', info: 'Returns the sum of two numbers' });
  });

  it('offers tool functions by their TypeScript and Python names, with the tool they call', () => {
    const ts = complete('const total = await get|', 'typescript');
    expect(ts?.from).toBe('const total = await '.length);
    expect(ts?.options.map((o) => [o.label, o.detail])).toEqual([
      ['getSum', 'everything/get-sum'],
      ['echo', 'everything/echo'],
    ]);
    expect(complete('total = get|', 'python')?.options.map((o) => o.label)).toEqual(['get_sum', 'echo']);
  });

  it('offers Python modules after `from`', () => {
    const result = complete('from serv|', 'python');
    expect(result?.options.map((o) => o.label)).toEqual(['servers.everything']);
  });

  it('stays quiet where nothing is being typed, unless asked', () => {
    expect(complete('const x = 1; |', 'typescript')).toBeNull();
    expect(complete('const x = 1; |', 'typescript', true)?.options.map((o) => o.label)).toEqual(['getSum', 'echo']);
  });
});
