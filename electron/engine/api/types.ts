// The slice of the contract's handlers one domain file provides; createHandlers joins the slices.
import type { Handlers, MethodName } from '../../../shared/contract';
import { SkillgraphError } from '../../../shared/errors';

export type HandlerSlice<M extends MethodName> = Pick<Handlers, M>;

/** For a capability this build cannot offer on this machine (never a silent fake result). */
export function unavailable(what: string, why: string): () => Promise<never> {
  return async () => {
    throw new SkillgraphError('not-available', `${what} is not available: ${why}`);
  };
}
