// Electron host: one secure window over the renderer, the engine in the main process, IPC derived from the
// contract. This and preload.ts are the only files that import `electron`.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import { createHandlers } from '../engine/api/handlers';
import { Engine } from '../engine/engine';
import { CONTENT_SECURITY_POLICY } from '../server/browser-server';
import { EVENT_CHANNEL, registerIpcHandlers } from './ipc';
import { parseLocationArgs } from '../cli/args';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.join(here, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).toString();

/** Only http(s) and mailto links leave the app, and only through the system browser. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    return ['http:', 'https:', 'mailto:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const locations = parseLocationArgs(process.argv.slice(2));
  await app.whenReady();
  let engine: Engine;
  try {
    engine = await Engine.open({ ...locations, host: 'electron', watch: true });
  } catch (error) {
    const { dialog } = await import('electron');
    dialog.showErrorBox('Skillgraph cannot start', (error as Error).message);
    app.exit(1);
    return;
  }

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Skillgraph',
    show: false,
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });

  const isTrustedSender = (event: IpcMainInvokeEvent) =>
    event.sender === window.webContents && (event.senderFrame?.url ?? '').startsWith(rendererUrl.split('#')[0]);
  registerIpcHandlers(ipcMain, createHandlers(engine), isTrustedSender);
  const unsubscribe = engine.events.subscribe((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, { event, payload });
  });

  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url) || url.startsWith('logseq://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(rendererUrl);

  app.on('window-all-closed', async () => {
    unsubscribe();
    await engine.close();
    app.quit();
  });
}

main().catch((error) => {
  console.error(`Skillgraph failed to start: ${(error as Error).message}`);
  app.exit(1);
});
