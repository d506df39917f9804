// Secret redaction for everything a server sends back: which values of a server's config are secrets, and the one
// redactor the pool runs over tool results, tool lists, errors and stderr before anything is stored, logged or returned.
import type { ServerConfig } from '../../../shared/types';

/** Keys whose literal values are secrets (env names, header names, `--flag` names). */
export const SECRET_KEY = /token|secret|password|passwd|api[-_]?key|apikey|credential|auth|cookie|session|private[-_]?key|(^|[-_])pat($|[-_])|(^|[-_])key$/i;

/**
 * Variables whose values are locations or identities, not secrets: masking them would break every path a server
 * returns (`${env:HOME}/notes` in a filesystem server's args) and protect nothing.
 */
const NOT_SECRET_VARIABLES = new Set(['HOME', 'USER', 'LOGNAME', 'PATH', 'PWD', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'TERM', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA']);

/** Shorter values are not masked: a 3-character "secret" would mask that text everywhere in every result. */
export const MIN_SECRET_LENGTH = 4;

const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** `--api-key=VALUE`, `--token=VALUE` in one argument. */
const FLAG_WITH_VALUE = /^(--?[A-Za-z0-9][A-Za-z0-9_-]*)=(.+)$/s;
const BEARER = /^(Bearer|Basic|Token)\s+(\S.*)$/is;

export interface Secret {
  value: string;
  /** What the value is, shown in its place: the variable name, or where in the config it was written. */
  label: string;
}

/** A value written literally in `args` that looks like a secret: `--token X`, `--api-key=X`, `Bearer X`. */
export interface ArgSecret {
  index: number;
  /** The flag it belongs to (`--api-key`), or `Bearer` for a bare authorization value. */
  flag: string;
  value: string;
  /** The argument with the value replaced by `replacement`. */
  rewrite(replacement: string): string;
  /** True when the value is the whole next argument (`--token X`), not part of this one. */
  separate: boolean;
}

/** Secret-looking values written literally in a command's arguments. */
export function argSecrets(args: readonly string[]): ArgSecret[] {
  const found: ArgSecret[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const inline = FLAG_WITH_VALUE.exec(arg);
    if (inline && SECRET_KEY.test(inline[1].replace(/^-+/, ''))) {
      const [, flag, value] = inline;
      found.push({ index: i, flag, value, separate: false, rewrite: (replacement) => `${flag}=${replacement}` });
      continue;
    }
    const bearer = BEARER.exec(arg);
    if (bearer) {
      const [, scheme, value] = bearer;
      found.push({ index: i, flag: scheme, value, separate: false, rewrite: (replacement) => `${scheme} ${replacement}` });
      continue;
    }
    const next = args[i + 1];
    if (/^--?[A-Za-z0-9][A-Za-z0-9_-]*$/.test(arg) && SECRET_KEY.test(arg.replace(/^-+/, '')) && next !== undefined && !next.startsWith('-')) {
      found.push({ index: i + 1, flag: arg, value: next, separate: true, rewrite: (replacement) => replacement });
      i++;
    }
  }
  return found.filter((secret) => !/\$\{env:/.test(secret.value));
}

/** Literal (not `${env:…}`) values of a config that look like secrets: secret-named env/header keys and secret args. */
export function literalSecrets(config: ServerConfig): Secret[] {
  const found: Secret[] = [];
  const record = (entries: Record<string, string> | undefined, where: string) => {
    for (const [key, value] of Object.entries(entries ?? {})) {
      if (!SECRET_KEY.test(key) || /\$\{env:/.test(value)) continue;
      const bearer = BEARER.exec(value);
      found.push({ value: bearer ? bearer[2] : value, label: `${where}.${key}` });
    }
  };
  if ('command' in config) {
    record(config.env, 'env');
    for (const secret of argSecrets(config.args ?? [])) found.push({ value: secret.value, label: `args ${secret.flag}` });
  } else record(config.headers, 'headers');
  return found;
}

/** Values that `${env:NAME}` substitution puts into a config, labelled with the variable they come from. */
export function substitutedSecrets(config: ServerConfig, env: Record<string, string | undefined>): Secret[] {
  const found: Secret[] = [];
  for (const match of JSON.stringify(config).matchAll(ENV_REFERENCE)) {
    const name = match[1];
    const value = env[name];
    if (value !== undefined && !NOT_SECRET_VARIABLES.has(name) && !name.startsWith('XDG_')) found.push({ value, label: name });
  }
  return found;
}

/** Every secret of one server: substituted `${env:…}` values and literal secret-looking values. */
export function serverSecrets(config: ServerConfig, env: Record<string, string | undefined>): Secret[] {
  return [...substitutedSecrets(config, env), ...literalSecrets(config)];
}

/** The forms a secret commonly takes in text a server writes: as is, JSON-escaped, URL-encoded, base64. */
function encodings(value: string): string[] {
  const forms = new Set([value]);
  forms.add(JSON.stringify(value).slice(1, -1));
  forms.add(encodeURIComponent(value));
  const base64 = Buffer.from(value, 'utf8').toString('base64');
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  forms.add(Buffer.from(value, 'utf8').toString('base64url'));
  return [...forms];
}

/** Replaces known secret values (and their common encodings) in text and in every string of a JSON value. */
export class SecretRedactor {
  private readonly forms: { text: string; marker: string }[];

  constructor(secrets: readonly Secret[]) {
    const byText = new Map<string, string>();
    for (const secret of secrets) {
      if (secret.value.length < MIN_SECRET_LENGTH) continue;
      for (const form of encodings(secret.value)) if (form.length >= MIN_SECRET_LENGTH && !byText.has(form)) byText.set(form, `[redacted ${secret.label}]`);
    }
    // Longest first, so a secret containing another is masked whole.
    this.forms = [...byText].map(([text, marker]) => ({ text, marker })).sort((a, b) => b.text.length - a.text.length);
  }

  get empty(): boolean {
    return this.forms.length === 0;
  }

  text(text: string): string {
    let out = text;
    for (const { text: form, marker } of this.forms) if (out.includes(form)) out = out.split(form).join(marker);
    return out;
  }

  /** A copy of a JSON-like value with every string (keys too) redacted. */
  value<T>(value: T): T {
    if (this.empty) return value;
    const walk = (inner: unknown): unknown => {
      if (typeof inner === 'string') return this.text(inner);
      if (Array.isArray(inner)) return inner.map(walk);
      if (inner && typeof inner === 'object' && (Object.getPrototypeOf(inner) === Object.prototype || Object.getPrototypeOf(inner) === null)) {
        return Object.fromEntries(Object.entries(inner).map(([key, item]) => [this.text(key), walk(item)]));
      }
      return inner;
    };
    return walk(value) as T;
  }

  /** Redacts an error in place (message, stack, and a JSON-RPC error's `data`), keeping its type for callers. */
  error<E>(error: E): E {
    if (this.empty || !(error instanceof Error)) return error;
    error.message = this.text(error.message);
    if (error.stack) error.stack = this.text(error.stack);
    const withData = error as Error & { data?: unknown };
    if (withData.data !== undefined) withData.data = this.value(withData.data);
    return error;
  }
}

/** A config safe to print: literal secret-looking values replaced; `${env:…}` references are shown as they are. */
export function maskConfigSecrets(config: ServerConfig): ServerConfig {
  return new SecretRedactor(literalSecrets(config)).value(config);
}
