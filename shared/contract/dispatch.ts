// The one dispatcher over the contract and the one reply shape. Electron IPC and browser mode are thin
// transports around `dispatch`: they check who is calling, then hand it a method name and a raw input.
import { toWireError } from '../errors';
import { describeIssues } from '../zod-issues';
import type { WireError } from './define';
import { isMethodName, methods, type Handlers, type MethodName } from './index';

/** What every call answers, over every transport: a result, or a typed error written for the user. */
export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: WireError };

/** Codes the dispatcher itself produces; everything else comes from the engine's typed errors. */
export const DISPATCH_ERRORS = { unknownMethod: 'unknown-method', invalidInput: 'invalid-input', invalidOutput: 'invalid-output' } as const;

export type Dispatch = (method: string, rawInput: unknown) => Promise<Reply>;

/**
 * Parses the input against the method's schema before any handler sees it, checks the handler's result against
 * the method's output schema (so the contract the renderer types against is the one the engine keeps: a handler
 * answering another shape is an `invalid-output` error naming the field, caught by any test that calls it), and
 * turns whatever a handler throws into a wire error, so a transport never needs its own try/catch or validation.
 * The result travels as the handler returned it; the check only reads it.
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
      const result = await handler(parsed.data);
      const checked = methods[method].output.safeParse(result);
      if (!checked.success) {
        return { ok: false, error: { code: DISPATCH_ERRORS.invalidOutput, message: `The engine answered ${method} with a result the contract does not allow: ${describeIssues(checked.error)}` } };
      }
      return { ok: true, result };
    } catch (error) {
      return { ok: false, error: toWireError(error) };
    }
  };
}
