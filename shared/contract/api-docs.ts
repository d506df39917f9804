// Renders the API reference (docs/API.md) from the contract itself: each method's one-line doc, its input and
// its output as JSON Schema (zod's own z.toJSONSchema), and each event's payload. `npm run docs:api` writes it;
// electron/test/api-docs.test.ts fails when the file no longer matches the contract.
import { z } from 'zod';
import { events, methods } from './index';

const schemaOf = (schema: z.ZodType, io: 'input' | 'output') => {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return JSON.stringify(json, null, 2);
};

const block = (title: string, json: string) => `<details><summary>${title}</summary>\n\n\`\`\`json\n${json}\n\`\`\`\n\n</details>\n`;

/** The whole of docs/API.md. */
export function renderApiDocs(): string {
  const out: string[] = [
    '# Skillgraph API',
    '',
    '<!-- Generated from shared/contract/ by `npm run docs:api`; do not edit by hand. -->',
    '',
    'The one contract between the engine and every UI (`shared/contract/`). Both hosts carry it: Electron IPC',
    '(`window.skillgraph.invoke(method, input)`) and browser mode (`POST /api/<method>` with the bearer token, events',
    'over the `/events` WebSocket). Every call answers `{ ok: true, result }` or `{ ok: false, error: { code, message } }`;',
    'inputs are parsed against the input schema and results checked against the output schema by the one dispatcher',
    '(`shared/contract/dispatch.ts`).',
    '',
    '## Methods',
    '',
    '| Method | What it does |',
    '| --- | --- |',
    ...Object.entries(methods).map(([name, def]) => `| [\`${name}\`](#${name.replace(/\./g, '').toLowerCase()}) | ${def.doc.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const [name, def] of Object.entries(methods)) {
    out.push(`### ${name}`, '', def.doc, '', block('Input', schemaOf(def.input, 'input')), block('Output', schemaOf(def.output, 'output')));
  }
  out.push('## Events', '', 'Pushed by the engine: over IPC on the event channel, in browser mode as `{ event, payload }` frames.', '');
  for (const [name, payload] of Object.entries(events)) out.push(`### ${name}`, '', block('Payload', schemaOf(payload, 'output')));
  return out.join('\n');
}
