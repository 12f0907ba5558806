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
 * keydown handler for a group that is one Tab stop (one item tabindex 0, the rest -1): moves the
 * focus among the items `selector` finds under the handler's element, by rovingTarget. Keys with
 * Alt / Ctrl / Meta and keys on anything but an item are left alone. Choosing stays with Enter /
 * Space, as on any button. Default items: the group's own enabled buttons (a toolbar).
 */
export function rovingFocus(e: KeyboardEvent<HTMLElement>, selector = ':scope > button:not(:disabled)'): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>(selector)];
  const at = items.indexOf(e.target as HTMLElement);
  if (at < 0) return;
  const to = rovingTarget(e.key, at, items.length);
  if (to === null) return;
  e.preventDefault();
  items[to].focus();
}
