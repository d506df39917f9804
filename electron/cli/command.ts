// What a CLI command is, and the small helpers every command file shares.
import type { ParseArgsConfig } from 'node:util';

export interface CommandInput {
  values: Record<string, unknown>;
  positionals: string[];
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  help?: string;
  options?: ParseArgsConfig['options'];
  run(input: CommandInput): Promise<number | void>;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Where the graph and data folder are, and (`--verbose`) the engine's log on stderr. */
export function locationsOf(values: Record<string, unknown>) {
  return { graph: str(values.graph), data: str(values.data), ...(values.verbose ? { log: { to: 'stderr', level: 'debug' } as const } : {}) };
}

export function printJsonOr(values: Record<string, unknown>, data: unknown, human: () => string): void {
  process.stdout.write(values.json ? JSON.stringify(data, null, 2) + '\n' : human() + '\n');
}


/** A malformed mcp.json opens the engine without its servers: a command says so on stderr, naming the file and line. */
export function warnOfConfigProblem(engine: { serverConfigs: { problem?: string } }): void {
  if (engine.serverConfigs.problem) process.stderr.write(`[skillgraph] ${engine.serverConfigs.problem}\n`);
}
