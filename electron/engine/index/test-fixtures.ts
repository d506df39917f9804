// Test and benchmark fixtures for the index: real Logseq markdown for skill and note pages, parsed by the
// graph module's real parser, so the index is exercised on what the app will actually feed it.
import { defaultGraphConfig, type GraphConfig } from '../graph/config';
import { parsePage } from '../graph/parser';
import type { ParsedPage } from '../../../shared/types';

export const TEST_GRAPH_CONFIG: GraphConfig = { ...defaultGraphConfig('/graph'), fileNameFormat: 'triple-lowbar' };

export interface SkillSpec {
  name: string;
  description: string;
  tags?: string[];
  language?: 'typescript' | 'python';
  status?: string;
  source?: string;
  servers?: string[];
  created?: string;
  updated?: string;
  code: string;
  usage?: string;
}

export function skillMarkdown(spec: SkillSpec): string {
  const language = spec.language ?? 'typescript';
  const lines = [
    'type:: skill',
    `skill-id:: ${spec.name}-id`,
    `description:: ${spec.description}`,
    ...(spec.tags?.length ? [`tags:: ${spec.tags.join(', ')}`] : []),
    `language:: ${language}`,
    `status:: ${spec.status ?? 'draft'}`,
    `source:: ${spec.source ?? 'agent [[Claude Desktop]]'}`,
    ...(spec.servers?.length ? [`servers:: ${spec.servers.join(', ')}`] : []),
    ...(spec.created ? [`created:: ${spec.created}`] : []),
    ...(spec.updated ? [`updated:: ${spec.updated}`] : []),
    '',
    '- ## Code',
    `\t- \`\`\`${language === 'python' ? 'python' : 'ts'}`,
    ...spec.code.split('\n').map((line) => `\t  ${line}`),
    '\t  ```',
    ...(spec.usage ? ['- Usage', `\t- ${spec.usage}`] : []),
    '',
  ];
  return lines.join('\n');
}

export function skillPath(name: string): string {
  return `pages/Skills___${name}.md`;
}

export function skillPage(spec: SkillSpec, mtimeMs = 1_700_000_000_000): ParsedPage {
  return parsePage(skillMarkdown(spec), skillPath(spec.name), TEST_GRAPH_CONFIG, mtimeMs);
}

export function notePage(relPath: string, markdown: string, mtimeMs = 1_700_000_000_000): ParsedPage {
  return parsePage(markdown, relPath, TEST_GRAPH_CONFIG, mtimeMs);
}

/** Small deterministic PRNG (mulberry32) so randomized tests and benchmarks replay exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
