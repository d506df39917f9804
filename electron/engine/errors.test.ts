// What crosses the wire when something fails: every typed error is named after its own class, and toWireError
// turns anything thrown into the `{ code, message }` pair the hosts send.
import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError, SkillgraphError, toWireError } from '../../shared/errors';
import { McpTimeoutError, McpToolReportedError } from './mcp/errors';
import { SkillExistsError } from './skills/service';

describe('typed errors', () => {
  it('are named after their own class, however deep, without each class repeating it', () => {
    expect(new SkillgraphError('x', 'm').name).toBe('SkillgraphError');
    expect(new InvalidInputError('m').name).toBe('InvalidInputError');
    expect(new NotFoundError('m').name).toBe('NotFoundError');
    expect(new McpTimeoutError('everything', 'echo', 500).name).toBe('McpTimeoutError');
    expect(new SkillExistsError('daily_report', 'pages/Skills___daily_report.md').name).toBe('SkillExistsError');
  });

  it('cross the wire as their code and message, never a stack', () => {
    expect(toWireError(new McpToolReportedError('everything', 'echo', 'boom'))).toEqual({ code: 'mcp-tool-error', message: 'tool `echo` on server `everything` failed: boom' });
    expect(toWireError(new InvalidInputError('bad name', { field: 'name' }))).toEqual({ code: 'invalid-input', message: 'bad name', details: { field: 'name' } });
  });

  it('turn a plain error into a code from its name, and anything else into "error"', () => {
    class QuotaExceeded extends Error {
      constructor() {
        super('too many');
        this.name = 'QuotaExceeded';
      }
    }
    expect(toWireError(new QuotaExceeded())).toEqual({ code: 'quota-exceeded', message: 'too many' });
    expect(toWireError(new Error('plain'))).toEqual({ code: 'error', message: 'plain' });
    expect(toWireError('a string')).toEqual({ code: 'error', message: 'a string' });
  });
});
