// Where Skillgraph keeps things: the app data folder and the Logseq graph folder, from flags,
// environment variables, the saved settings, or the platform's defaults.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../../shared/errors';

export interface LocationInput {
  graph?: string;
  data?: string;
  env?: NodeJS.ProcessEnv;
}

/** The platform's per-user application data folder for Skillgraph. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Skillgraph');
  if (process.platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'Skillgraph');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'skillgraph');
}

export function resolveDataDir(input: LocationInput): string {
  const env = input.env ?? process.env;
  const dir = input.data || env.SKILLGRAPH_DATA || defaultDataDir(env);
  return path.resolve(dir);
}

/** The graph the user named explicitly (flag or environment), if any. */
export function explicitGraphDir(input: LocationInput): string | undefined {
  const env = input.env ?? process.env;
  const dir = input.graph || env.SKILLGRAPH_GRAPH;
  return dir ? path.resolve(dir) : undefined;
}

/** Checks a folder can be used as the graph; throws a message the user can act on. */
export function assertUsableGraphDir(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new InvalidInputError(
      `Graph folder ${dir} does not exist. Pick an existing Logseq graph folder, or run \`skillgraph init --graph ${dir}\` to start a new graph there.`,
    );
  }
  if (!stat.isDirectory()) throw new InvalidInputError(`Graph folder ${dir} is a file, not a folder.`);
  assertWritable(dir, 'Graph folder');
}

export function assertWritable(dir: string, what: string): void {
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.R_OK);
  } catch {
    throw new InvalidInputError(`${what} ${dir} is not writable by this user. Fix its permissions or choose another folder.`);
  }
}

/** Ensures the data folder exists and is writable (it is ours to create). */
export function ensureDataDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new InvalidInputError(`Cannot create the data folder ${dir}: ${(error as Error).message}`);
  }
  assertWritable(dir, 'Data folder');
}

/**
 * The installed package's root folder: the nearest folder above this file whose package.json is ours. It holds
 * dist/ and package.json everywhere; logseq-template/ too, except in an installed app (resources/, beside app.asar).
 */
export function packageRoot(start: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (isOurPackageJson(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Skillgraph cannot find its package folder (no package.json named "skillgraph" above ${start}).`);
    dir = parent;
  }
}

function isOurPackageJson(file: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name === 'skillgraph';
  } catch {
    return false; // absent or not JSON: keep looking further up
  }
}

export function templateDir(): string {
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (packaged && fs.existsSync(path.join(packaged, 'logseq-template'))) return path.join(packaged, 'logseq-template');
  return path.join(packageRoot(), 'logseq-template');
}
