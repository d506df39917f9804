// How typed input becomes an FTS5 expression, and the text helpers shared with the indexer.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { identifierParts, isoDay, toFtsQuery } from './query';

describe('toFtsQuery', () => {
  it('quotes every bare word and matches it as a prefix', () => {
    expect(toFtsQuery('error spike')).toBe('"error"* AND "spike"*');
    expect(toFtsQuery('analyze_err')).toBe('"analyze_err"*');
  });

  it('keeps quoted text as a phrase, a prefix only while the quote is open', () => {
    expect(toFtsQuery('"bad deploy" now')).toBe('"bad deploy" AND "now"*');
    expect(toFtsQuery('"bad dep')).toBe('"bad dep"*');
  });

  it('turns operators, column filters and stray syntax into quoted words or nothing', () => {
    expect(toFtsQuery('"foo AND (')).toBe('"foo AND ("*');
    expect(toFtsQuery('tags:')).toBe('"tags:"*');
    expect(toFtsQuery('NEAR(a b)')).toBe('"NEAR(a" AND "b)"');
    expect(toFtsQuery('* ( ) - "')).toBeNull();
    expect(toFtsQuery('')).toBeNull();
  });

  it('narrows very short prefixes to names, titles and tags', () => {
    expect(toFtsQuery('a')).toBe('"a"');
    expect(toFtsQuery('fe')).toBe('({title names tags} : "fe"* OR "fe")');
    expect(toFtsQuery('still_a')).toBe('({title names tags} : "still_a"* OR "still_a")');
  });

  it('reads a sentence: stopwords dropped, short finished words whole, the last word a prefix', () => {
    expect(toFtsQuery('sum of two numbers')).toBe('"sum"* AND "two"* AND "numbers"*');
    expect(toFtsQuery('ip for a host')).toBe('"ip" AND "host"*');
    expect(toFtsQuery('error sp')).toBe('"error"* AND ({title names tags} : "sp"* OR "sp")');
    expect(toFtsQuery('to be or')).toBe('"to" AND "be" AND ({title names tags} : "or"* OR "or")');
    expect(toFtsQuery('sum of two numbers', 'any')).toBe('"sum"* OR "two"* OR "numbers"*');
  });

  // A syntax error is swallowed by search (no hits), so every shape of input must make valid FTS5.
  it.each(['error sp', 'sum of two numbers', 'a b c', 'ip for x', '"open phrase', '"x" y', 'still_a more', 'NEAR(a b) OR c', 'fe', 'a'])('makes valid FTS5 of %j, for all and any terms', (input) => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE f USING fts5(title, names, tags, body, terms, prefix = '2')");
    for (const join of ['all', 'any'] as const) {
      const match = toFtsQuery(input, join)!;
      expect(() => db.prepare('SELECT count(*) FROM f WHERE f MATCH ?').get(match)).not.toThrow();
      expect(() => db.prepare('SELECT count(*) FROM f WHERE f MATCH ?').get(`(${toFtsQuery(input, 'any')}) NOT (${match})`)).not.toThrow();
    }
    db.close();
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
