// The window's main regions, which F6 / Shift+F6 move between as in Windows' own programs (Explorer,
// Outlook): the filter box, the timeline, the table of the view shown, the details pane. A region is
// any element marked data-region; they are taken in document order, which is the order on screen
// (top to bottom, then left to right), so a region that is not drawn (the pane closed) is skipped.

/** Marks an element as one region: its value names it (filter, timeline, table, details). */
export const REGION_ATTR = 'data-region';
/** Marks the element F6 focuses inside its region (else the region itself when focusable, else its first Tab stop). */
export const REGION_ENTRY_ATTR = 'data-region-entry';

/** Props that make an element region `name` (spread them: `<div {...regionProps('filter')}>`). */
export const regionProps = (name: string): Record<string, string> => ({ [REGION_ATTR]: name });
/** Props that mark an element as its region's F6 entry (spread them). */
export const REGION_ENTRY_PROPS: Readonly<Record<string, string>> = { [REGION_ENTRY_ATTR]: '' };

const TABBABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex="0"]';

/**
 * The region F6 (`dir` 1) or Shift+F6 (-1) moves to from `active`, among `regions` in document
 * order: the next / previous one after the region holding `active`, wrapping; from outside every
 * region (a toolbar button, the tabs, the page), the first region after / before `active` in
 * document order. -1 when there is no region.
 */
export function regionTarget(regions: readonly Element[], active: Element | null, dir: 1 | -1): number {
  const n = regions.length;
  if (n === 0) return -1;
  const inside = active ? regions.findIndex((r) => r.contains(active)) : -1;
  if (inside >= 0) return (inside + dir + n) % n;
  if (!active || active === active.ownerDocument.body) return dir === 1 ? 0 : n - 1;
  // Outside every region: the first region that follows (or, going back, precedes) the focus.
  const follows = (r: Element) => (active.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  if (dir === 1) {
    const at = regions.findIndex(follows);
    return at >= 0 ? at : 0;
  }
  for (let i = n - 1; i >= 0; i--) if (!follows(regions[i])) return i;
  return n - 1;
}

/** The element F6 focuses in `region` (see REGION_ENTRY_ATTR), or null when it holds nothing focusable. */
export function regionEntry(region: HTMLElement): HTMLElement | null {
  const marked = region.querySelector<HTMLElement>(`[${REGION_ENTRY_ATTR}]`);
  if (marked) return marked;
  if (region.hasAttribute('tabindex')) return region;
  return region.querySelector<HTMLElement>(TABBABLE);
}

/**
 * Moves the focus to the next (`dir` 1) or previous (-1) region of `doc` that can take it.
 * Returns the region's name, or null when none could (no region drawn).
 */
export function focusRegion(doc: Document, dir: 1 | -1): string | null {
  const regions = [...doc.querySelectorAll<HTMLElement>(`[${REGION_ATTR}]`)].filter((r) => regionEntry(r) !== null);
  const to = regionTarget(regions, doc.activeElement, dir);
  if (to < 0) return null;
  const region = regions[to];
  regionEntry(region)?.focus();
  return region.getAttribute(REGION_ATTR);
}
