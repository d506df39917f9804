// The gateway end to end, as an agent sees it: the SDK's Client spawns `skillgraph mcp` over stdio with real servers
// (server-everything, server-filesystem, and the SDK-built sheets and crm servers), discovers tools, runs code in the
// real sandbox, keeps personal data out of the answer, waits for approvals decided from another queue, saves a skill
// into the Logseq graph and finds it again.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalQueue } from './approvals';
import { PLACEHOLDER_NOTE } from './gateway';
import { REAL_SERVERS, startGateway, type GatewayHarness } from './fixtures/harness';
import { ContextLedgerBook } from './ledger';
import { until } from '../test-fixtures';

let gw: GatewayHarness;

beforeAll(async () => {
  gw = await startGateway({
    clientName: 'gateway-test-agent',
    servers: ({ sharedDir, crmDb }) => ({
      everything: REAL_SERVERS.everything(),
      filesystem: REAL_SERVERS.filesystem(sharedDir),
      sheets: REAL_SERVERS.sheets(),
      crm: REAL_SERVERS.crm(crmDb),
    }),
  });
}, 120_000);

afterAll(async () => {
  await gw?.close();
});

const runIdOf = (answer: { meta?: Record<string, unknown> }) => String(answer.meta?.runId ?? '');

describe('skillgraph mcp', () => {
  it('lists its six tools with schemas', async () => {
    const { tools } = await gw.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['execute_code', 'list_api', 'read_api', 'save_skill', 'search_skills', 'search_tools']);
    const search = tools.find((t) => t.name === 'search_tools')!;
    expect(search.inputSchema.required).toEqual(['query']);
    expect(search.inputSchema.properties).toHaveProperty('detail');
    expect((search.inputSchema.properties as Record<string, { enum?: string[] }>).detail.enum).toEqual(['name', 'summary', 'full']);
    expect(search.annotations?.readOnlyHint).toBe(true);
  });

  it('finds tools at three levels of detail, with a sentence as the query', async () => {
    const name = await gw.call('search_tools', { query: 'every row of a spreadsheet sheet', detail: 'name', limit: 3 });
    expect(name.text.split('\n').slice(0, 2)).toContain('sheets.getSheet');
    expect(name.text).not.toContain('—');
    const summary = await gw.call('search_tools', { query: 'echo', detail: 'summary', limit: 1 });
    expect(summary.text).toMatch(/^everything\.echo — \S/);
    // full: one line, the argument's fields inline, then the doc's first sentence
    const full = await gw.call('search_tools', { query: 'get_sheet', detail: 'full', limit: 1 });
    expect(full.text).toBe('sheets.getSheet({ sheet: "orders" | "leads"; limit?: number }) — Return every row of a sheet as a JSON array of objects (column name -> value).');
    // a deprecated tool yields its place to the others, and says what it is when it does show
    const reads = (await gw.call('search_tools', { query: 'read file', detail: 'summary', limit: 25 })).text.split('\n');
    expect(reads.at(-1)).toMatch(/^filesystem\.readFile — \(deprecated\) /);
    expect(reads.filter((line) => line.includes('(deprecated)'))).toHaveLength(1);
    expect((await gw.call('search_tools', { query: 'read file', detail: 'name', limit: 3 })).text).not.toMatch(/readFile$/m);
    const withOutput = await gw.call('search_tools', { query: 'read text file', detail: 'full', limit: 1 });
    expect(withOutput.text).toMatch(/^filesystem\.readTextFile\(\{ path: string; .*\}\): Promise<\{ content: string \}> — [^\n]+\.$/);
  });

  it('lists and reads the API tree like a filesystem, and refuses paths outside it', async () => {
    expect((await gw.call('list_api', { path: '' })).text.split('\n')).toEqual(expect.arrayContaining(['servers/', 'skills/']));
    const servers = (await gw.call('list_api', { path: 'servers' })).text.split('\n');
    expect(servers).toEqual(expect.arrayContaining(['everything/', 'filesystem/', 'sheets/', 'crm/']));
    const file = await gw.call('read_api', { path: 'servers/crm/update_records.ts' });
    expect(file.text).toContain('export async function updateRecords');
    const outside = await gw.call('read_api', { path: '../mcp.json' }, { allowError: true });
    expect(outside).toEqual({ isError: true, text: expect.stringContaining('outside the API tree') });
    const missing = await gw.call('list_api', { path: 'servers/nope' }, { allowError: true });
    expect(missing.isError).toBe(true);
  });

  it('executes code that calls server-everything and server-filesystem, and records the run for the app', async () => {
    fs.writeFileSync(path.join(gw.sharedDir, 'notes.txt'), 'alpha\nbeta\n');
    const code = `import { getSum } from './servers/everything';\nimport { readTextFile } from './servers/filesystem';\nconst sum = await getSum({ a: 2, b: 40 });\nconst file = await readTextFile({ path: ${JSON.stringify(path.join(gw.sharedDir, 'notes.txt'))} });\nconsole.log(JSON.stringify(sum), JSON.stringify(file).includes('beta'));`;
    const answer = await gw.call('execute_code', { code, session: 'it' });
    expect(answer.text).toMatch(/42.* true/);
    expect(answer.text).toMatch(new RegExp(`\\[run ${runIdOf(answer)}: succeeded; 2 calls: .*everything/get-sum \\d+ B`));
    expect(answer.text).toContain('filesystem/read_text_file ');
    // the ledger is for the host and the app, not the model
    expect(answer.text).not.toContain('ledger');
    expect(answer.meta).toMatchObject({ status: 'succeeded', ledger: { toolResultTokens: expect.any(Number) } });
    // The gateway answers first and writes the run's records right after: the test waits for the final one.
    const summaryFile = path.join(gw.dataDir, 'runs', `${runIdOf(answer)}.json`);
    const read = (): { status?: string } => {
      try {
        return JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
      } catch {
        return {}; // caught while being rewritten
      }
    };
    const summary = await until('the run record to say how it ended', () => {
      const read_ = read();
      return (read_.status === 'succeeded' || read_.status === 'failed') && read_;
    });
    expect(summary).toMatchObject({ origin: 'gateway', status: 'succeeded', session: 'it', toolCalls: 2, ledger: { toolResultTokens: expect.any(Number) } });
  }, 120_000);

  it('reports errors with line numbers', async () => {
    const typeError = await gw.call('execute_code', { code: "import { getSum } from './servers/everything';\n\nawait getSum({ a: 'two' });" });
    expect(typeError.text).toMatch(/main\.ts:3:\d+ - error TS/);
    const thrown = await gw.call('execute_code', { code: 'const x = 1;\nthrow new Error("boom at two");', language: 'javascript' });
    expect(thrown.text).toContain('boom at two');
    expect(thrown.text).toMatch(/main\.js:2/);
  }, 120_000);

  it('analyses 10,000 rows in code: the answer is small, the ledger shows what stayed out, e-mails become placeholders', async () => {
    const code = [
      "import { getSheet } from './servers/sheets';",
      "const rows = await getSheet({ sheet: 'orders' }) as Array<{ region: string; quantity: number; unit_price: number; status: string; email: string }>;",
      'const byRegion: Record<string, number> = {};',
      "for (const r of rows) if (r.status === 'paid') byRegion[r.region] = (byRegion[r.region] ?? 0) + r.quantity * r.unit_price;",
      'console.log(rows.length, JSON.stringify(byRegion));',
      "console.log('top customer:', rows[0].email);",
    ].join('\n');
    const answer = await gw.call('execute_code', { code, session: 'pii' });
    const { text } = answer;
    expect(text).toMatch(/^10000 \{"/);
    expect(text).toContain('top customer: [EMAIL_1]');
    expect(text).not.toMatch(/@example\.com/);
    // what a placeholder means is said once per session, where the first one appears
    expect(text).toContain(PLACEHOLDER_NOTE);
    expect((await gw.call('execute_code', { code, session: 'pii' })).text).not.toContain(PLACEHOLDER_NOTE);
    const ledger = answer.meta?.ledger as { toolResultTokens: number; printedTokens: number };
    expect(ledger.toolResultTokens).toBeGreaterThan(300_000);
    expect(ledger.printedTokens).toBeLessThan(200);
    // The gateway writes the entry just after it answers.
    const book = new ContextLedgerBook(gw.dataDir);
    const entry = await until('the ledger entry', () => book.entries().find((e) => e.runId === runIdOf(answer)));
    expect(entry.ledger.toolResultTokens).toBe(ledger.toolResultTokens);
  }, 120_000);

  it('turns a placeholder back into the real value inside a later tool call of the same session', async () => {
    const first = await gw.call('execute_code', { session: 'crm-flow', code: "import { getSheet } from './servers/sheets';\nconst [lead] = await getSheet({ sheet: 'leads', limit: 1 }) as Array<{ email: string }>;\nconsole.log(lead.email);" });
    expect(first.text.split('\n')[0]).toBe('[EMAIL_1]');
    const second = await gw.call('execute_code', {
      session: 'crm-flow',
      code: "import { updateRecords } from './servers/crm';\nconsole.log(JSON.stringify(await updateRecords({ records: [{ email: '[EMAIL_1]', fields: { stage: 'contacted' } }] })));",
    });
    expect(second.text).toContain('{"updated":1,"missing":[]}');
    const db = JSON.parse(fs.readFileSync(gw.crmDb, 'utf8')) as Record<string, { email: string; stage: string }>;
    expect(db['LEAD-5000']).toMatchObject({ email: 'ada.lovelace.0@example.com', stage: 'contacted' });
    // another session never received that placeholder, so it stays a literal string there
    const other = await gw.call('execute_code', {
      session: 'elsewhere',
      code: "import { updateRecords } from './servers/crm';\nconsole.log(JSON.stringify(await updateRecords({ records: [{ email: '[EMAIL_1]', fields: { stage: 'x' } }] })));",
    });
    expect(other.text).toContain('"missing":["[EMAIL_1]"]');
  }, 120_000);

  it('waits for the app to approve a writing call when approvals are required, and reports a denial', async () => {
    fs.writeFileSync(path.join(gw.dataDir, 'config.json'), JSON.stringify({ requireApproval: true }));
    const app = new ApprovalQueue(gw.dataDir);
    try {
      const code = "import { getSheet } from './servers/sheets';\nimport { updateRecords } from './servers/crm';\nawait getSheet({ sheet: 'leads', limit: 1 });\nconsole.log(JSON.stringify(await updateRecords({ records: [{ lead_id: 'LEAD-5001', fields: { stage: 'won' } }] })));";
      const decide = async (allow: boolean) => {
        const pending = await until('an approval request', () => app.list()[0]);
        // only the writing tool waits: the read-only get_sheet went through
        expect(pending).toMatchObject({ server: 'crm', tool: 'update_records', argsPreview: expect.stringContaining('LEAD-5001') });
        app.decide(pending.id, allow);
      };
      const [allowed] = await Promise.all([gw.call('execute_code', { code }), decide(true)]);
      expect(allowed.text).toContain('{"updated":1,"missing":[]}');
      const [denied] = await Promise.all([gw.call('execute_code', { code: code.replace("'won'", "'lost'") }), decide(false)]);
      expect(denied.text).toContain('call refused: the user denied crm/update_records');
      const db = JSON.parse(fs.readFileSync(gw.crmDb, 'utf8')) as Record<string, { stage: string }>;
      expect(db['LEAD-5001'].stage).toBe('won');
    } finally {
      fs.writeFileSync(path.join(gw.dataDir, 'config.json'), JSON.stringify({ requireApproval: false }));
      app.close();
    }
  }, 120_000);

  it('saves a skill as a draft by the agent, linked to the run that just succeeded, with a journal entry, and finds it again', async () => {
    const run = await gw.call('execute_code', { code: "import { getSheet } from './servers/sheets';\nconsole.log((await getSheet({ sheet: 'orders', limit: 2 }) as unknown[]).length);" });
    expect(run.meta?.status).toBe('succeeded');
    const code = "import { getSheet } from './servers/sheets';\n\nexport async function revenueByRegion(): Promise<Record<string, number>> {\n  const rows = (await getSheet({ sheet: 'orders' })) as Array<{ region: string; quantity: number; unit_price: number }>;\n  const out: Record<string, number> = {};\n  for (const r of rows) out[r.region] = (out[r.region] ?? 0) + r.quantity * r.unit_price;\n  return out;\n}\n";
    const saved = await gw.call('save_skill', { name: 'revenue_by_region', description: 'Sum order revenue per sales region from the orders sheet.', code, tags: ['sales', 'reporting'] });
    expect(saved.text).toContain('Saved skill revenue_by_region as a draft');
    expect(saved.text).toContain("import { revenueByRegion } from './skills/revenue_by_region';");
    const page = fs.readFileSync(path.join(gw.graphDir, 'pages', 'Skills___revenue_by_region.md'), 'utf8');
    expect(page).toContain('type:: skill');
    expect(page).toContain('status:: draft');
    expect(page).toMatch(/source:: agent \[\[gateway-test-agent 1\.0\.0\]\]/);
    expect(page).toContain(`run:: ${runIdOf(run)}`);
    const journals = fs.readdirSync(path.join(gw.graphDir, 'journals')).map((f) => fs.readFileSync(path.join(gw.graphDir, 'journals', f), 'utf8'));
    expect(journals.some((j) => j.includes('[[Skills/revenue_by_region]]') && j.includes('gateway-test-agent'))).toBe(true);

    const found = await until('search_skills to find the saved skill', async () => {
      const text = (await gw.call('search_skills', { query: 'revenue per region' })).text;
      return text.includes('revenue_by_region') && text;
    });
    expect(found).toContain('revenue_by_region (typescript, draft) [sales, reporting]');
    // the name rules are not spelled out in the schema on every turn; a bad name gets an error saying what to fix
    const badName = await gw.call('save_skill', { name: 'Revenue Report', description: 'x', code }, { allowError: true });
    expect(badName).toMatchObject({ isError: true, text: expect.stringMatching(/Revenue Report.*lowercase/) });
    const again = await gw.call('save_skill', { name: 'revenue_by_region', description: 'dup', code }, { allowError: true });
    expect(again).toEqual({ isError: true, text: expect.stringContaining('already exists') });
  }, 120_000);
});
