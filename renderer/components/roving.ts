// Roving focus for a group that is one Tab stop (WAI-ARIA tabs and toolbar patterns): the arrow
// keys move along it and wrap, Home / End go to its ends.
// https://www.w3.org/WAI/ARIA/apg/practices/keyboard-interface/#kbd_roving_tabindex
import type { KeyboardEvent } from 'react';

/** The index a key moves to from `index` of `count` items, or null for a key the group does not take. */
export function rovingTarget(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * keydown handler for a toolbar of buttons (one of them tabindex 0): moves the focus among the
 * buttons by rovingTarget. Choosing stays with Enter / Space, as on any button.
 */
export function rovingFocus(e: KeyboardEvent<HTMLElement>): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>(':scope > button:not(:disabled)')];
  const at = items.indexOf(e.target as HTMLElement);
  if (at < 0) return;
  const to = rovingTarget(e.key, at, items.length);
  if (to === null) return;
  e.preventDefault();
  items[to].focus();
}
