// Preload for the sandboxed renderer: exposes exactly one object, `window.skillgraph`, that can invoke the
// contract's methods and listen to its events. Channel names are checked against the contract here too.
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_NAMES, METHOD_NAMES } from '../../shared/contract';

const INVOKE_PREFIX = 'skillgraph:invoke:';
const EVENT_CHANNEL = 'skillgraph:event';
const methodNames = new Set<string>(METHOD_NAMES);
const eventNames = new Set<string>(EVENT_NAMES);

contextBridge.exposeInMainWorld('skillgraph', {
  invoke(method: string, input: unknown): Promise<unknown> {
    if (!methodNames.has(method)) return Promise.reject(new Error(`No API method named ${method}.`));
    return ipcRenderer.invoke(INVOKE_PREFIX + method, input);
  },
  on(listener: (event: string, payload: unknown) => void): () => void {
    const wrapped = (_e: unknown, message: { event: string; payload: unknown }) => {
      if (eventNames.has(message.event)) listener(message.event, message.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
});
