import { countTokens } from 'gpt-tokenizer';
import fs from 'node:fs';
const t = (label, s) => { const a = performance.now(); const n = countTokens(s, { disallowedSpecial: new Set() }); console.log(label, s.length, n, (performance.now()-a).toFixed(1)+'ms', (s.length/n).toFixed(2)); };
for (const n of [500, 1000, 2000, 4000]) t('nospace', 'x'.repeat(n));
for (const n of [1000, 2000, 4000]) t('hex', Array.from({length:n},(_, i)=>'0123456789abcdef'[(i*7919)%16]).join(''));
const readme = fs.readFileSync('README.md','utf8'); t('readme', readme);
const json = JSON.stringify(Array.from({length: 2000}, (_, i) => ({ id: i, name: `item ${i}`, price: i * 1.5, tags: ['a','b'] }))); t('json', json);
t('b64', Buffer.from(fs.readFileSync('package-lock.json')).toString('base64').slice(0, 200000));
