// Electron IPC host: one `ipcMain.handle` channel per contract method, derived from the contract. Every
// call checks the sender is our own window and parses its input before the engine sees it.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { METHOD_NAMES, methods, type Handlers, type MethodName } from '../../shared/contract';
import { toWireError } from '../../shared/errors';

export const INVOKE_PREFIX = 'skillgraph:invoke:';
export const EVENT_CHANNEL = 'skillgraph:event';

export function channelFor(method: MethodName): string {
  return INVOKE_PREFIX + method;
}

export type IpcReply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/** Registers every contract method; returns the channels so a test can compare them to the contract. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: Handlers,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): string[] {
  const channels: string[] = [];
  for (const name of METHOD_NAMES) {
    const channel = channelFor(name);
    ipcMain.handle(channel, async (event, raw: unknown): Promise<IpcReply> => {
      if (!isTrustedSender(event)) return { ok: false, error: { code: 'forbidden-sender', message: 'This window may not call Skillgraph.' } };
      const parsed = methods[name].input.safeParse(raw ?? {});
      if (!parsed.success) {
        return { ok: false, error: { code: 'invalid-input', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ') } };
      }
      try {
        const handler = handlers[name] as (input: unknown) => Promise<unknown>;
        return { ok: true, result: await handler(parsed.data) };
      } catch (error) {
        return { ok: false, error: toWireError(error) };
      }
    });
    channels.push(channel);
  }
  return channels;
}
