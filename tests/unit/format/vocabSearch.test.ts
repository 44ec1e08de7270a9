import { describe, it, expect } from 'vitest';
import { VocabIndex, wordVariants } from '../../../src/format/vocabSearch';

describe('wordVariants', () => {
  it('gives each case variant bare and with a leading space, as typed first, without repeats', () => {
    expect(wordVariants('France')).toEqual(['France', ' France', 'france', ' france', 'FRANCE', ' FRANCE']);
    expect(wordVariants(' paris ')).toEqual(['paris', ' paris', 'Paris', ' Paris', 'PARIS', ' PARIS']);
    expect(wordVariants('ÉTÉ')).toEqual(['ÉTÉ', ' ÉTÉ', 'été', ' été', 'Été', ' Été']);
    expect(wordVariants('   ')).toEqual([]);
  });
});

describe('VocabIndex.suggest', () => {
  // ids:          0    1        2         3              4      5         6     7          8
  const texts = ['', 'Paris', ' Paris', ' Parliament', 'par', ' paris', 'Pa', ' Berlin', ' '];
  const index = new VocabIndex(texts);

  it('finds both variants of a word, exact spelling first, then other cases, then longer words', () => {
    expect(index.suggest('Paris', 10)).toEqual([1, 2, 5]);
    // "par" (id 4) is the same word in another case; then the 5-letter words by id; then "Parliament"
    expect(index.suggest('Par', 10)).toEqual([4, 1, 2, 5, 3]);
    expect(index.suggest('par', 2)).toEqual([4, 1]);
  });

  it('ignores a leading space in the prefix, specials and whitespace-only tokens', () => {
    expect(index.suggest(' ber', 10)).toEqual([7]);
    expect(index.suggest('', 10)).toEqual([]);
    expect(index.suggest('x', 10)).toEqual([]);
  });
});
