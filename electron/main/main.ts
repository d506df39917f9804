// Electron host: one secure window over the renderer (served from app://), the engine in the main process,
// IPC through the one contract dispatcher. This and preload.ts are the only files that import `electron`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, type WebContents } from 'electron';
import { createDispatcher } from '../../shared/contract/dispatch';
import { parseLocationArgs } from '../hosts/location-args';
import { createHandlers } from '../engine/api/handlers';
import { Engine } from '../engine/engine';
import { APP_INDEX_URL, APP_SCHEME, isAllowedExternalUrl, isAppUrl, serveAppRequest } from './app-protocol';
import { IPC_CHANNELS } from './channels';
import { isMainFrameOf, registerContractIpc, type IpcMainLike } from './ipc';
import { createQuitGuard } from './lifecycle';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererRoot = path.join(here, '..', 'renderer');

/** Every WebContents ever created (today one window; tomorrow whatever a dependency opens) is held to the same rules. */
function guardWebContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  const keepInApp = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
  };
  contents.on('will-navigate', keepInApp);
  contents.on('will-redirect', keepInApp);
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

async function main(): Promise<void> {
  // `electron main.mjs --data …` in a checkout; `skillgraph --data …` installed, where no script path comes first.
  const locations = parseLocationArgs(process.argv.slice(app.isPackaged ? 1 : 2));
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  await app.whenReady();

  // The UI needs no camera, microphone, notifications, clipboard-read, geolocation…: deny all, checks included.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererRoot));

  let engine: Engine;
  try {
    engine = await Engine.open({ ...locations, host: 'electron', watch: true, log: { to: 'logs-folder' } });
  } catch (error) {
    dialog.showErrorBox('Skillgraph cannot start', (error as Error).message);
    app.exit(1);
    return;
  }

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

  const unsubscribe = engine.events.subscribe((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_CHANNELS.event, { event, payload });
  });
  const unregisterIpc = registerContractIpc(
    ipcMain satisfies IpcMainLike,
    createDispatcher(createHandlers(engine)),
    (event) => !window.isDestroyed() && isMainFrameOf(event, window.webContents),
  );

  // Cmd+Q, the menu, the last window closing and app.quit() all pass through before-quit: close the engine once.
  app.on(
    'before-quit',
    createQuitGuard(
      async () => {
        unsubscribe();
        unregisterIpc();
        await engine.close();
      },
      () => app.quit(),
      (error) => console.error(`Skillgraph did not close cleanly: ${error.message}`),
    ),
  );
  app.on('window-all-closed', () => app.quit());
  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  window.once('ready-to-show', () => window.show());
  await window.loadURL(APP_INDEX_URL);
}

// One app per user: a second start focuses the first window instead of opening the same graph twice.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main().catch((error: unknown) => {
    console.error(`Skillgraph failed to start: ${(error as Error).message}`);
    app.exit(1);
  });
}
