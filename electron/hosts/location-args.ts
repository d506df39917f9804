// Flags every Skillgraph host accepts (the CLI's commands, browser mode and the desktop app): where the graph and the
// data folder are. Host-neutral, so the Electron host need not import the CLI.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { LocationInput } from '../engine/locations';

export const LOCATION_OPTIONS = {
  graph: { type: 'string' },
  data: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** Reads --graph/--data from an argument list that may hold other flags too (Electron adds its own). */
export function parseLocationArgs(argv: string[]): LocationInput {
  const { values } = parseArgs({ args: argv, options: LOCATION_OPTIONS, strict: false, allowPositionals: true });
  return {
    graph: typeof values.graph === 'string' ? values.graph : undefined,
    data: typeof values.data === 'string' ? values.data : undefined,
  };
}
