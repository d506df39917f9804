// The error record a runner writes becomes one line at the user's line, however stderr is cut into chunks; other
// stderr output passes at once and unchanged.
import { describe, expect, it } from 'vitest';
import { ERROR_RECORD_MARK, UserErrorStream } from './user-errors';

const nodeRecord = ERROR_RECORD_MARK + JSON.stringify({
  name: 'McpToolError',
  message: 'tool `read_text_file` on server `fs` failed: Access denied',
  stack: [
    'McpToolError: tool `read_text_file` on server `fs` failed: Access denied',
    '    at callMCPTool (/tmp/d/sessions/default/.staging/servers/_bridge.ts:151:11)',
    '    at async readTextFile (/tmp/d/sessions/default/.staging/servers/fs/readTextFile.ts:9:10)',
    '    at async load (/tmp/d/sessions/default/.staging/skills/load_notes.ts:4:9)',
    '    at async file:///tmp/d/sessions/default/.staging/main.ts:3:11',
    '    at async ModuleJob.run (node:internal/modules/esm/module_job:325:25)',
    '    at async file:///tmp/skillgraph-sandbox-1/runner.mjs:50:3',
  ].join('\n'),
}) + '\n';

describe('UserErrorStream', () => {
  it('keeps the user\'s file and skills, drops the runtime, whatever the chunking', () => {
    const expected = 'before\nskills/load_notes.ts:4:9 McpToolError: tool `read_text_file` on server `fs` failed: Access denied\n    at hello.ts:3:11\nafter\n';
    const text = 'before\n' + nodeRecord + 'after\n';
    for (const size of [1, 7, 64, text.length]) {
      const stream = new UserErrorStream({ fileName: 'hello.ts', language: 'typescript' });
      let shown = '';
      for (let i = 0; i < text.length; i += size) shown += stream.write(text.slice(i, i + size));
      shown += stream.end();
      expect(shown).toBe(expected);
    }
  });

  it('passes ordinary stderr on at once and shows a record cut short as it came', () => {
    const stream = new UserErrorStream({ fileName: 'main.ts', language: 'typescript' });
    expect(stream.write('progress 10%')).toBe('progress 10%');
    expect(stream.write('\n' + ERROR_RECORD_MARK + '{"name":')).toBe('\n');
    expect(stream.end()).toBe(ERROR_RECORD_MARK + '{"name":');
  });

  it('names a Python error at the innermost user line, without the bridge', () => {
    const stream = new UserErrorStream({ fileName: 'hello.py', language: 'python' });
    const frames = [
      { file: 'main.py', line: 5, function: '<module>' },
      { file: 'main.py', line: 2, function: 'load' },
      { file: '/tmp/d/api/servers/fs/read_text_file.py', line: 12, function: 'read_text_file' },
      { file: '/tmp/d/api/servers/_bridge.py', line: 130, function: 'call_mcp_tool' },
    ];
    const shown = stream.write(ERROR_RECORD_MARK + JSON.stringify({ name: 'McpToolError', message: 'denied', frames }) + '\n');
    expect(shown).toBe('hello.py:2 McpToolError: denied\n    at hello.py:5\n');
  });
});
