// Requests a server sends that wait for the person in the app (elicitation, sampling): each is announced to the UI
// with an id and waits until the app answers it by that id, or its server withdraws it (the request's signal aborts).
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../../shared/errors';

export class WaitingAnswers<Answer> {
  private readonly pending = new Map<string, (answer: Answer) => void>();

  /**
   * Announces a request with `announce(id)` and resolves with the app's answer; `withdrawn` is the answer when the
   * server gives up first. `done(id)` tells the UI the request is over either way (its dialog closes).
   */
  wait(signal: AbortSignal, announce: (id: string) => void, done: (id: string) => void, withdrawn: Answer): Promise<Answer> {
    const id = randomUUID();
    return new Promise<Answer>((resolve) => {
      const settle = (answer: Answer) => {
        if (!this.pending.delete(id)) return;
        signal.removeEventListener('abort', withdraw);
        done(id);
        resolve(answer);
      };
      const withdraw = () => settle(withdrawn);
      this.pending.set(id, settle);
      signal.addEventListener('abort', withdraw, { once: true });
      announce(id);
    });
  }

  answer(id: string, answer: Answer, what: string): void {
    const settle = this.pending.get(id);
    if (!settle) throw new NotFoundError(`That ${what} was already answered or withdrawn by its server.`);
    settle(answer);
  }
}
