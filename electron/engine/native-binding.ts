// Which better-sqlite3 native binding this process loads. Node (CLI, tests, gateway, browser mode) uses the
// one in node_modules; Electron has another ABI and loads a copy built for it into .electron-native/.
import fs from 'node:fs';
import path from 'node:path';
import { SkillgraphError } from '../../shared/errors';
import { packageRoot } from './locations';

/** Beside node_modules, never inside it: rebuilding in place would break every Node user of the same tree. */
export const ELECTRON_NATIVE_DIR = '.electron-native';

/** Where the Electron build for one ABI (`process.versions.modules`, Electron 41: 145) lives. */
export function electronBindingPath(abi: string, root: string = packageRoot()): string {
  return path.join(root, ELECTRON_NATIVE_DIR, `abi-${abi}`, 'better_sqlite3.node');
}

export class NativeBindingMissingError extends SkillgraphError {
  constructor(readonly file: string, versions: { electron?: string; modules: string }) {
    super(
      'native-binding-missing',
      `The search index cannot open: better-sqlite3 is not built for Electron ${versions.electron} (ABI ${versions.modules}); ${file} is missing. ` +
        'Run `node scripts/electron-native.mjs` once with internet access (npm start does it for you), or use browser mode: `skillgraph serve`.',
    );
  }
}

/** The options for `new Database(…)`: none under Node, the Electron build's path under Electron. */
export function betterSqliteOptions(versions: { electron?: string; modules: string } = process.versions, root?: string): { nativeBinding?: string } {
  if (!versions.electron) return {};
  const file = electronBindingPath(versions.modules, root);
  if (!fs.existsSync(file)) throw new NativeBindingMissingError(file, versions);
  return { nativeBinding: file };
}

/** For `skillgraph start` in a source checkout: why the installed Electron cannot open the index yet, if so. */
export function electronBindingMissingReason(root: string = packageRoot()): string | undefined {
  let abi: string;
  try {
    abi = fs.readFileSync(path.join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim();
  } catch {
    return undefined; // not a source checkout with the electron package: nothing to check here
  }
  const file = electronBindingPath(abi, root);
  return fs.existsSync(file) ? undefined : `better-sqlite3 is not built for Electron's ABI ${abi} (${path.relative(root, file)} is missing; \`node scripts/electron-native.mjs\` builds it, with internet access)`;
}
