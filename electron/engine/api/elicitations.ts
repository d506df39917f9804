// Questions MCP servers ask the person (elicitation/create): each one is pushed to the UI as a `servers.elicit`
// event and waits until the app answers it (accept with content, decline, cancel), or the server withdraws it.
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { EventSink } from '../../../shared/contract';
import { WaitingAnswers } from './waiting-answers';

export class ElicitationDesk {
  private readonly waiting = new WaitingAnswers<ElicitResult>();

  constructor(private readonly emit: EventSink) {}

  /** The pool's elicit handler: asks the app and resolves with the person's answer. */
  readonly ask = (server: string, params: ElicitRequest['params'], signal: AbortSignal): Promise<ElicitResult> => {
    const form = params as { message: string; requestedSchema?: unknown; mode?: string; url?: string };
    return this.waiting.wait(
      signal,
      (id) => this.emit('servers.elicit', { id, server, message: form.message, requestedSchema: form.requestedSchema, url: form.mode === 'url' ? form.url : undefined }),
      (id) => this.emit('servers.elicitDone', { id }),
      { action: 'cancel' },
    );
  };

  answer(id: string, result: ElicitResult): void {
    this.waiting.answer(id, result, 'question');
  }
}
