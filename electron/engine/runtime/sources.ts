// Reads the sandbox-side runtime files that live beside this module (bridge.ts, _bridge.py, runner.mjs,
// runner.py, compile_api.py) so the generator and the sandbox backends can write them where runs need them. They are real files,
// linted and type-checked like the rest of the code; scripts/build.mjs copies them to dist/runtime/, where the
// bundled engine reads them. Protocol and file roles: README.md in this folder.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../locations';

/** The runtime files, by the name each has in this folder and in dist/runtime/. */
export type RuntimeFile = 'bridge.ts' | '_bridge.py' | 'runner.mjs' | 'runner.py' | 'compile_api.py';

const cache = new Map<RuntimeFile, string>();

/** The folder holding the runtime files for the code that is running: dist/runtime/ when bundled, this one otherwise. */
export function runtimeDir(here: string = fileURLToPath(import.meta.url)): string {
  const root = packageRoot(path.dirname(here));
  const bundled = path.relative(root, here).split(path.sep)[0] === 'dist';
  return bundled ? path.join(root, 'dist', 'runtime') : path.dirname(here);
}

/** The text of one runtime file, read once per process. */
export function runtimeSource(name: RuntimeFile): string {
  let text = cache.get(name);
  if (text === undefined) {
    const file = path.join(runtimeDir(), name);
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`Skillgraph's sandbox runtime file ${file} cannot be read (${(error as Error).message}); reinstall Skillgraph or run npm run build.`);
    }
    cache.set(name, text);
  }
  return text;
}
