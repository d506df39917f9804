// Keeps personal data out of the model: what a gateway run prints passes through redact(), which swaps e-mail
// addresses, phone numbers, IBANs, card numbers and IPs for stable placeholders ([EMAIL_1]); restore() turns the
// placeholders in later tool arguments back into the real values. The mapping lives only in this process, per session.

export type PiiKind = 'EMAIL' | 'IBAN' | 'CARD' | 'PHONE' | 'IP';

interface Detector {
  kind: PiiKind;
  pattern: RegExp;
  /** Extra check a regular expression cannot express (checksums, digit counts). */
  accept?: (match: string) => boolean;
}

const digitsOf = (text: string) => text.replace(/\D/g, '');

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(raw: string): boolean {
  const iban = raw.replace(/ /g, '');
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

// Order matters: earlier detectors claim their text first (an e-mail's digits are never read as a phone number).
const DETECTORS: Detector[] = [
  { kind: 'EMAIL', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  { kind: 'IBAN', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g, accept: ibanValid },
  {
    kind: 'CARD',
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    accept: (m) => luhnValid(digitsOf(m)) && !/^(\d)\1+$/.test(digitsOf(m)),
  },
  { kind: 'IP', pattern: new RegExp(`\\b${OCTET}(?:\\.${OCTET}){3}\\b(?!\\.\\d)`, 'g') },
  { kind: 'IP', pattern: /\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|\b(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}:){0,5}[0-9a-fA-F]{1,4}\b/g },
  {
    kind: 'PHONE',
    // International (+CC ...), (555) 123-4567, or 555-123-4567: separators required so ids and dates stay untouched.
    pattern: /(?<![\w+])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?![\w])/g,
    accept: (m) => {
      const n = digitsOf(m).length;
      return n >= 8 && n <= 15;
    },
  },
];

const PLACEHOLDER = /\[(EMAIL|IBAN|CARD|PHONE|IP)_(\d+)\]/g;

/** One session's mapping between real values and placeholders; the same value always gets the same placeholder. */
export class PiiVault {
  private readonly tokenByValue = new Map<string, string>();
  private readonly valueByToken = new Map<string, string>();
  private readonly counters = new Map<PiiKind, number>();

  /** Text with every detected personal value replaced by its placeholder. */
  redact(text: string): string {
    let out = text;
    for (const detector of DETECTORS) {
      out = out.replace(detector.pattern, (match) => {
        if (detector.accept && !detector.accept(match)) return match;
        return this.placeholderFor(detector.kind, match);
      });
    }
    return out;
  }

  /** A value (tool arguments) with every placeholder this session issued replaced by the real value, deeply. */
  restore<T>(value: T): T {
    return this.restoreValue(value) as T;
  }

  /** How many distinct values have been replaced in this session. */
  get size(): number {
    return this.valueByToken.size;
  }

  private placeholderFor(kind: PiiKind, value: string): string {
    const known = this.tokenByValue.get(value);
    if (known) return known;
    const next = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, next);
    const token = `[${kind}_${next}]`;
    this.tokenByValue.set(value, token);
    this.valueByToken.set(token, value);
    return token;
  }

  private restoreValue(value: unknown): unknown {
    if (typeof value === 'string') return value.replace(PLACEHOLDER, (token) => this.valueByToken.get(token) ?? token);
    if (Array.isArray(value)) return value.map((item) => this.restoreValue(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, this.restoreValue(item)]));
    }
    return value;
  }
}

/** Vaults by session name, so placeholders from one session never unlock values of another. */
export class PiiVaults {
  private readonly vaults = new Map<string, PiiVault>();

  forSession(session: string): PiiVault {
    let vault = this.vaults.get(session);
    if (!vault) {
      vault = new PiiVault();
      this.vaults.set(session, vault);
    }
    return vault;
  }

  clear(session: string): void {
    this.vaults.delete(session);
  }
}
