// What the Servers view is given about a server: its config with literal secrets masked (and restored when an edit
// sends the mask back), a one-line summary, and the meaningful line of what a crashing server wrote to stderr.
import { describe, expect, it } from 'vitest';
import { maskedConfig, restoreMaskedSecrets, serverSummary, stderrCause } from './servers';

describe('server configs shown in the app', () => {
  const config = {
    command: 'npx',
    args: ['-y', 'some-server', '--api-key', 'sk-live-1234567890abcdef'],
    env: { GITHUB_TOKEN: 'ghp_abcdefghijklmnop1234', OTHER: 'glpat-abcdefghijklmnop', HOME_REF: '${env:HOME}', PLAIN: 'hello' },
  };

  it('masks secret-named values, token-looking values and secret flags, and keeps ${env:} references', () => {
    const masked = maskedConfig(config);
    const text = JSON.stringify(masked);
    expect(text).not.toContain('ghp_abcdefghijklmnop1234');
    expect(text).not.toContain('glpat-abcdefghijklmnop');
    expect(text).not.toContain('sk-live-1234567890abcdef');
    expect(masked).toMatchObject({ env: { HOME_REF: '${env:HOME}', PLAIN: 'hello', GITHUB_TOKEN: '[redacted env.GITHUB_TOKEN]', OTHER: '[redacted env.OTHER]' } });
    expect(serverSummary(masked)).toBe('npx -y some-server --api-key "[redacted args --api-key]"');
  });

  it('an edit that sends the masks back keeps the secrets; a mask that matches nothing is refused', () => {
    const edited = { ...maskedConfig(config), env: { ...(maskedConfig(config) as typeof config).env, PLAIN: 'changed' } };
    expect(restoreMaskedSecrets(config, edited)).toEqual({ ...config, env: { ...config.env, PLAIN: 'changed' } });
    expect(() => restoreMaskedSecrets(config, { command: 'npx', env: { X: '[redacted env.NOPE]' } })).toThrow('no longer matches a secret');
  });

  it('shows a URL server by its URL', () => {
    expect(serverSummary({ type: 'http', url: 'https://example.com/mcp' })).toBe('https://example.com/mcp');
  });
});

describe('the cause of a failed start', () => {
  it("is Node's error line, not the tail of its stack", () => {
    const stderr = [
      'node:internal/modules/cjs/loader:1228',
      '  throw err;',
      '  ^',
      '',
      "Error: Cannot find module '/nonexistent.js'",
      '    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)',
      '    at node:internal/main/run_main_module:28:49 {',
      "  code: 'MODULE_NOT_FOUND',",
      '  requireStack: []',
      '}',
      '',
      'Node.js v20.20.2',
    ];
    expect(stderrCause(stderr)).toBe("Error: Cannot find module '/nonexistent.js'");
  });

  it("is a Python traceback's last line", () => {
    expect(stderrCause(['Traceback (most recent call last):', '  File "server.py", line 1, in <module>', 'ModuleNotFoundError: No module named mcp'])).toBe('ModuleNotFoundError: No module named mcp');
  });

  it('is nothing when the server wrote no error', () => {
    expect(stderrCause(['listening on stdio'])).toBeUndefined();
  });
});
