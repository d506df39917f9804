// Skillgraph as an MCP server for agents: six small tools over the Gateway (discovery, execute_code, skills), served
// with the SDK's McpServer. Descriptions are short on purpose: every word here sits in the agent's context on each turn.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toWireError } from '../../../shared/errors';
import { skillExportName } from '../skills/names';
import { VERSION } from '../version';
import { SEARCH_LIMIT_MAX, type Gateway } from './gateway';

export const GATEWAY_INSTRUCTIONS =
  'Write code against typed APIs instead of calling tools one by one. Find functions with search_tools, read their ' +
  'files with read_api, then run TypeScript with execute_code: import from "./servers/<server>" and "./skills/<name>", ' +
  'process data in code and print only what you need. Save code that worked with save_skill.';

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

async function answer(work: () => Promise<string>): Promise<CallToolResult> {
  try {
    return text(await work());
  } catch (error) {
    return { content: [{ type: 'text', text: toWireError(error).message }], isError: true };
  }
}

export function createGatewayServer(gateway: Gateway): McpServer {
  const server = new McpServer({ name: 'skillgraph', version: VERSION }, { instructions: GATEWAY_INSTRUCTIONS });
  const agentName = () => {
    const client = server.server.getClientVersion();
    return client ? `${client.name}${client.version ? ` ${client.version}` : ''}` : undefined;
  };

  server.registerTool(
    'search_tools',
    {
      description: 'Search the functions of every connected MCP server. detail: name | summary | full (full = TypeScript signature and import line).',
      inputSchema: {
        query: z.string().min(1).max(300),
        detail: z.enum(['name', 'summary', 'full']).default('summary'),
        limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX).default(8),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query, detail, limit }) => answer(() => gateway.searchTools(query, detail, limit)),
  );

  server.registerTool(
    'list_api',
    {
      description: 'List a folder of the generated API tree ("" = root, "servers", "servers/<server>", "skills").',
      inputSchema: { path: z.string().max(500).default('') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path }) => answer(() => gateway.listApi(path)),
  );

  server.registerTool(
    'read_api',
    {
      description: 'Read a file of the API tree, e.g. "servers/<server>/<tool>.ts" or "skills/README.md".',
      inputSchema: { path: z.string().min(1).max(500) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ path }) => answer(() => gateway.readApi(path)),
  );

  server.registerTool(
    'execute_code',
    {
      description:
        'Run code in a sandbox. Import tools from "./servers/<server>" and skills from "./skills/<name>"; top-level await works. ' +
        'Returns what the code printed (personal data as placeholders like [EMAIL_1], which work as tool arguments), errors with line numbers, and the tool calls made. ' +
        'The session keeps its workspace (the current folder) between runs.',
      inputSchema: {
        code: z.string().min(1).max(200_000),
        language: z.enum(['typescript', 'javascript', 'python']).default('typescript'),
        session: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)
          .optional(),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
    },
    ({ code, language, session }) => answer(async () => (await gateway.executeCode({ code, language, session })).text),
  );

  server.registerTool(
    'search_skills',
    {
      description: 'Search saved skills (code that worked before) and get their import lines.',
      inputSchema: { query: z.string().min(1).max(300), limit: z.number().int().min(1).max(SEARCH_LIMIT_MAX).default(8) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query, limit }) => answer(() => gateway.searchSkills(query, limit)),
  );

  server.registerTool(
    'save_skill',
    {
      description: 'Save code that worked as a reusable skill (a draft a person reviews). name: snake_case.',
      inputSchema: {
        name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'snake_case: lowercase letters, digits and _ , starting with a letter'),
        description: z.string().min(1).max(1000),
        code: z.string().min(1).max(200_000),
        tags: z.array(z.string().max(50)).max(20).default([]),
        language: z.enum(['typescript', 'python']).default('typescript'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (input) =>
      answer(async () => {
        const skill = await gateway.saveSkill(input, agentName());
        return `Saved skill ${skill.name} as a ${skill.status} for review (page ${skill.pageTitle}). Import it with: ${
          skill.language === 'python' ? `from skills.${skill.name} import ${skill.name}` : `import { ${skillExportName(skill.name)} } from './skills/${skill.name}';`
        }`;
      }),
  );

  return server;
}
