// Right-click menu on rows: the details pane's actions plus Copy, reachable with the keyboard.
import { useEffect, useRef } from 'react';

export interface MenuItem {
  label: string;
  onSelect(): void;
  disabled?: boolean;
  danger?: boolean;
}

export function ContextMenu({ x, y, items, onClose, label = 'Row actions' }: { x: number; y: number; items: MenuItem[]; onClose(): void; label?: string }) {
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
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
        if (e.key === 'Escape') onClose();
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
              onClose();
              it.onSelect();
            }
          }}
        >
          {it.label}
        </div>
      ))}
    </div>
  );
}
