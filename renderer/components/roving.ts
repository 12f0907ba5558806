// Roving focus for a group that is one Tab stop (WAI-ARIA tabs and toolbar patterns): the arrow
// keys move along it and wrap, Home / End go to its ends.
// https://www.w3.org/WAI/ARIA/apg/practices/keyboard-interface/#kbd_roving_tabindex
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent, type RefObject } from 'react';

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
 * The index a key moves to from `index` of `count` rows of a list read top to bottom (a table's
 * rows): ↓ ↑ one row, Home / End the ends, without wrapping; null for a key the list does not take.
 */
export function listTarget(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
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
 * Alt / Ctrl / Meta and keys on anything but an item are left alone; `target` picks the item
 * (listTarget for rows read top to bottom). Choosing stays with Enter /
 * Space, as on any button. Default items: the group's own enabled buttons (a toolbar).
 */
export function rovingFocus(e: KeyboardEvent<HTMLElement>, selector = ':scope > button:not(:disabled)', target: typeof rovingTarget = rovingTarget): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>(selector)];
  const at = items.indexOf(e.target as HTMLElement);
  if (at < 0) return;
  const to = target(e.key, at, items.length);
  if (to === null) return;
  e.preventDefault();
  items[to].focus();
}

/**
 * Keeps one Tab stop among the items `selector` finds under `ref` (roving tabindex, for items whose
 * tabindex React does not set): the item focused last while it is still there, else the first.
 * Runs after every render, as items come and go. Pair it with `rovingFocus(e, selector)` as the
 * group's keydown handler.
 */
export function useRovingTabStop(ref: RefObject<HTMLElement | null>, selector: string): void {
  const last = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>(selector) ?? [])];
    const stop = last.current && items.includes(last.current) ? last.current : items[0];
    for (const el of items) el.tabIndex = el === stop ? 0 : -1;
  });
  useEffect(() => {
    const root = ref.current;
    if (!root) return undefined;
    const onFocus = (e: FocusEvent) => {
      const t = e.target;
      if (!(t instanceof HTMLElement) || !t.matches(selector)) return;
      last.current = t;
      for (const el of root.querySelectorAll<HTMLElement>(selector)) el.tabIndex = el === t ? 0 : -1;
    };
    root.addEventListener('focusin', onFocus);
    return () => root.removeEventListener('focusin', onFocus);
  }, [ref, selector]);
}
