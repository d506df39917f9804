// Questions MCP servers ask the person (elicitation): each `servers.elicit` event opens a dialog with a form built
// from the server's requested schema; the answer (send, decline, cancel) goes back through servers.elicitAnswer.
// A question its server withdraws (servers.elicitDone) closes by itself.
import { useEffect, useState } from 'react';
import type { EventPayload } from '../../../shared/contract';
import { useClient } from '../hooks';
import { ErrorNote } from './ErrorNote';
import { ModalDialog } from './ModalDialog';
import { SchemaForm } from './SchemaForm';

type Question = EventPayload<'servers.elicit'>;

export function ElicitationDialog() {
  const client = useClient();
  const [questions, setQuestions] = useState<Question[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    const offAsk = client.on('servers.elicit', (q) => setQuestions((all) => [...all, q]));
    const offDone = client.on('servers.elicitDone', ({ id }) => setQuestions((all) => all.filter((q) => q.id !== id)));
    return () => (offAsk(), offDone());
  }, [client]);
  const question = questions[0];
  if (!question) return null;
  const answer = async (action: 'accept' | 'decline' | 'cancel', content?: Record<string, unknown>) => {
    const close = () => setQuestions((all) => all.filter((q) => q.id !== question.id));
    try {
      await client.call('servers.elicitAnswer', { id: question.id, action, content });
      setError(undefined);
      close();
    } catch (err) {
      // Kept open with the reason; a Cancel after a failure closes it for good (there is no one left to answer).
      setError((err as Error).message);
      if (action === 'cancel') close();
    }
  };
  return (
    <ModalDialog key={question.id} title={`${question.server} asks`} onClose={() => void answer('cancel')}>
      <p className="elicit-message">{question.message}</p>
      {question.url ? (
        <p>
          It asks you to open <a href={question.url} target="_blank" rel="noreferrer">{question.url}</a>.
        </p>
      ) : (
        <SchemaForm schema={question.requestedSchema} submitLabel="Send" onSubmit={(content) => void answer('accept', content)} />
      )}
      <ErrorNote error={error} />
      <div className="dialog-actions">
        {question.url && (
          <button type="button" className="primary" onClick={() => void answer('accept')}>
            Done
          </button>
        )}
        <button type="button" onClick={() => void answer('decline')}>
          Decline
        </button>
        <button type="button" onClick={() => void answer('cancel')}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
