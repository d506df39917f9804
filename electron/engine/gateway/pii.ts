// Keeps personal data out of the model: what a gateway run prints passes through redact(), which swaps e-mail
// addresses, phone numbers, IBANs, card numbers and IPs for stable placeholders ([EMAIL_1]); restore() turns the
// placeholders in later tool arguments back into the real values. The mapping lives only in this process, per session.
import { phoneNumbers } from '../heavy-modules';

export type PiiKind = 'EMAIL' | 'IBAN' | 'CARD' | 'PHONE' | 'IP';

interface Detector {
  kind: PiiKind;
  /** Candidates; a detector without a pattern finds its own spans with `find`. */
  pattern?: RegExp;
  find?: (text: string) => Array<[start: number, end: number]>;
  /** Extra check a regular expression cannot express (checksums, digit counts). */
  accept?: (match: string) => boolean;
  /**
   * For patterns that take a whole run of number groups: the spans inside the run that hold a value, so a card
   * after an order number or an IBAN followed by a card is found even though the run as a whole fails its checksum.
   */
  within?: (run: string) => Array<[start: number, end: number]>;
}

/** Start and end offsets of each group in a run separated by single spaces or dashes. */
function groupsOf(run: string): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  for (const match of run.matchAll(/[^ -]+/g)) groups.push([match.index, match.index + match[0].length]);
  return groups;
}

/**
 * Sliding windows over whole groups: the longest window starting at each group that `valid` accepts, taken left to
 * right without overlap. Windows never split a group, so "order 12 4111 1111 1111 1111" yields the 16 card digits.
 */
function windows(run: string, valid: (text: string) => boolean, maxGroups: number): Array<[number, number]> {
  const groups = groupsOf(run);
  const found: Array<[number, number]> = [];
  for (let first = 0; first < groups.length; first++) {
    for (let last = Math.min(groups.length - 1, first + maxGroups - 1); last >= first; last--) {
      const text = run.slice(groups[first][0], groups[last][1]);
      if (valid(text)) {
        found.push([groups[first][0], groups[last][1]]);
        first = last;
        break;
      }
    }
  }
  return found;
}

/**
 * A card is one block of 13-19 digits or groups of 4-6 (4-4-4-4, Amex 4-6-5; the last group may be shorter), so two
 * phone numbers in a row (3-3-4 3-3-4) are never read as a card even when their digits happen to pass Luhn.
 */
const cardValid = (text: string) => {
  const digits = digitsOf(text);
  if (digits.length < 13 || digits.length > 19 || !luhnValid(digits) || /^(\d)\1+$/.test(digits)) return false;
  const lengths = text.split(/[ -]/).map((group) => group.length);
  return lengths.length === 1 || lengths.every((length, i) => length <= 6 && (length >= 4 || i === lengths.length - 1));
};

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
  // An IBAN starts at its country code, so windows start only there; the run may carry more groups after it.
  { kind: 'IBAN', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]+)+\b/g, within: (run) => windows(run, ibanValid, 10).filter(([start]) => start === 0) },
  { kind: 'CARD', pattern: /\b\d+(?:[ -]\d+)*\b/g, within: (run) => windows(run, cardValid, 19) },
  { kind: 'IP', pattern: new RegExp(`\\b${OCTET}(?:\\.${OCTET}){3}\\b(?!\\.\\d)`, 'g') },
  { kind: 'IP', pattern: /\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|\b(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}:){0,5}[0-9a-fA-F]{1,4}\b/g },
  {
    kind: 'PHONE',
    // libphonenumber-js (Google's metadata) finds each number on its own, also several in a row. National numbers
    // without +CC are read as US numbers, as the filter did before; other countries' are found with their +CC.
    // A text without a digit (in any script) holds no number: the metadata (~0.2 s to load) is not needed for it.
    find: (text) => (/\p{Nd}/u.test(text) ? phoneNumbers().findPhoneNumbersInText(text, 'US').map((found): [number, number] => [found.startsAt, found.endsAt]) : []),
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
      if (detector.find) {
        out = this.replaceSpans(out, detector.find(out), detector.kind);
        continue;
      }
      out = out.replace(detector.pattern!, (match) => {
        if (detector.within) return this.replaceSpans(match, detector.within(match), detector.kind);
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

  private replaceSpans(text: string, spans: Array<[number, number]>, kind: PiiKind): string {
    let out = '';
    let at = 0;
    for (const [start, end] of spans) {
      if (start < at) continue;
      out += text.slice(at, start) + this.placeholderFor(kind, text.slice(start, end));
      at = end;
    }
    return out + text.slice(at);
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
