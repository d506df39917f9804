// Starting a child that must run as plain Node with `process.execPath`: under Electron that path is the
// Electron binary, which starts the app again unless ELECTRON_RUN_AS_NODE=1 is in the child's environment.

/** The child's environment for running `process.execPath` as Node; unchanged outside Electron. (`node` is listed so that
 * `process.versions` fits this type under every lib setting, the DOM one of renderer-client.test.ts included.) */
export function nodeChildEnv(env: NodeJS.ProcessEnv, versions: { electron?: string; node?: string } = process.versions): NodeJS.ProcessEnv {
  return versions.electron ? { ...env, ELECTRON_RUN_AS_NODE: '1' } : env;
}
