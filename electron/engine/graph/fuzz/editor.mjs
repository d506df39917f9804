// A stand-in for Logseq and other editors in the graph fuzz: a separate process that keeps editing the graph's
// pages and journals the three ways editors save (writeFileSync overwrite as Logseq does, write-to-temp-then-
// rename, truncate-then-write in two halves with a pause), at random moments. Every edit sets one of the
// editor's own blocks (`- ed<k> <marker>`) to a marker never used before, and is logged, so the parent can
// check that the newest marker of every block survived. Plain JS so `node` runs it without a build.
//
// Started with fork(); argv[2] is JSON { root, seed, maxPauseMs, maxGapMs }. On the message 'stop' it finishes
// the edit in progress and sends back { edits: [{ seq, file, block, marker, style }] }.
import fs from 'node:fs';
import path from 'node:path';

const { root, seed, maxPauseMs, maxGapMs, blocksPerFile = 3 } = JSON.parse(process.argv[2]);

let state = seed >>> 0 || 1;
/** xorshift32: the same seed gives the same sequence of choices (timing still varies with the machine). */
function random() {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 0x100000000;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const STYLES = ['overwrite', 'temp-rename', 'two-halves'];
const edits = [];
let stopping = false;
let seq = 0;

process.on('message', (message) => {
  if (message === 'stop') stopping = true;
});

function pageFiles() {
  const files = [];
  for (const folder of ['pages', 'journals']) {
    let names = [];
    try {
      names = fs.readdirSync(path.join(root, folder));
    } catch {
      continue; // the folder does not exist in this graph: nothing of it to edit
    }
    for (const name of names) if (name.endsWith('.md') && !name.startsWith('.')) files.push(`${folder}/${name}`);
  }
  return files;
}

function newest(files) {
  let best = files[0];
  let bestTime = -1;
  for (const file of files) {
    try {
      const time = fs.statSync(path.join(root, file)).mtimeMs;
      if (time > bestTime) [best, bestTime] = [file, time];
    } catch {
      // Gone since the listing.
    }
  }
  return best;
}

function pathTag(file) {
  let hash = 2166136261;
  for (const char of file) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash.toString(36);
}

function withBlock(content, block, marker) {
  const line = `- ${block} ${marker}`;
  const lines = content.split('\n');
  const at = lines.findIndex((each) => each.startsWith(`- ${block} `));
  if (at >= 0) {
    lines[at] = line;
    return lines.join('\n');
  }
  return `${content}${content === '' || content.endsWith('\n') ? '' : '\n'}${line}\n`;
}

async function editOnce() {
  const files = pageFiles();
  if (files.length === 0) return;
  // Half the time the page changed last (by Skillgraph, most often), as a person looks at what the agent just did.
  const file = random() < 0.5 ? newest(files) : pick(files);
  const abs = path.join(root, file);
  let content;
  const began = performance.now();
  try {
    content = fs.readFileSync(abs, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return; // Moved or recycled since the listing: Logseq would no longer have it open.
    throw error;
  }
  // Block names are per file path: a page Skillgraph renames keeps its blocks, and edits at the new path are new blocks.
  const block = `ed${Math.floor(random() * blocksPerFile)}-${pathTag(file)}`;
  const marker = `mk${(++seq).toString(36)}x${Math.floor(random() * 1e9).toString(36)}`;
  const next = withBlock(content, block, marker);
  const style = pick(STYLES);
  // Logged before writing: a write that fails half-way must still count as an edit the user made.
  const edit = { seq, file, block, marker, style, spanMs: 0 };
  edits.push(edit);
  if (style === 'overwrite') {
    fs.writeFileSync(abs, next);
  } else if (style === 'temp-rename') {
    const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.editor-${process.pid}-${seq}`);
    fs.writeFileSync(tmp, next);
    fs.renameSync(tmp, abs);
  } else {
    const fd = fs.openSync(abs, 'w');
    try {
      const bytes = Buffer.from(next, 'utf8');
      const half = Math.floor(bytes.length / 2);
      fs.writeSync(fd, bytes, 0, half, 0);
      // A busy pause: a timer could fire far later on a loaded machine, making the save longer than intended.
      const until = performance.now() + 1 + Math.floor(random() * maxPauseMs);
      while (performance.now() < until);
      fs.writeSync(fd, bytes, half, bytes.length - half, half);
    } finally {
      fs.closeSync(fd);
    }
  }
  // From reading the file to the end of the save: longer than the settle time is an editor Skillgraph cannot tell from a finished one.
  edit.spanMs = Math.round(performance.now() - began);
}

async function main() {
  while (!stopping) {
    await editOnce();
    await sleep(Math.floor(random() * maxGapMs));
  }
  process.send({ edits }, () => process.exit(0));
}

main().catch((error) => {
  process.send({ error: String(error?.stack ?? error), edits }, () => process.exit(1));
});
