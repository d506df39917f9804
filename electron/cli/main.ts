// The `skillgraph` command line: starts the app (desktop or browser mode) and exposes the engine's
// operations to the terminal. Every command takes --graph/--data and, where it prints data, --json.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { toWireError } from '../../shared/errors';
import { LOCATION_OPTIONS } from '../hosts/location-args';
import type { Command } from './command';
import { COMMANDS } from './commands';

export const GLOBAL_HELP = `skillgraph — MCP servers as code, a sandboxed live console, and skills in your Logseq graph

Usage: skillgraph <command> [options]

Commands:
${'{commands}'}

Options every command accepts:
  --graph <folder>   the Logseq graph (default: the one saved in settings, else <data>/graph) [SKILLGRAPH_GRAPH]
  --data <folder>    the app data folder (settings, index, runs, generated API) [SKILLGRAPH_DATA]
  --json             print machine-readable JSON (commands that print data)
  --verbose          write the engine's log to stderr (debug level)
  -h, --help         help for a command

Run \`skillgraph <command> --help\` for a command's own options.`;

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return GLOBAL_HELP.replace('{commands}', COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n'));
}

export function commandHelp(command: Command): string {
  return `Usage: skillgraph ${command.usage}\n\n${command.summary}\n${command.help ? `\n${command.help}\n` : ''}`;
}

/** Exits once stdout and stderr have drained (pipes are asynchronous on some platforms). */
export function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

export async function runCli(argv: string[]): Promise<number> {
  const [first] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(globalHelp() + '\n');
    return 0;
  }
  if (first === '--version' || first === '-v') {
    const { VERSION } = await import('../engine/version');
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  // Longest match, so `servers list` and `skills show` are commands of their own.
  const match = [...COMMANDS]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((word, i) => argv[i] === word));
  if (!match) {
    const group = COMMANDS.filter((c) => c.name.split(' ')[0] === first);
    if (group.length) {
      process.stderr.write(`skillgraph ${first} needs a subcommand:\n${group.map((c) => `  skillgraph ${c.usage}`).join('\n')}\n`);
    } else {
      process.stderr.write(`Unknown command "${first}". Run \`skillgraph --help\` to see the commands.\n`);
    }
    return 2;
  }
  const args = argv.slice(match.name.split(' ').length);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(commandHelp(match));
    return 0;
  }
  const options: ParseArgsConfig['options'] = { ...LOCATION_OPTIONS, json: { type: 'boolean' }, verbose: { type: 'boolean' }, ...(match.options ?? {}) };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nUsage: skillgraph ${match.usage}\n`);
    return 2;
  }
  try {
    return (await match.run({ values: parsed.values as Record<string, unknown>, positionals: parsed.positionals })) ?? 0;
  } catch (error) {
    const wire = toWireError(error);
    if (parsed.values.json) process.stdout.write(JSON.stringify({ error: wire }) + '\n');
    process.stderr.write(`skillgraph: ${wire.message}\n`);
    if (process.env.SKILLGRAPH_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return wire.code === 'invalid-input' || wire.code === 'not-found' ? 2 : 1;
  }
}

if (process.argv[1] && /(?:cli[\\/]main\.ts|cli\.mjs)$/.test(process.argv[1])) {
  runCli(process.argv.slice(2)).then(
    // Exit explicitly: a finished command must not linger on a helper process or socket it did not own.
    (code) => exitAfterFlush(code),
    (error) => {
      process.stderr.write(`skillgraph: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
