import fs from 'node:fs';
import { countTokens as whole } from 'gpt-tokenizer';
import { countTokens, EXACT_CHARS_MAX } from '../electron/engine/gateway/ledger';
const texts: Record<string, string> = {
  lock: fs.readFileSync('package-lock.json', 'utf8').slice(0, 1_000_000),
  source: fs.readdirSync('electron/engine/sandbox').filter((f) => f.endsWith('.ts')).map((f) => fs.readFileSync('electron/engine/sandbox/' + f, 'utf8')).join('\n').repeat(3).slice(0, 1_000_000),
  readme: fs.readFileSync('README.md', 'utf8').repeat(40).slice(0, 600_000),
  b64: fs.readFileSync('package-lock.json').toString('base64').slice(0, 800_000),
};
for (const [name, text] of Object.entries(texts)) {
  const exactWhole = whole(text, { disallowedSpecial: new Set() });
  const small = text.slice(0, EXACT_CHARS_MAX);
  const a = countTokens(small), b = whole(small, { disallowedSpecial: new Set() });
  const est = countTokens(text);
  console.log(name, text.length, 'estimate err %', ((est - exactWhole) / exactWhole * 100).toFixed(2), 'pieces err %', ((a - b) / b * 100).toFixed(3));
}
