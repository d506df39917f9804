// The context ledger: token counts from the real offline tokenizer, entries appended to <data>/ledger.jsonl, the ledger
// added to the run's summary file, sums per day and per skill, and the event the app listens to.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countTokens as countWhole } from 'gpt-tokenizer';
import { ContextLedgerBook, countTokens, countTokensAsync, EXACT_CHARS_MAX, skillsImportedBy } from './ledger';

const dirs: string[] = [];
function tempData(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ledger-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('countTokens', () => {
  it('counts with a real tokenizer and accepts text that looks like special tokens', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('a <|endoftext|> b')).toBeGreaterThan(3);
  });

  const repoFile = (rel: string) => fs.readFileSync(path.join(__dirname, '../../..', rel), 'utf8');
  const exact = (text: string) => countWhole(text, { disallowedSpecial: new Set() });
  const realTexts = () => ({
    json: repoFile('package-lock.json'),
    prose: repoFile('README.md').repeat(30),
    source: repoFile('electron/engine/sandbox/runs.ts').repeat(12),
    base64: Buffer.from(repoFile('package-lock.json')).toString('base64'),
  });

  it('counts a text in pieces within 0.1% of the tokenizer on the whole text, up to EXACT_CHARS_MAX', () => {
    for (const [kind, text] of Object.entries(realTexts())) {
      const sample = text.slice(0, EXACT_CHARS_MAX);
      expect(Math.abs(countTokens(sample) - exact(sample)) / exact(sample), kind).toBeLessThan(0.001);
    }
  });

  it('estimates a longer text within 2% of the exact count (the error the README states)', () => {
    for (const [kind, text] of Object.entries(realTexts())) {
      expect(text.length, kind).toBeGreaterThan(EXACT_CHARS_MAX);
      expect(Math.abs(countTokens(text) - exact(text)) / exact(text), kind).toBeLessThan(0.02);
    }
  }, 60_000);

  it('counts 50 MB without a space and lets timers run meanwhile', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    const text = Array.from({ length: 50 * 1024 }, (_, i) => ((i * 2654435761) >>> 0).toString(36).padEnd(1024, 'q')).join('');
    const tokens = await countTokensAsync(text);
    clearInterval(ticker);
    expect(tokens).toBeGreaterThan(text.length / 10);
    expect(tokens).toBeLessThan(text.length);
    expect(ticks, 'the event loop was held for the whole count').toBeGreaterThan(0);
    // a 400 KB line without spaces, the case that took minutes whole, is counted exactly and agrees with the sync count
    const line = text.slice(0, 400 * 1024);
    expect(await countTokensAsync(line)).toBe(countTokens(line));
  }, 60_000);
});

describe('skillsImportedBy', () => {
  it('finds TypeScript and Python skill imports', () => {
    const code = `import { sumSales } from './skills/sum_sales';\nimport { x } from "skills/clean_rows.ts";\nfrom skills.py_helper import py_helper\nfrom skills import a_b, c_d`;
    expect(skillsImportedBy(code)).toEqual(['a_b', 'c_d', 'clean_rows', 'py_helper', 'sum_sales']);
  });
});

describe('ContextLedgerBook', () => {
  it('closes a run: counts tool results and printed text, writes the entry and the run summary, emits ledger.updated', async () => {
    const data = tempData();
    fs.mkdirSync(path.join(data, 'runs'));
    const summary = { id: 'r1', session: 's', language: 'typescript', backend: 'local', status: 'succeeded', startedAt: 1, origin: 'gateway', toolCalls: 2, extra: 'kept' };
    fs.writeFileSync(path.join(data, 'runs', 'r1.json'), JSON.stringify(summary));
    const events: unknown[] = [];
    const book = new ContextLedgerBook(data, (event, payload) => events.push({ event, payload }));
    const rows = Array.from({ length: 500 }, (_, i) => ({ id: i, name: `Customer ${i}`, amount: i * 3 }));
    book.onResult({ runId: 'r1' }, rows);
    book.onResult({ runId: 'r1' }, 'plain text result');
    book.onResult({ runId: 'other' }, 'not this run');
    const entry = await book.finish({ id: 'r1', session: 's', origin: 'gateway' }, 'total: 374250', "import { f } from './skills/sum_sales';");
    const expected = countTokens(JSON.stringify(rows)) + countTokens('plain text result');
    expect(entry.ledger).toEqual({ toolResultTokens: expected, printedTokens: countTokens('total: 374250'), savedTokens: expected - countTokens('total: 374250') });
    expect(entry.skills).toEqual(['sum_sales']);
    const onDisk = JSON.parse(fs.readFileSync(path.join(data, 'runs', 'r1.json'), 'utf8'));
    expect(onDisk.ledger).toEqual(entry.ledger);
    expect(onDisk.extra).toBe('kept');
    expect(events).toEqual([{ event: 'ledger.updated', payload: { runId: 'r1', ledger: entry.ledger } }]);
    expect(book.entries()).toHaveLength(1);
  });

  it('sums per day and per skill, and skips a line cut short by a crash', async () => {
    const data = tempData();
    const book = new ContextLedgerBook(data);
    const day1 = new Date(2025, 2, 3, 10).getTime();
    const day2 = new Date(2025, 2, 4, 10).getTime();
    book.onResult({ runId: 'a' }, 'x '.repeat(100));
    await book.finish({ id: 'a', session: 's', origin: 'gateway' }, 'ok', "import { f } from './skills/one';", day1);
    book.onResult({ runId: 'b' }, 'y '.repeat(50));
    await book.finish({ id: 'b', session: 's', origin: 'app' }, 'fine', "import { f } from './skills/one';\nimport { g } from './skills/two';", day2);
    fs.appendFileSync(book.file, '{"runId":"c","day":"2025-');
    const totals = book.totals();
    expect(totals.total.runs).toBe(2);
    expect(Object.keys(totals.byDay).sort()).toEqual(['2025-03-03', '2025-03-04']);
    expect(totals.bySkill.one.runs).toBe(2);
    expect(totals.bySkill.two.runs).toBe(1);
    expect(totals.bySkill.one.toolResultTokens).toBe(totals.total.toolResultTokens);
    expect(totals.total.savedTokens).toBe(totals.total.toolResultTokens - totals.total.printedTokens);
  });
});
