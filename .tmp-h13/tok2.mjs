import { countTokens } from 'gpt-tokenizer';
const c = (s) => countTokens(s, { disallowedSpecial: new Set() });
c('warm up '.repeat(1000));
const total = 400_000;
for (const unit of ['x', 'ab', 'é', '0123456789']) {
  const text = unit.repeat(total / unit.length);
  for (const size of [256, 512, 1024, 2048]) {
    const a = performance.now(); let n = 0;
    for (let i = 0; i < text.length; i += size) n += c(text.slice(i, i + size));
    console.log(JSON.stringify(unit), size, n, (performance.now() - a).toFixed(0) + 'ms for 400KB', (text.length / n).toFixed(2));
  }
}
