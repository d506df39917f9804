// Test helpers: temporary folders and a real engine built the way the app builds it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine, type EngineOptions } from '../engine/engine';

export function tempDir(prefix = 'skillgraph-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Opens a real engine over a fresh graph (from the starter template) and a fresh data folder. */
export async function openTestEngine(options: Partial<EngineOptions> = {}): Promise<Engine> {
  const dir = tempDir();
  return Engine.open({ data: path.join(dir, 'data'), host: 'cli', ...options });
}
