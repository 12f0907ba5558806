// The filter language's help and the app's keys (app/keyList.ts), opened by the "?" beside the filter
// box. A panel in the page's flow
// under the top bar, not an overlay: it pushes the tables down instead of covering the tabs (an
// overlay hid them and swallowed their clicks). Escape or a click anywhere outside it closes it.
import { useEffect, useRef } from 'react';
import { FILTER_HELP } from '../../shared/filter-help';
import { keyListText } from '../app/keyList';

/** id of the panel, for the "?" button's aria-controls. */
export const FILTER_HELP_ID = 'filter-help';

export interface FilterHelpProps {
  onClose(): void;
  /** The button that toggles the panel: a click on it is its own, not a click outside. */
  toggle?: () => HTMLElement | null;
}

export function FilterHelp({ onClose, toggle }: FilterHelpProps) {
  const ref = useRef<HTMLDivElement | null>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const toggleRef = useRef(toggle);
  toggleRef.current = toggle;
  useEffect(() => {
    // Capture: the help closes first and takes the key, so Escape does not also clear the filter
    // text or close the details pane (both check defaultPrevented).
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      closeRef.current();
    };
    // A click, not a press: the click outside (on a tab, a row) does its own work first, and the
    // page moves up only after it.
    const onClick = (e: MouseEvent) => {
      const t = e.target as Node | null;
      if (!t || ref.current?.contains(t) || toggleRef.current?.()?.contains(t)) return;
      closeRef.current();
    };
    window.addEventListener('keydown', onKey, true);
    document.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      document.removeEventListener('click', onClick);
    };
  }, []);
  return (
    <div ref={ref} id={FILTER_HELP_ID} className="filter-help" data-testid="filter-help">
      <pre role="note" aria-label="Filter language">
        {FILTER_HELP}
      </pre>
      <pre role="note" aria-label="Keys">
        {`Keys:\n${keyListText()}`}
      </pre>
    </div>
  );
}
