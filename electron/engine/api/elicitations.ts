// Questions MCP servers ask the person (elicitation/create): each one is pushed to the UI as a `servers.elicit`
// event and waits until the app answers it (accept with content, decline, cancel), or the server withdraws it.
import { randomUUID } from 'node:crypto';
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { NotFoundError } from '../../../shared/errors';
import type { EventSink } from '../../../shared/contract';

interface PendingQuestion {
  server: string;
  resolve: (result: ElicitResult) => void;
}

export class ElicitationDesk {
  private readonly pending = new Map<string, PendingQuestion>();

  constructor(private readonly emit: EventSink) {}

  /** The pool's elicit handler: asks the app and resolves with the person's answer. */
  readonly ask = (server: string, params: ElicitRequest['params'], signal: AbortSignal): Promise<ElicitResult> => {
    const id = randomUUID();
    const form = params as { message: string; requestedSchema?: unknown; mode?: string; url?: string };
    return new Promise<ElicitResult>((resolve) => {
      const settle = (result: ElicitResult) => {
        if (!this.pending.delete(id)) return;
        signal.removeEventListener('abort', withdraw);
        this.emit('servers.elicitDone', { id });
        resolve(result);
      };
      const withdraw = () => settle({ action: 'cancel' });
      this.pending.set(id, { server, resolve: settle });
      signal.addEventListener('abort', withdraw, { once: true });
      this.emit('servers.elicit', { id, server, message: form.message, requestedSchema: form.requestedSchema, url: form.mode === 'url' ? form.url : undefined });
    });
  };

  answer(id: string, result: ElicitResult): void {
    const question = this.pending.get(id);
    if (!question) throw new NotFoundError('That question was already answered or withdrawn by its server.');
    question.resolve(result);
  }
}
