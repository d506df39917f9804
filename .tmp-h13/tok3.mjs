import { countTokens } from 'gpt-tokenizer';
const c = (s) => countTokens(s, { disallowedSpecial: new Set() });
c('warm up '.repeat(1000));
let seed = 1; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const letters = 'abcdefghijklmnopqrstuvwxyz';
const mk = (n) => Array.from({ length: n }, () => letters[Math.floor(rnd() * 26)]).join('');
const text = mk(400_000);
for (const size of [512, 1024, 2048, 4096]) {
  const a = performance.now(); let n = 0;
  for (let i = 0; i < text.length; i += size) n += c(text.slice(i, i + size));
  console.log('random', size, n, (performance.now() - a).toFixed(0) + 'ms for 400KB', (text.length / n).toFixed(3));
}
const x = 'x'.repeat(20000); let a = performance.now(); c(x); console.log('x 20k whole', (performance.now()-a).toFixed(0));
const r = mk(20000); a = performance.now(); c(r); console.log('random 20k whole', (performance.now()-a).toFixed(0));
const r2 = mk(40000); a = performance.now(); c(r2); console.log('random 40k whole', (performance.now()-a).toFixed(0));
