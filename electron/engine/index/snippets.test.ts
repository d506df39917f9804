// Snippets: the passage with the most query terms, matches marked with \u0002 … \u0003.
import { describe, expect, it } from 'vitest';
import { highlightTerms } from './query';
import { leadSnippet, markedSnippet } from './snippets';

describe('markedSnippet', () => {
  it('marks whole words and prefixes, folding case and diacritics', () => {
    expect(markedSnippet('Café au lait, cafés and CAFETERIA', highlightTerms('cafe'))).toBe('\u0002Café\u0003 au lait, \u0002cafés\u0003 and \u0002CAFETERIA\u0003');
    expect(markedSnippet('a cat and a category', highlightTerms('"cat"'))).toBe('a \u0002cat\u0003 and a category');
  });

  it('picks the window holding the most distinct terms, with ellipses where text was cut', () => {
    const text = `${'filler '.repeat(40)}deploy here ${'filler '.repeat(10)}error spike after deploy ${'filler '.repeat(40)}`;
    const snippet = markedSnippet(text, highlightTerms('error spike deploy'), 8)!;
    expect(snippet).toBe('…filler filler \u0002error\u0003 \u0002spike\u0003 after \u0002deploy\u0003 filler filler…');
  });

  it('is null when nothing matches', () => {
    expect(markedSnippet('nothing to see', highlightTerms('deploy'))).toBeNull();
  });
});

describe('leadSnippet', () => {
  it('keeps short text whole and cuts long text at a word', () => {
    expect(leadSnippet('  short text ')).toBe('short text');
    expect(leadSnippet('one two three four', 2)).toBe('one two…');
  });
});
