// The E2B key setting: a literal key, a ${env:NAME} reference read when the run starts, or E2B_API_KEY.
import { describe, expect, it } from 'vitest';
import { resolveE2BApiKey } from './e2b-key';

describe('resolveE2BApiKey', () => {
  it('reads a ${env:NAME} reference from the environment instead of passing it on literally', () => {
    expect(resolveE2BApiKey('${env:MY_E2B}', { MY_E2B: 'e2b_abc' })).toEqual({ key: 'e2b_abc', source: 'env-reference' });
    expect(resolveE2BApiKey('  ${env:MY_E2B}  ', { MY_E2B: ' e2b_abc \n' })).toEqual({ key: 'e2b_abc', source: 'env-reference' });
  });

  it('sees a changed variable at the next call: nothing is cached', () => {
    const env: NodeJS.ProcessEnv = { MY_E2B: 'e2b_first' };
    expect(resolveE2BApiKey('${env:MY_E2B}', env).key).toBe('e2b_first');
    env.MY_E2B = 'e2b_second';
    expect(resolveE2BApiKey('${env:MY_E2B}', env).key).toBe('e2b_second');
    delete env.MY_E2B;
    expect(resolveE2BApiKey('${env:MY_E2B}', env)).toEqual({ key: undefined, reason: 'the E2B key setting refers to MY_E2B, which is not set in the environment' });
  });

  it('takes a written key as it is, and prefers it to E2B_API_KEY', () => {
    expect(resolveE2BApiKey('e2b_written', { E2B_API_KEY: 'e2b_env' })).toEqual({ key: 'e2b_written', source: 'settings' });
  });

  it('falls back to E2B_API_KEY only when the setting is empty', () => {
    expect(resolveE2BApiKey(undefined, { E2B_API_KEY: 'e2b_env' })).toEqual({ key: 'e2b_env', source: 'environment' });
    expect(resolveE2BApiKey('   ', { E2B_API_KEY: 'e2b_env' })).toEqual({ key: 'e2b_env', source: 'environment' });
    // A reference to an unset variable does not quietly use another key.
    expect(resolveE2BApiKey('${env:OTHER}', { E2B_API_KEY: 'e2b_env' }).key).toBeUndefined();
  });

  it('says what to do when there is no key at all', () => {
    const resolved = resolveE2BApiKey(undefined, {});
    expect(resolved.key).toBeUndefined();
    expect(resolved).toHaveProperty('reason', expect.stringMatching(/^no E2B API key: set E2B_API_KEY/));
  });

  it.each(['${env:}', '${E2B_API_KEY}', '$E2B_API_KEY', '${env:1BAD}', '${env:A B}', 'e2b key with spaces', '${env:E2B_API_KEY'])(
    'refuses %s rather than sending it to E2B as a key, without echoing it',
    (setting) => {
      const resolved = resolveE2BApiKey(setting, { E2B_API_KEY: 'e2b_env', A: 'x' });
      expect(resolved.key).toBeUndefined();
      expect(resolved).toHaveProperty('reason', 'the E2B key setting is neither a key nor a reference of the form ${env:NAME}');
    },
  );
});
