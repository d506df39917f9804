// The engine's heavy dependencies, each loaded on first use instead of at start: the TypeScript compiler (~9 MB of
// JavaScript, ~0.8 s to load here), and the tokenizer behind the context ledger (its encoding tables). Most commands — `status`, `search`, `skills list`, the gateway's handshake — need none of them,
// and a static import would make every one of them pay.
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';
import type * as Tokenizer from 'gpt-tokenizer';

const requireFromHere = createRequire(import.meta.url);

let compiler: typeof TypeScript | undefined;
let tokenizer: typeof Tokenizer | undefined;

/** The TypeScript compiler API (loaded synchronously through require: it is CommonJS, and going through ESM import
 *  would also make Node lex its 9 MB for named exports). */
export function typescript(): typeof TypeScript {
  compiler ??= requireFromHere('typescript') as typeof TypeScript;
  return compiler;
}

/** gpt-tokenizer's default (o200k) encoding, for counting tokens in the ledger. */
export function gptTokenizer(): typeof Tokenizer {
  tokenizer ??= requireFromHere('gpt-tokenizer') as typeof Tokenizer;
  return tokenizer;
}
