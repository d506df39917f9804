// The app's answers to servers' sampling requests: what the person sees of a request (messages, system prompt, token
// limit, model preferences), the result a server gets when they send, the error when they decline, and a request its
// server withdraws closing by itself. (End to end with server-everything in e2e/inspector.browser.spec.ts.)
import { McpError, type CreateMessageRequest } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../../shared/contract';
import { PERSON_MODEL, SamplingDesk } from './sampling';

const REQUEST: CreateMessageRequest['params'] = {
  messages: [
    { role: 'user', content: { type: 'text', text: 'Summarise the report.' } },
    { role: 'assistant', content: { type: 'image', data: 'AAAA', mimeType: 'image/png' } },
  ],
  systemPrompt: 'You are terse.',
  maxTokens: 120,
  temperature: 0.2,
  modelPreferences: { hints: [{ name: 'claude-3-5-sonnet' }, { name: 'gpt-4o' }], intelligencePriority: 0.9, costPriority: 0.1 },
  includeContext: 'thisServer',
};

function desk() {
  const events: { event: EventName; payload: unknown }[] = [];
  const sampling = new SamplingDesk(<E extends EventName>(event: E, payload: EventPayload<E>) => void events.push({ event, payload }));
  const asked = () => events.find((e) => e.event === 'servers.sample')?.payload as EventPayload<'servers.sample'>;
  return { sampling, events, asked };
}

describe('SamplingDesk', () => {
  it('shows the request as the person reads it and returns what they wrote as the model message', async () => {
    const { sampling, events, asked } = desk();
    const answer = sampling.ask('notes', REQUEST, new AbortController().signal);
    expect(asked()).toEqual({
      id: expect.any(String),
      server: 'notes',
      messages: [
        { role: 'user', text: 'Summarise the report.' },
        { role: 'assistant', text: '[image image/png]' },
      ],
      systemPrompt: 'You are terse.',
      maxTokens: 120,
      temperature: 0.2,
      modelHints: ['claude-3-5-sonnet', 'gpt-4o'],
      priorities: { cost: 0.1, intelligence: 0.9 },
      includeContext: 'thisServer',
    });
    sampling.answer(asked().id, { action: 'send', text: 'The report says sales rose.' });
    expect(await answer).toEqual({ model: PERSON_MODEL, role: 'assistant', content: { type: 'text', text: 'The report says sales rose.' }, stopReason: 'endTurn' });
    expect(events.map((e) => e.event)).toEqual(['servers.sample', 'servers.sampleDone']);
    expect(() => sampling.answer(asked().id, { action: 'decline' })).toThrow(/already answered or withdrawn/);
  });

  it('declines with an error the server can read', async () => {
    const { sampling, asked } = desk();
    const answer = sampling.ask('notes', REQUEST, new AbortController().signal);
    sampling.answer(asked().id, { action: 'decline' });
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toContain('declined this sampling request');
  });

  it('closes a request its server withdrew', async () => {
    const { sampling, events } = desk();
    const withdraw = new AbortController();
    const answer = sampling.ask('notes', REQUEST, withdraw.signal).catch((e: Error) => e.message);
    withdraw.abort();
    expect(await answer).toContain('withdrawn');
    expect(events.map((e) => e.event)).toEqual(['servers.sample', 'servers.sampleDone']);
  });
});
