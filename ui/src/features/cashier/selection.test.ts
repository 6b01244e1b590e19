import { describe, expect, it } from 'vitest';
import { keepSelection, moveSelection, selectionAfterRemoval } from './selection';

const lines = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

describe('line selection', () => {
  it('moves and stops at the ends', () => {
    expect(moveSelection(lines, 'b', 1)).toBe('c');
    expect(moveSelection(lines, 'c', 1)).toBe('c');
    expect(moveSelection(lines, 'a', -1)).toBe('a');
    expect(moveSelection(lines, null, -1)).toBe('c');
    expect(moveSelection([], null, 1)).toBeNull();
  });

  it('selects the neighbour after a removal', () => {
    expect(selectionAfterRemoval(lines, 'b')).toBe('c');
    expect(selectionAfterRemoval(lines, 'c')).toBe('b');
    expect(selectionAfterRemoval([{ id: 'a' }], 'a')).toBeNull();
  });

  it('keeps a selection that still exists', () => {
    expect(keepSelection(lines, 'a')).toBe('a');
    expect(keepSelection(lines, 'gone')).toBe('c');
    expect(keepSelection([], 'a')).toBeNull();
  });
});
