// The view tabs (Connections, Events, Processes, Ports) as the WAI-ARIA tabs pattern: one Tab stop
// (the selected tab; the others have tabindex -1), ←/→ move to the previous / next tab and wrap,
// Home / End to the first / last, and a tab is selected as it is reached (automatic activation:
// every view is already in memory, so showing it costs no wait).
// https://www.w3.org/WAI/ARIA/apg/patterns/tabs/
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { rovingTarget } from '../components/roving';

export interface ViewTab<T extends string> {
  id: T;
  label: ReactNode;
}

export interface ViewTabsProps<T extends string> {
  tabs: readonly ViewTab<T>[];
  selected: T;
  onSelect(id: T): void;
}

export function ViewTabs<T extends string>({ tabs, selected, onSelect }: ViewTabsProps<T>) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const to = rovingTarget(e.key, index, tabs.length);
    if (to === null) return;
    e.preventDefault();
    const id = tabs[to].id;
    onSelect(id);
    refs.current.get(id)?.focus();
  };
  return (
    <div className="tablist" role="tablist" aria-label="Views" aria-orientation="horizontal">
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            if (el) refs.current.set(t.id, el);
            else refs.current.delete(t.id);
          }}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          aria-controls={`panel-${t.id}`}
          aria-selected={t.id === selected}
          tabIndex={t.id === selected ? 0 : -1}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
