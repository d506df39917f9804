// A 20 MB tool result from a real npm server crosses the bridge into sandboxed code intact, in TypeScript and Python:
// the code filters it and prints a summary (the speed of this path is in bench/sandbox.bench.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunManager } from './runs';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';

const ROWS = 290_000;
const REGIONS = ['EMEA', 'NA', 'APAC', 'LATAM'];

let fixture: SandboxFixture;
let runs: RunManager;
let csv: string;
let expected: { rows: number; emea: number; total: number };

beforeAll(async () => {
  fixture = await createSandboxFixture();
  runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', limits: { timeoutMs: 60_000 } });
  const lines: string[] = [];
  expected = { rows: ROWS, emea: 0, total: 0 };
  for (let id = 0; id < ROWS; id++) {
    const region = REGIONS[id % REGIONS.length];
    const amount = (id * 7919) % 10_000;
    if (region === 'EMEA') {
      expected.emea++;
      expected.total += amount;
    }
    lines.push(`${id},${region},${amount},order ${id} shipped in good order and on time, thank you`);
  }
  csv = path.join(fixture.sharedDir, 'orders.csv');
  writeFileSync(csv, lines.join('\n') + '\n');
});

afterAll(async () => {
  await runs?.dispose();
  await fixture?.cleanup();
});

describe('a 20 MB tool result', () => {
  it('reaches TypeScript whole, to be filtered and summarised', async () => {
    const code = `
import { readTextFile } from './servers/filesystem';
const result = await readTextFile({ path: ${JSON.stringify(csv)} });
// server-filesystem answers with structured content { content: <the file> }
const text = typeof result === 'string' ? result : (result as { content: string }).content;
const rows = text.trim().split('\\n').map((line) => line.split(','));
const emea = rows.filter((row) => row[1] === 'EMEA');
console.log(JSON.stringify({ bytes: text.length, rows: rows.length, emea: emea.length, total: emea.reduce((sum, row) => sum + Number(row[2]), 0) }));
`;
    const result = await runs.start({ code, language: 'typescript', origin: 'app' }).done;
    expect(result.stderr).toBe('');
    const summary = JSON.parse(result.stdout) as { bytes: number; rows: number; emea: number; total: number };
    expect(summary.bytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(summary).toMatchObject(expected);
    expect(result.toolCalls[0].bytesOut).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('reaches Python whole, to be filtered and summarised', async () => {
    const code = `
import json
from servers.filesystem.read_text_file import read_text_file
result = await read_text_file({"path": ${JSON.stringify(csv)}})
text = result if isinstance(result, str) else result["content"]
rows = [line.split(",") for line in text.strip().split("\\n")]
emea = [row for row in rows if row[1] == "EMEA"]
print(json.dumps({"rows": len(rows), "emea": len(emea), "total": sum(int(row[2]) for row in emea)}))
`;
    const result = await runs.start({ code, language: 'python', origin: 'app' }).done;
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(expected);
  });
});
