// Contract handlers for the gateway's approvals: the app lists tool calls waiting for the user and decides them.
// Requests may come from a `skillgraph mcp` process sharing the data folder; the queue's files carry them across.
import type { Engine } from '../engine';
import { currentSettings } from '../gateway/run-hooks';
import type { HandlerSlice } from './types';

export type GatewayMethods = 'approvals.list' | 'approvals.decide';

export function gatewayHandlers(engine: Engine): HandlerSlice<GatewayMethods> {
  return {
    'approvals.list': async () => ({ pending: engine.approvals.list(), required: currentSettings(engine.settings).requireApproval }),
    'approvals.decide': async ({ id, allow }) => {
      engine.approvals.decide(id, allow);
      return { ok: true };
    },
  };
}
