// Test support for graph specifications: a fresh graph folder with the files a test starts from (triple-lowbar
// file names, as Logseq writes them today), opened as a real Graph, and removed afterwards.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Graph } from './graph';

/** Writes `content` at `rel` under `root`, making its folders. */
export async function writeGraphFile(root: string, rel: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await fs.writeFile(path.join(root, rel), content);
}

/** A temporary graph folder (named `prefix…`) holding `files` besides its config.edn, opened. */
export async function openTestGraph(prefix: string, files: Record<string, string>): Promise<{ root: string; graph: Graph }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await writeGraphFile(root, 'logseq/config.edn', '{:file/name-format :triple-lowbar}');
  for (const [rel, content] of Object.entries(files)) await writeGraphFile(root, rel, content);
  return { root, graph: await Graph.open(root) };
}

/** Closes the graph and removes its folder. */
export async function closeTestGraph(root: string, graph: Graph): Promise<void> {
  await graph.close();
  await fs.rm(root, { recursive: true, force: true });
}
