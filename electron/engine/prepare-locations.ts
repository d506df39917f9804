// Where one engine's graph and data folder are, decided and prepared before anything opens them: shared by the
// engine's composition root and the index-only commands (which must not load the engine to find their folders).
import fs from 'node:fs';
import path from 'node:path';
import { assertUsableGraphDir, ensureDataDir, explicitGraphDir, resolveDataDir, templateDir, type LocationInput } from './locations';
import type { ServerRequestHandlers } from './mcp/pool';
import { SettingsStore } from './settings';
import { createGraphFromTemplate } from './template';
import type { LogTarget } from './logger';

export interface EngineOptions extends LocationInput {
  /** Which host runs the engine; shown in the status bar. */
  host: 'electron' | 'browser' | 'cli';
  /** Watch the graph for changes (the app does; one-shot CLI commands do not). */
  watch?: boolean;
  /** Create the graph from the starter template when the named folder does not exist. */
  initGraph?: boolean;
  /** Prepare the sandbox, a spare runner and the type-checker now, so the first run starts fast (default: not for the CLI). */
  warmSandbox?: boolean;
  /**
   * Scan the graph into memory (default). With false, the index is caught up with the page files instead (one stat
   * per file, only changed files read) and runs take their skills from it: for one-shot commands that read the graph
   * but never write it (`run`, `status`, `runs list`). Such an engine has no `graph` or `skills` service.
   */
  loadGraph?: boolean;
  /** How requests from servers (sampling, elicitation) are answered; the gateway relays them to its agent. */
  serverRequests?: ServerRequestHandlers;
  /** Where the engine logs (default: nowhere, as in tests); each host chooses. */
  log?: LogTarget;
}

export interface EngineLocations {
  dataDir: string;
  graphDir: string;
  createdGraph: boolean;
}

/**
 * Decides where the graph is and prepares the folders. A graph named explicitly must exist (or `initGraph`
 * must be set); with no graph named, the one saved in settings is used, else a new graph is created from the
 * template inside the data folder. Nothing is created until every check has passed.
 */
export function prepareLocations(opts: EngineOptions): EngineLocations & { settings: SettingsStore } {
  const dataDir = resolveDataDir(opts);
  const explicit = explicitGraphDir(opts);
  if (explicit && !opts.initGraph) assertUsableGraphDir(explicit);
  ensureDataDir(dataDir);
  const settings = new SettingsStore(dataDir);
  let graphDir = explicit ?? settings.get().graphDir ?? path.join(dataDir, 'graph');
  graphDir = path.resolve(graphDir);
  let createdGraph = false;
  if (!fs.existsSync(graphDir) || (opts.initGraph && fs.readdirSync(graphDir).length === 0)) {
    if (explicit && !opts.initGraph) assertUsableGraphDir(graphDir);
    createGraphFromTemplate(templateDir(), graphDir);
    createdGraph = true;
  } else {
    assertUsableGraphDir(graphDir);
  }
  if (!explicit && settings.get().graphDir !== graphDir) settings.update({ graphDir });
  return { dataDir, graphDir, createdGraph, settings };
}
