// Contract handlers: one function per contract method, over the engine's services. Both hosts (Electron
// IPC and browser mode) register exactly this object, so every method is served the same way by both.
import type { Handlers } from '../../../shared/contract';
import type { Engine } from '../engine';
import { appHandlers } from './app';
import { editorHandlers } from './editor';
import { gatewayHandlers } from './gateway';
import { pageHandlers } from './pages';
import { runHandlers } from './runs';
import { serverHandlers } from './servers';
import { skillHandlers } from './skills';

export function createHandlers(engine: Engine): Handlers {
  return {
    ...appHandlers(engine),
    ...pageHandlers(engine),
    ...serverHandlers(engine),
    ...gatewayHandlers(engine),
    ...skillHandlers(engine),
    ...runHandlers(engine),
    ...editorHandlers(engine),
  } satisfies Handlers;
}
