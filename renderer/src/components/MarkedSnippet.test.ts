// Search snippets: the index marks matches with \u0002…\u0003; the UI splits them into text and marks, never HTML.
import { describe, expect, it } from 'vitest';
import { splitSnippet } from './MarkedSnippet';

describe('splitSnippet', () => {
  it('splits marked matches from the text around them', () => {
    expect(splitSnippet('adds \u0002two\u0003 numbers, \u0002two\u0003!')).toEqual([
      { text: 'adds ', match: false },
      { text: 'two', match: true },
      { text: ' numbers, ', match: false },
      { text: 'two', match: true },
      { text: '!', match: false },
    ]);
  });

  it('keeps markup as text, and drops an unclosed marker rather than showing it', () => {
    expect(splitSnippet('<img src=x onerror=alert(1)> \u0002<b>\u0003')).toEqual([
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: '<b>', match: true },
    ]);
    expect(splitSnippet('cut \u0002off')).toEqual([{ text: 'cut off', match: false }]);
    expect(splitSnippet('')).toEqual([]);
  });
});
