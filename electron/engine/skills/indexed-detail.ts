// A skill's detail (page, journal history, schema pins) answered from the index caught up with the graph on disk, for
// `skillgraph skills show`: what SkillService.get answers over the graph in memory, without scanning the graph. Only
// the skill's page file and the journal pages that link to it are read.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SkillDetail } from '../../../shared/contract';
import { readGraphConfig } from '../graph/config';
import { parsePage } from '../graph/parser';
import type { SearchIndex } from '../index/search-index';
import { journalEntriesOf, sortJournalEntries } from './journal';
import { comparePins, currentHashes } from './pins';

/** The detail of skill `name` (case-insensitive), or undefined when the index knows no such skill. */
export async function indexedSkillDetail(index: SearchIndex, graphDir: string, name: string): Promise<SkillDetail | undefined> {
  const skill = index.skill(name);
  if (!skill) return undefined;
  const markdown = await fs.readFile(path.join(graphDir, skill.path), 'utf8');
  const pageName = (index.readRows<{ page_name: string }>('SELECT page_name FROM skills WHERE path = ?', skill.path)[0]?.page_name ?? '').toLowerCase();
  // Skill events link their skill's page (`skill:: [[Skills/<name>]]`), so the journals to read are those referencing it.
  const journals = index.readRows<{ path: string }>(
    "SELECT DISTINCT p.path FROM pages p JOIN page_refs r ON r.page_path = p.path WHERE p.kind = 'journal' AND r.target = ? ORDER BY p.path",
    pageName,
  );
  const config = journals.length ? await readGraphConfig(graphDir) : undefined;
  const entries = [];
  for (const { path: journalPath } of journals) {
    const absPath = path.join(graphDir, journalPath);
    const [raw, stat] = await Promise.all([fs.readFile(absPath, 'utf8'), fs.stat(absPath)]);
    entries.push(...journalEntriesOf(parsePage(raw, journalPath, config!, stat.mtimeMs), (other) => index.skill(other)?.status));
  }
  const history = sortJournalEntries(entries).filter((entry) => entry.skill.toLowerCase() === skill.name.toLowerCase());
  const pins = comparePins(skill.pins, currentHashes(index.toolDocs()));
  const graphName = path.basename(graphDir);
  return { skill, markdown, history, pins, logseqUrl: `logseq://graph/${encodeURIComponent(graphName)}?page=${encodeURIComponent(skill.pageTitle)}` };
}
