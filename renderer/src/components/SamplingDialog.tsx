// Requests for a completion MCP servers send to the app (sampling): each `servers.sample` event opens a dialog showing
// what the server asked (its messages, system prompt, token limit, model preferences); the person writes the answer
// and sends it, or declines (the server hears the decline). A request its server withdraws (servers.sampleDone)
// closes by itself.
import { useEffect, useState } from 'react';
import type { EventPayload } from '../../../shared/contract';
import { useClient } from '../hooks';
import { ErrorNote } from './ErrorNote';
import { ModalDialog } from './ModalDialog';

type SamplingRequest = EventPayload<'servers.sample'>;

/** What the server asked of the model besides its messages, as label/value pairs (only those it set). */
function requestTerms(request: SamplingRequest): [string, string][] {
  const { cost, speed, intelligence } = request.priorities;
  const priorities = [
    ['cost', cost],
    ['speed', speed],
    ['intelligence', intelligence],
  ].filter(([, value]) => value !== undefined);
  const terms: [string, string | undefined][] = [
    ['Max tokens', String(request.maxTokens)],
    ['Temperature', request.temperature === undefined ? undefined : String(request.temperature)],
    ['Preferred models', request.modelHints.length ? request.modelHints.join(', ') : undefined],
    ['Priorities', priorities.length ? priorities.map(([name, value]) => `${name} ${value}`).join(', ') : undefined],
    ['Stop at', request.stopSequences?.length ? request.stopSequences.map((s) => JSON.stringify(s)).join(', ') : undefined],
    ['Context', request.includeContext && request.includeContext !== 'none' ? request.includeContext : undefined],
    ['Tools offered', request.tools?.length ? `${request.tools.join(', ')} (an answer written here is text only)` : undefined],
  ];
  return terms.filter((term): term is [string, string] => term[1] !== undefined);
}

export function SamplingDialog() {
  const client = useClient();
  const [requests, setRequests] = useState<SamplingRequest[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  useEffect(() => {
    const offAsk = client.on('servers.sample', (r) => setRequests((all) => [...all, r]));
    const offDone = client.on('servers.sampleDone', ({ id }) => setRequests((all) => all.filter((r) => r.id !== id)));
    return () => (offAsk(), offDone());
  }, [client]);
  const request = requests[0];
  if (!request) return null;
  const answer = async (action: 'send' | 'decline') => {
    const close = () => {
      setRequests((all) => all.filter((r) => r.id !== request.id));
      setText('');
    };
    try {
      await client.call('servers.sampleAnswer', action === 'send' ? { id: request.id, action, text } : { id: request.id, action });
      setError(undefined);
      close();
    } catch (err) {
      // Kept open with the reason; a decline after a failure closes it for good (there is no one left to answer).
      setError((err as Error).message);
      if (action === 'decline') close();
    }
  };
  return (
    <ModalDialog key={request.id} title={`${request.server} asks for a completion`} onClose={() => void answer('decline')}>
      <p>The server would send this to a model. Skillgraph has no model of its own: write the answer it gets, or decline.</p>
      {request.systemPrompt && (
        <section aria-label="System prompt">
          <h3>System prompt</h3>
          <pre className="sampling-text">{request.systemPrompt}</pre>
        </section>
      )}
      <section aria-label="Messages">
        <h3>Messages</h3>
        <ol className="sampling-messages">
          {request.messages.map((m, i) => (
            <li key={i}>
              <strong>{m.role}</strong>
              <pre className="sampling-text">{m.text}</pre>
            </li>
          ))}
        </ol>
      </section>
      <dl className="sampling-terms" aria-label="What the server asked of the model">
        {requestTerms(request).map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <label>
        Answer
        <textarea rows={6} value={text} onChange={(e) => (setText(e.target.value), setError(undefined))} />
      </label>
      <ErrorNote error={error} />
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={() => void answer('send')}>
          Send
        </button>
        <button type="button" onClick={() => void answer('decline')}>
          Decline
        </button>
      </div>
    </ModalDialog>
  );
}
