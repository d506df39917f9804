// Preload for the sandboxed renderer: exposes exactly one object, `window.skillgraph`, over the two fixed
// channels. It knows no method names and parses nothing: main checks the caller and parses every input.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CHANNELS } from './channels';

contextBridge.exposeInMainWorld('skillgraph', {
  invoke(method: string, input: unknown): Promise<unknown> {
    return ipcRenderer.invoke(IPC_CHANNELS.invoke, String(method), input);
  },
  on(listener: (event: string, payload: unknown) => void): () => void {
    // The IPC event object (with `sender`) never reaches the page.
    const wrapped = (_event: IpcRendererEvent, message: { event: string; payload: unknown }) => listener(message.event, message.payload);
    ipcRenderer.on(IPC_CHANNELS.event, wrapped);
    return () => void ipcRenderer.removeListener(IPC_CHANNELS.event, wrapped);
  },
});
