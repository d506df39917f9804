// Resolves the E2B API key from what the settings hold: a literal key, a `${env:NAME}` reference read from the
// environment at the moment of use (so a changed variable or setting applies to the next run), or E2B_API_KEY.

/** The key to use, or why there is none; the reason is the sentence shown in the status bar and the run's notice. */
export type E2BKeyResolution = { key: string; source: 'settings' | 'env-reference' | 'environment' } | { key: undefined; reason: string };

const ENV_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * `setting` is the e2bApiKey setting as written in config.json. A value that looks like a reference but is not a
 * well-formed one (`${env:}`, `$E2B_API_KEY`, `${E2B_API_KEY}`) is refused rather than sent to E2B as a key.
 */
export function resolveE2BApiKey(setting: string | undefined, env: NodeJS.ProcessEnv = process.env): E2BKeyResolution {
  const written = setting?.trim();
  if (written) {
    const reference = ENV_REFERENCE.exec(written);
    if (reference) {
      const value = env[reference[1]]?.trim();
      return value ? { key: value, source: 'env-reference' } : { key: undefined, reason: `the E2B key setting refers to ${reference[1]}, which is not set in the environment` };
    }
    if (written.includes('$') || written.includes('{') || /\s/.test(written)) {
      return { key: undefined, reason: 'the E2B key setting is neither a key nor a reference of the form ${env:NAME}' };
    }
    return { key: written, source: 'settings' };
  }
  const fromEnv = env.E2B_API_KEY?.trim();
  if (fromEnv) return { key: fromEnv, source: 'environment' };
  return { key: undefined, reason: 'no E2B API key: set E2B_API_KEY in the environment or e2bApiKey in settings (a key or ${env:NAME})' };
}
