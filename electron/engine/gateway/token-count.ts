// How the context ledger counts tokens: the offline o200k tokenizer over bounded pieces of a text, exact up to
// EXACT_CHARS_MAX and estimated from samples beyond. The token counter's worker (token-counter-worker.ts) runs these
// functions off the host's thread; the host runs them itself only when no worker can (token-counter.ts).
import { gptTokenizer } from '../heavy-modules';

/**
 * Texts up to this many characters are counted exactly; longer ones are estimated from exact counts of samples of
 * themselves (the tokenizer runs at 0.3-10 MB/s depending on the text: counting 100 MB exactly would take minutes).
 */
export const EXACT_CHARS_MAX = 256 * 1024;
/**
 * The tokenizer is quadratic in the length of a run of text without spaces (80 KB: 8.6 s), so it only ever sees
 * pieces this long, cut at whitespace where there is some near the end.
 */
const PIECE_CHARS = 2048;
const SAMPLES = 8;
const SAMPLE_CHARS = 8 * 1024;
/** Work done between two yields to the event loop when counting asynchronously. */
const SLICE_MS = 8;

const countPiece = (piece: string): number => gptTokenizer().countTokens(piece, { disallowedSpecial: new Set() });

/** Piece boundaries over text[from, to): at most PIECE_CHARS each, never splitting a surrogate pair. */
function* pieces(text: string, from: number, to: number): Generator<[number, number]> {
  let start = from;
  while (start < to) {
    let end = Math.min(start + PIECE_CHARS, to);
    if (end < to) {
      // Before a space, so the word after keeps its leading space as the tokenizer would see it.
      let cut = end;
      while (cut > end - 256 && cut > start + 1 && text.charCodeAt(cut) > 32) cut--;
      if (cut > start + 1 && text.charCodeAt(cut) <= 32) end = cut;
      const code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end--;
    }
    yield [start, end];
    start = end;
  }
}

/**
 * The parts of a text that are counted exactly: the whole text up to EXACT_CHARS_MAX, else SAMPLES windows spread
 * evenly over it. Only these (at most 64 KB of a long text) travel to the worker. Pieces never look outside their
 * part, so counting a part on its own gives the same tokens as counting it inside the text.
 */
export function countedParts(text: string): string[] {
  if (text.length <= EXACT_CHARS_MAX) return text ? [text] : [];
  const step = text.length / SAMPLES;
  return Array.from({ length: SAMPLES }, (_, i) => {
    const start = Math.floor(i * step);
    return text.slice(start, Math.min(text.length, start + SAMPLE_CHARS));
  });
}

/** Tokens of a text whose parts counted `tokens` over `chars` characters: exact when the parts were all of it. */
export function tokensOf(length: number, tokens: number, chars: number): number {
  return chars >= length ? tokens : Math.round((tokens / chars) * length);
}

/** Exact tokens of each part (the worker's job), summed. */
export function countParts(parts: string[]): number {
  let tokens = 0;
  for (const part of parts) for (const [start, end] of pieces(part, 0, part.length)) tokens += countPiece(part.slice(start, end));
  return tokens;
}

const charsOf = (parts: string[]) => parts.reduce((sum, part) => sum + part.length, 0);

/**
 * Tokens of a text with an offline tokenizer (o200k_base); special-token text counts as plain text, never throws.
 * Linear and bounded: exact up to EXACT_CHARS_MAX, an estimate beyond (see README for its error). Blocks for up to
 * about a second on the worst text; the ledger counts through the token counter's worker instead.
 */
export function countTokens(text: string): number {
  const parts = countedParts(text);
  return tokensOf(text.length, countParts(parts), charsOf(parts));
}

/** countTokens without holding the event loop: yields every few milliseconds, so timers and I/O go on meanwhile. */
export async function countTokensAsync(text: string): Promise<number> {
  const parts = countedParts(text);
  let tokens = 0;
  let sliceStart = performance.now();
  for (const part of parts) {
    for (const [start, end] of pieces(part, 0, part.length)) {
      tokens += countPiece(part.slice(start, end));
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  }
  return tokensOf(text.length, tokens, charsOf(parts));
}
