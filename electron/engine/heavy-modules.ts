// The engine's heavy dependencies, each loaded on first use instead of at start: the TypeScript 5.9 compiler (~9 MB
// of JavaScript, ~0.8 s to load here; only the Console editor's language service uses it), the native TypeScript
// compiler's API client (typescript-native, the JSON-RPC client of the Go binary that checks run code), the tokenizer
// behind the context ledger (its encoding tables), the E2B SDK (with its protobuf/connect stack, ~0.4 s), esbuild's
// JavaScript API and the PII filter's phone-number metadata (libphonenumber-js, ~0.35 s). Most commands — `status`,
// `search`, `skills list`, the gateway's handshake — need none of them, and a static import would make every one of
// them pay. Each has a CommonJS build (e2b's `main`, libphonenumber-js's `require` export), so require() loads it
// synchronously where it is first needed. The local sandbox runtime (@anthropic-ai/sandbox-runtime, ~0.2 s) and the
// native compiler's client are ES modules only, so they load through import().
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';
import type * as NativeTypeScript from 'typescript-native/unstable/async';
import type * as Tokenizer from 'gpt-tokenizer';
import type * as E2B from 'e2b';
import type * as Esbuild from 'esbuild';
import type * as PhoneNumbers from 'libphonenumber-js';
import type * as SandboxRuntime from '@anthropic-ai/sandbox-runtime';

const requireFromHere = createRequire(import.meta.url);

let compiler: typeof TypeScript | undefined;
let tokenizer: typeof Tokenizer | undefined;
let e2bSdk: typeof E2B | undefined;
let bundler: typeof Esbuild | undefined;
let phoneMetadata: typeof PhoneNumbers | undefined;
let nativeCompiler: Promise<typeof NativeTypeScript> | undefined;
let localSandbox: Promise<typeof SandboxRuntime> | undefined;

/** The TypeScript compiler API (loaded synchronously through require: it is CommonJS, and going through ESM import
 *  would also make Node lex its 9 MB for named exports). */
export function typescript(): typeof TypeScript {
  compiler ??= requireFromHere('typescript') as typeof TypeScript;
  return compiler;
}

/** The native TypeScript compiler's API (`API` spawns the Go binary and talks to it), for type-checking run code. */
export function nativeTypeScript(): Promise<typeof NativeTypeScript> {
  nativeCompiler ??= import('typescript-native/unstable/async');
  return nativeCompiler;
}

/** gpt-tokenizer's default (o200k) encoding, for counting tokens in the ledger. */
export function gptTokenizer(): typeof Tokenizer {
  tokenizer ??= requireFromHere('gpt-tokenizer') as typeof Tokenizer;
  return tokenizer;
}

/** The E2B SDK, for the E2B backend: only a run or a reachability check on E2B needs it. */
export function e2b(): typeof E2B {
  e2bSdk ??= requireFromHere('e2b') as typeof E2B;
  return e2bSdk;
}

/** esbuild's API, for bundling a run's code: commands that never run code do not start or load it. */
export function esbuild(): typeof Esbuild {
  bundler ??= requireFromHere('esbuild') as typeof Esbuild;
  return bundler;
}

/** libphonenumber-js, for the PII filter's phone numbers: only a gateway run with the filter on reads any. */
export function phoneNumbers(): typeof PhoneNumbers {
  phoneMetadata ??= requireFromHere('libphonenumber-js') as typeof PhoneNumbers;
  return phoneMetadata;
}

/** The local sandbox runtime (bubblewrap + seccomp), for local runs and the local backend's availability check. */
export function sandboxRuntime(): Promise<typeof SandboxRuntime> {
  localSandbox ??= import('@anthropic-ai/sandbox-runtime');
  return localSandbox;
}
