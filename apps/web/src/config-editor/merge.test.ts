import { describe, expect, it } from 'vitest';
import { mergeEdits } from './merge.js';

describe('mergeEdits', () => {
  const base = { Name: 'a', Value: { A: 1, B: 'x', List: [1, 2] } };
  it('keeps their changes and applies mine where only I changed', () => {
    const mine = { Name: 'a', Value: { A: 2, B: 'x', List: [1, 2] } };
    const theirs = { Name: 'a', Value: { A: 1, B: 'y', List: [1, 2, 3], C: true } };
    expect(mergeEdits(base, mine, theirs)).toEqual({ doc: { Name: 'a', Value: { A: 2, B: 'y', List: [1, 2, 3], C: true } }, overlaps: [] });
  });
  it('keeps my value where both changed the same field, and says so', () => {
    const mine = { Name: 'a', Value: { A: 1, B: 'mine', List: [1, 2] } };
    const theirs = { Name: 'a', Value: { A: 1, B: 'theirs', List: [1, 2] } };
    expect(mergeEdits(base, mine, theirs)).toEqual({ doc: mine, overlaps: ['Value.B'] });
  });
  it('drops a field I removed and keeps one they removed removed', () => {
    const mine = { Name: 'a', Value: { A: 1, List: [1, 2] } };
    const theirs = { Name: 'a', Value: { B: 'x', List: [1, 2] } };
    expect(mergeEdits(base, mine, theirs).doc).toEqual({ Name: 'a', Value: { List: [1, 2] } });
  });
});
