// Whether the local sandbox can run here, answered without loading @anthropic-ai/sandbox-runtime (~0.2 s with
// node-forge), so `status` stays cheap. It repeats the runtime's own check (SandboxManager.checkDependenciesAsync,
// 0.0.78: sandbox-manager.js checkDependenciesCommon and linux-sandbox-utils.js checkLinuxDependencies) with the
// same messages: on Linux ripgrep, bubblewrap and socat on PATH, and not WSL1; nothing on macOS (Seatbelt is built
// in). Where the runtime would look further — Windows (its srt-win helper), or uid 0 without CAP_SETFCAP (it then
// probes bubblewrap) — the answer is the runtime's own. The seccomp helper is only ever a warning there, so not here.
import fs from 'node:fs';
import path from 'node:path';
import { sandboxRuntime } from '../heavy-modules';

const CAP_SETFCAP = 31n;

/** The first executable file named `name` on PATH, as `which` finds it. */
export function onPath(name: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here (or not executable): the next PATH entry may have it
    }
  }
  return undefined;
}

function isWsl1(): boolean {
  try {
    const version = fs.readFileSync('/proc/version', 'utf8');
    const explicit = /WSL(\d+)/i.exec(version);
    return explicit ? explicit[1] === '1' : version.toLowerCase().includes('microsoft');
  } catch {
    // no /proc/version: not WSL, as the runtime decides too
    return false;
  }
}

/** Whether this process's bounding or inheritable capability set holds CAP_SETFCAP (undefined: cannot tell). */
function holdsSetfcap(): boolean | undefined {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const bounding = /^CapBnd:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
    const inheritable = /^CapInh:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
    if (!bounding || !inheritable) return undefined;
    return (((BigInt('0x' + bounding[1]) | BigInt('0x' + inheritable[1])) >> CAP_SETFCAP) & 1n) === 1n;
  } catch {
    // unreadable: the caller asks the runtime, which reads it itself
    return undefined;
  }
}

/** What the local sandbox lacks here, in the runtime's words: no errors means it can run. */
export async function localSandboxDependencyErrors(): Promise<{ supported: boolean; errors: string[] }> {
  if (process.platform === 'darwin') return { supported: true, errors: [] };
  if (process.platform !== 'linux') return runtimeCheck();
  if (isWsl1()) return { supported: false, errors: ['Unsupported platform'] };
  const errors: string[] = [];
  if (!onPath('rg')) errors.push('ripgrep (rg) not found');
  const bwrap = onPath('bwrap');
  if (!bwrap) errors.push('bubblewrap (bwrap) not installed');
  if (!onPath('socat')) errors.push('socat not installed');
  // As root, bubblewrap needs CAP_SETFCAP to map uid 0; without it the runtime probes bubblewrap to be sure.
  if (bwrap && process.geteuid?.() === 0 && holdsSetfcap() !== true) return runtimeCheck();
  return { supported: true, errors };
}

async function runtimeCheck(): Promise<{ supported: boolean; errors: string[] }> {
  const { SandboxManager } = await sandboxRuntime();
  if (!SandboxManager.isSupportedPlatform()) return { supported: false, errors: ['Unsupported platform'] };
  return { supported: true, errors: (await SandboxManager.checkDependenciesAsync()).errors };
}
