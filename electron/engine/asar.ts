// Executables inside an installed app: electron-builder unpacks them beside app.asar (asarUnpack), but the
// paths our dependencies compute still point into the archive, where no other process can execute them.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The same file in app.asar.unpacked/ when `file` lies inside an app.asar archive; `file` itself otherwise. */
export function unpackedPath(file: string): string {
  return file.replace(/([\\/])app\.asar(?=[\\/])/, '$1app.asar.unpacked');
}

export function isInsideAsar(file: string): boolean {
  return unpackedPath(file) !== file;
}

/** The esbuild binary for this platform (esbuild's own package layout: `bin/esbuild`, or `esbuild.exe` on Windows). */
function esbuildBinary(platform: NodeJS.Platform, arch: string, resolve: (id: string) => string): string {
  const name = platform === 'win32' ? 'esbuild.exe' : 'bin/esbuild';
  return resolve(`@esbuild/${platform}-${arch}/${name}`);
}

/**
 * The environment esbuild reads when it loads: ESBUILD_BINARY_PATH naming the unpacked binary, inside an
 * installed app only (a source checkout runs the binary where npm put it).
 */
export function packagedEsbuildEnv(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
  resolve: (id: string) => string = (id) => require.resolve(id),
): { ESBUILD_BINARY_PATH?: string } {
  let binary: string;
  try {
    binary = esbuildBinary(platform, arch, resolve);
  } catch {
    return {}; // esbuild reports its own missing-platform-package error when it is first used
  }
  return isInsideAsar(binary) ? { ESBUILD_BINARY_PATH: unpackedPath(binary) } : {};
}

/**
 * The sandbox runtime's config for its seccomp helper (`vendor/seccomp/<arch>/apply-seccomp`, run by bwrap)
 * inside an installed app; nothing elsewhere, so the runtime finds it as usual.
 */
export function packagedSandboxConfig(
  packageDir: string = path.dirname(require.resolve('@anthropic-ai/sandbox-runtime/package.json')),
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): { seccomp?: { applyPath: string } } {
  if (platform !== 'linux' || !isInsideAsar(packageDir) || (arch !== 'x64' && arch !== 'arm64')) return {};
  return { seccomp: { applyPath: unpackedPath(path.join(packageDir, 'vendor', 'seccomp', arch, 'apply-seccomp')) } };
}
