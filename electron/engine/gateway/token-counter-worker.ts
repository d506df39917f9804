// The token counter's worker thread: loads the tokenizer (its o200k tables cost ~0.45 s) and counts the parts the
// host sends, one message at a time, so neither the load nor the counting ever holds the host's thread.
// Protocol: in { id, parts: string[] }, out { id, tokens } (see token-counter.ts).
import { parentPort } from 'node:worker_threads';
import { countParts } from './token-count';
import { gptTokenizer } from '../heavy-modules';

export interface CountRequest {
  id: number;
  parts: string[];
}
export interface CountReply {
  id: number;
  tokens: number;
}

if (parentPort) {
  const port = parentPort;
  // Loaded at once, while the host goes on with its run: the first count then finds the tables ready.
  gptTokenizer();
  port.on('message', (request: CountRequest) => {
    port.postMessage({ id: request.id, tokens: countParts(request.parts) } satisfies CountReply);
  });
}
