// Electron IPC transport: checks the caller is our window's main frame on our app:// origin, then hands the
// call to the one contract dispatcher that browser mode uses too. No validation or error mapping lives here.
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import type { Dispatch, Reply } from '../../shared/contract/dispatch';
import { isAppUrl } from './app-protocol';

export const FORBIDDEN_SENDER = 'forbidden-sender';

/** What the trust check reads from an IPC event: the sending WebContents and the frame inside it. */
export interface IpcSender {
  sender: Pick<WebContents, 'mainFrame'> | object;
  senderFrame: { url: string } | null;
}

/**
 * True only for the main frame of our own window showing our own UI: a subframe, another window or a page
 * that navigated elsewhere may not call the engine.
 */
export function isTrustedSender(event: IpcSender, window: { webContents: object }): boolean {
  if (event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== (event.sender as Pick<WebContents, 'mainFrame'>).mainFrame) return false;
  return isAppUrl(frame.url);
}

/** The `ipcMain.handle` callback for the invoke channel. */
export function createIpcInvokeHandler(
  dispatch: Dispatch,
  trusted: (event: IpcMainInvokeEvent | IpcSender) => boolean,
): (event: IpcMainInvokeEvent | IpcSender, method: unknown, input: unknown) => Promise<Reply> {
  return async (event, method, input) => {
    if (!trusted(event)) return { ok: false, error: { code: FORBIDDEN_SENDER, message: 'This window may not call Skillgraph.' } };
    return dispatch(method as string, input); // the dispatcher answers unknown-method for anything not a name
  };
}
