// Requests for a completion MCP servers send to the app (sampling/createMessage): the app has no model of its own,
// so the person reads the request in a dialog and writes (or edits) the answer. Each request is pushed to the UI as a
// `servers.sample` event and waits until the person sends or declines it, or the server withdraws it; a decline
// reaches the server as an error saying so.
import { McpError, type CreateMessageRequest, type CreateMessageResult } from '@modelcontextprotocol/sdk/types.js';
import type { EventPayload, EventSink } from '../../../shared/contract';
import { WaitingAnswers } from './waiting-answers';

/** The model a person's answer is reported as, unless they name another. */
export const PERSON_MODEL = 'person-in-skillgraph';
/** The error code the spec's examples use for a sampling request the user rejected. */
const USER_REJECTED = -1;

export type SamplingAnswer = { action: 'send'; text: string; model?: string } | { action: 'decline' } | { action: 'withdrawn' };

type Part = { type: string; text?: string; mimeType?: string; name?: string };

/** One content part as the person reads it: text as is, anything else as a note of what it is. */
function describePart(part: Part): string {
  if (part.type === 'text') return part.text ?? '';
  if (part.type === 'image' || part.type === 'audio') return `[${part.type}${part.mimeType ? ` ${part.mimeType}` : ''}]`;
  if (part.type === 'tool_use') return `[asks to call tool ${part.name ?? ''}]`;
  return `[${part.type}]`;
}

export function describeSamplingRequest(id: string, server: string, params: CreateMessageRequest['params']): EventPayload<'servers.sample'> {
  const prefs = params.modelPreferences;
  return {
    id,
    server,
    messages: params.messages.map((m) => ({ role: m.role, text: (Array.isArray(m.content) ? (m.content as Part[]) : [m.content as Part]).map(describePart).join('\n') })),
    systemPrompt: params.systemPrompt,
    maxTokens: params.maxTokens,
    temperature: params.temperature,
    stopSequences: params.stopSequences,
    modelHints: (prefs?.hints ?? []).map((h) => h.name).filter((name): name is string => typeof name === 'string'),
    priorities: { cost: prefs?.costPriority, speed: prefs?.speedPriority, intelligence: prefs?.intelligencePriority },
    includeContext: params.includeContext,
    tools: (params as { tools?: { name: string }[] }).tools?.map((t) => t.name),
  };
}

export class SamplingDesk {
  private readonly waiting = new WaitingAnswers<SamplingAnswer>();

  constructor(private readonly emit: EventSink) {}

  /** The pool's sample handler: shows the request to the person and returns what they wrote as the model's message. */
  readonly ask = async (server: string, params: CreateMessageRequest['params'], signal: AbortSignal): Promise<CreateMessageResult> => {
    const answer = await this.waiting.wait(
      signal,
      (id) => this.emit('servers.sample', describeSamplingRequest(id, server, params)),
      (id) => this.emit('servers.sampleDone', { id }),
      { action: 'withdrawn' },
    );
    if (answer.action === 'send') return { model: answer.model?.trim() || PERSON_MODEL, role: 'assistant', content: { type: 'text', text: answer.text }, stopReason: 'endTurn' };
    // Withdrawn: the server cancelled its own request and reads no answer; the error only ends the handler.
    throw new McpError(USER_REJECTED, answer.action === 'decline' ? 'The person using Skillgraph declined this sampling request.' : 'The sampling request was withdrawn.');
  };

  answer(id: string, answer: SamplingAnswer): void {
    this.waiting.answer(id, answer, 'sampling request');
  }
}
