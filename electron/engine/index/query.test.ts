// How typed input becomes an FTS5 expression, and the text helpers shared with the indexer.
import { describe, expect, it } from 'vitest';
import { identifierParts, isoDay, toFtsQuery } from './query';

describe('toFtsQuery', () => {
  it('quotes every bare word and matches it as a prefix', () => {
    expect(toFtsQuery('error spike')).toBe('"error"* "spike"*');
    expect(toFtsQuery('analyze_err')).toBe('"analyze_err"*');
  });

  it('keeps quoted text as a phrase, a prefix only while the quote is open', () => {
    expect(toFtsQuery('"bad deploy" now')).toBe('"bad deploy" "now"*');
    expect(toFtsQuery('"bad dep')).toBe('"bad dep"*');
  });

  it('turns operators, column filters and stray syntax into quoted words or nothing', () => {
    expect(toFtsQuery('"foo AND (')).toBe('"foo AND ("*');
    expect(toFtsQuery('tags:')).toBe('"tags:"*');
    expect(toFtsQuery('NEAR(a b)')).toBe('({title names tags} : "NEAR(a"* OR "NEAR(a") "b)"');
    expect(toFtsQuery('* ( ) - "')).toBeNull();
    expect(toFtsQuery('')).toBeNull();
  });

  it('narrows very short prefixes to names, titles and tags', () => {
    expect(toFtsQuery('a')).toBe('"a"');
    expect(toFtsQuery('fe')).toBe('({title names tags} : "fe"* OR "fe")');
    expect(toFtsQuery('still_a')).toBe('({title names tags} : "still_a"* OR "still_a")');
  });
});

describe('identifierParts', () => {
  it('splits camelCase and PascalCase identifiers, once each', () => {
    expect(identifierParts('await crm.getAccounts(); getAccounts; HTTPServerError')).toBe('get accounts http server error');
    expect(identifierParts('plain prose, snake_case and UPPER words')).toBe('');
  });
});

describe('isoDay', () => {
  it.each([
    ['2025-01-05', '2025-01-05'],
    ['2025-01-05T10:00:00Z', '2025-01-05'],
    ['[[Jan 5th, 2025]]', '2025-01-05'],
    ['September 30, 2024', '2024-09-30'],
    ['20250105', '2025-01-05'],
    ['2025-02-30', undefined],
    ['yesterday', undefined],
  ])('%j -> %j', (raw, day) => {
    expect(isoDay(raw)).toBe(day);
  });
});
