// The one dispatcher over the contract and the one reply shape. Electron IPC and browser mode are thin
// transports around `dispatch`: they check who is calling, then hand it a method name and a raw input.
import { toWireError } from '../errors';
import { describeIssues } from '../zod-issues';
import type { WireError } from './define';
import { isMethodName, methods, type Handlers, type MethodName } from './index';

/** What every call answers, over every transport: a result, or a typed error written for the user. */
export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: WireError };

/** Codes the dispatcher itself produces; everything else comes from the engine's typed errors. */
export const DISPATCH_ERRORS = { unknownMethod: 'unknown-method', invalidInput: 'invalid-input' } as const;

export type Dispatch = (method: string, rawInput: unknown) => Promise<Reply>;

/**
 * Parses the input against the method's schema before any handler sees it, and turns whatever a handler
 * throws into a wire error, so a transport never needs its own try/catch or validation.
 */
export function createDispatcher(handlers: Handlers): Dispatch {
  return async (method, rawInput) => {
    if (typeof method !== 'string' || !isMethodName(method)) return { ok: false, error: { code: DISPATCH_ERRORS.unknownMethod, message: `No API method named ${String(method)}.` } };
    const parsed = methods[method].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: DISPATCH_ERRORS.invalidInput, message: describeIssues(parsed.error) } };
    }
    try {
      const handler = handlers[method as MethodName] as (input: unknown) => Promise<unknown>;
      return { ok: true, result: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  };
}
