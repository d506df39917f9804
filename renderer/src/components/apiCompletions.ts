// Completion from the generated API tree: `./servers/<server>/<tool>` import paths inside strings, and the
// tool functions (TypeScript camelCase, Python snake_case) as identifiers. Names come from the generator's own rules.
import type { CompletionContext, CompletionResult, Completion } from '@codemirror/autocomplete';
import { pyFunctionName, tsFunctionName } from '../../../shared/identifiers';

export interface ApiTreeServer {
  server: string;
  dir: string;
  tools: Array<{ tool: string; identifier: string; description: string }>;
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 120);
}

export function apiCompletionSource(getTree: () => ApiTreeServer[], getLanguage: () => string) {
  return (context: CompletionContext): CompletionResult | null => {
    const tree = getTree();
    const python = getLanguage() === 'python';
    // Import paths: inside a quoted string (TS) or after `from ` (Python).
    const path = context.matchBefore(python ? /(?<=from\s+)[\w.]*$/ : /(?<=['"])(\.\/)?(servers\/?)?[\w/-]*$/);
    if (path && (path.text.length > 0 || context.explicit) && (python || /servers|^\.?\/?$/.test(path.text))) {
      const options: Completion[] = [];
      for (const server of tree) {
        if (python) {
          options.push({ label: `servers.${server.dir}`, type: 'namespace', detail: server.server });
        } else {
          options.push({ label: `./servers/${server.dir}`, type: 'namespace', detail: `all tools of ${server.server}` });
          for (const tool of server.tools) {
            options.push({ label: `./servers/${server.dir}/${tool.identifier}`, type: 'module', detail: tool.tool, info: firstLine(tool.description) });
          }
        }
      }
      return { from: path.from, options, validFor: /^[\w./-]*$/ };
    }
    const word = context.matchBefore(/[A-Za-z_][\w]*$/);
    if (!word && !context.explicit) return null;
    const options: Completion[] = [];
    for (const server of tree) {
      for (const tool of server.tools) {
        const fn = python ? pyFunctionName(tool.identifier) : tsFunctionName(tool.identifier);
        options.push({
          label: fn,
          type: 'function',
          detail: `${server.server}/${tool.tool}`,
          info: firstLine(tool.description),
          apply: fn,
        });
      }
    }
    return { from: word ? word.from : context.pos, options, validFor: /^\w*$/ };
  };
}
