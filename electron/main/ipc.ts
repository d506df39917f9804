// Electron IPC transport: registers the contract on the one invoke channel, checks the caller is our window's main
// frame showing our app:// origin, then hands the call to the one contract dispatcher that browser mode uses too.
// No validation or error mapping lives here.
import type { WebContents } from 'electron';
import type { Dispatch, Reply } from '../../shared/contract/dispatch';
import { isAppUrl } from './app-protocol';
import { IPC_CHANNELS } from './channels';

export const FORBIDDEN_SENDER = 'forbidden-sender';

/** What the trust check reads from an IPC event: the sending WebContents and the frame inside it. */
export interface IpcSender {
  sender: Pick<WebContents, 'mainFrame'> | object;
  senderFrame: { url: string } | null;
}

export type IpcInvokeHandler = (event: IpcSender, method: unknown, input: unknown) => Promise<Reply>;

/** The part of Electron's `ipcMain` the host uses; `ipcMain` itself satisfies it (main.ts checks that). */
export interface IpcMainLike {
  handle(channel: string, listener: IpcInvokeHandler): void;
  removeHandler(channel: string): void;
}

/**
 * Whether an event comes from the main frame of `webContents` (not a subframe, not another window, not a frame
 * that is gone). Object identity of Electron's own objects: proven in e2e/shell.electron.spec.ts.
 */
export function isMainFrameOf(event: IpcSender, webContents: object): boolean {
  if (event.sender !== webContents) return false;
  const frame = event.senderFrame;
  return Boolean(frame) && frame === (webContents as Pick<WebContents, 'mainFrame'>).mainFrame;
}

/**
 * The invoke handler: answers only when `isOurMainFrame` holds and that frame shows our own app:// origin (a page
 * that navigated elsewhere, a file://, data: or look-alike origin may not call the engine).
 */
export function createIpcInvokeHandler(dispatch: Dispatch, isOurMainFrame: (event: IpcSender) => boolean): IpcInvokeHandler {
  return async (event, method, input) => {
    if (!isOurMainFrame(event) || !isAppUrl(event.senderFrame?.url ?? '')) {
      return { ok: false, error: { code: FORBIDDEN_SENDER, message: 'This window may not call Skillgraph.' } };
    }
    return dispatch(method as string, input); // the dispatcher answers unknown-method for anything not a name
  };
}

/** Puts the contract on the invoke channel; the returned function takes it off (the quit path does). */
export function registerContractIpc(ipcMain: IpcMainLike, dispatch: Dispatch, isOurMainFrame: (event: IpcSender) => boolean): () => void {
  ipcMain.handle(IPC_CHANNELS.invoke, createIpcInvokeHandler(dispatch, isOurMainFrame));
  return () => ipcMain.removeHandler(IPC_CHANNELS.invoke);
}
