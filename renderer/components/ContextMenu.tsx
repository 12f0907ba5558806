// Right-click menu on rows: the details pane's actions plus Copy, reachable with the keyboard.
import { useEffect, useRef } from 'react';

export interface MenuItem {
  label: string;
  onSelect(): void;
  disabled?: boolean;
  danger?: boolean;
}

/**
 * `returnFocus`: where the keyboard goes when the menu closes from the keyboard, when the element
 * that had focus before it opened is gone or was the page itself (a right-click on a row) — else
 * focus would be left on the page and the arrows, Shift+F10 and Space do nothing.
 */
export function ContextMenu({
  x,
  y,
  items,
  onClose,
  label = 'Row actions',
  returnFocus,
}: {
  x: number;
  y: number;
  items: MenuItem[];
  onClose(): void;
  label?: string;
  returnFocus?: () => HTMLElement | null | undefined;
}) {
  const ref = useRef<HTMLDivElement | null>(null);
  const opener = useRef<Element | null>(null);
  /** Closes, and gives the keyboard back to the opener (or `returnFocus`). */
  const closeToOpener = () => {
    const before = opener.current;
    onClose();
    const back = before instanceof HTMLElement && before !== document.body && before.isConnected ? before : returnFocus?.();
    // An action that moved focus elsewhere (a dialog) keeps it.
    if (back && (document.activeElement === null || document.activeElement === document.body || ref.current?.contains(document.activeElement))) back.focus();
  };
  useEffect(() => {
    opener.current = document.activeElement;
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    const close = (e: globalThis.MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('blur', onClose);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('blur', onClose);
    };
  }, [onClose]);
  // Keep the menu inside the window.
  const left = Math.min(x, (typeof window !== 'undefined' ? window.innerWidth : 1e4) - 200);
  const top = Math.min(y, (typeof window !== 'undefined' ? window.innerHeight : 1e4) - items.length * 28 - 12);
  const move = (dir: 1 | -1) => {
    const els = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? [])];
    const i = els.indexOf(document.activeElement as HTMLElement);
    els[(i + dir + els.length) % els.length]?.focus();
  };
  return (
    <div
      ref={ref}
      className="menu"
      role="menu"
      aria-label={label}
      style={{ left: Math.max(0, left), top: Math.max(0, top) }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') closeToOpener();
        else if (e.key === 'ArrowDown') move(1);
        else if (e.key === 'ArrowUp') move(-1);
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
    >
      {items.map((it) => (
        <div
          key={it.label}
          role="menuitem"
          tabIndex={-1}
          aria-disabled={it.disabled ? 'true' : undefined}
          className={`menu-item${it.danger ? ' danger' : ''}`}
          onClick={() => {
            if (it.disabled) return;
            onClose();
            it.onSelect();
          }}
          onKeyDown={(e) => {
            if ((e.key === 'Enter' || e.key === ' ') && !it.disabled) {
              e.preventDefault();
              e.stopPropagation();
              it.onSelect();
              closeToOpener();
            }
          }}
        >
          {it.label}
        </div>
      ))}
    </div>
  );
}
