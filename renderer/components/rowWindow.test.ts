import { describe, expect, it } from 'vitest';
import { rowWindow, scrollTopFor } from './rowWindow';

describe('rowWindow', () => {
  it('renders the rows in view plus the overscan, clamped to the table', () => {
    // 22 px rows below a 26 px header; a 600 px viewport scrolled to 2,200 px.
    expect(rowWindow(2200, 600, 50_000, 22, 12, 26)).toEqual({ first: 98 - 12, last: Math.ceil((2174 + 600) / 22) + 12 });
    expect(rowWindow(0, 600, 50_000, 22, 12, 26)).toEqual({ first: 0, last: 28 + 12 });
    expect(rowWindow(0, 600, 5, 22, 12, 26)).toEqual({ first: 0, last: 4 });
    // Scrolled past the end after the table shrank: the last rows, never an index beyond them.
    expect(rowWindow(1_000_000, 600, 100, 22, 12, 26)).toEqual({ first: 99, last: 99 });
    expect(rowWindow(0, 600, 0, 22, 12)).toEqual({ first: 0, last: -1 });
    // Not measured yet (no height): the overscan rows only.
    expect(rowWindow(0, 0, 1000, 22, 12)).toEqual({ first: 0, last: 12 });
  });
});

describe('scrollTopFor', () => {
  it('moves as little as brings the row fully below the header and inside the viewport', () => {
    // Viewport 600 px at scrollTop 2200; header 26 px; row i spans 26 + 22i .. 26 + 22i + 22.
    expect(scrollTopFor(100, 2200, 600, 22, 26)).toBeNull();
    expect(scrollTopFor(99, 2200, 600, 22, 26)).toBe(99 * 22); // above: its top just under the header
    expect(scrollTopFor(200, 2200, 600, 22, 26)).toBe(26 + 201 * 22 - 600); // below: its bottom at the edge
    expect(scrollTopFor(0, 0, 600, 22, 26)).toBeNull();
  });
});
