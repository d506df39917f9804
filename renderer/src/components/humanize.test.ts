// Words for numbers a person reads: plurals and "how long ago", at each unit's edges.
import { describe, expect, it } from 'vitest';
import { plural, timeAgo } from './humanize';

describe('plural', () => {
  it('uses the singular for exactly one, the plural otherwise, and a given irregular plural', () => {
    expect(plural(1, 'skill')).toBe('1 skill');
    expect(plural(0, 'skill')).toBe('0 skills');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
    expect(plural(1200, 'page')).toBe(`${(1200).toLocaleString()} pages`);
  });
});

describe('timeAgo', () => {
  const now = Date.UTC(2026, 0, 10, 12, 0, 0);
  const ago = (seconds: number) => timeAgo(now - seconds * 1000, now);

  it('says "just now" under ten seconds (a clock a little ahead included), then the largest unit that fits', () => {
    expect(ago(0)).toBe('just now');
    expect(ago(-5)).toBe('just now');
    expect(ago(9)).toBe('just now');
    expect(ago(10)).toBe('10 s ago');
    expect(ago(59)).toBe('59 s ago');
    expect(ago(60)).toBe('1 min ago');
    expect(ago(59 * 60)).toBe('59 min ago');
    expect(ago(60 * 60)).toBe('1 h ago');
    expect(ago(23 * 3600)).toBe('23 h ago');
    expect(ago(24 * 3600)).toBe('1 day ago');
    expect(ago(5 * 24 * 3600)).toBe('5 days ago');
  });
});
