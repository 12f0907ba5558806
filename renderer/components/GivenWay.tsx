// The "+3" button at the end of a header row whose table is too narrow for every column: named
// "3 columns hidden for width", the names in its title, and a list of them on demand. One control
// for every table that fits its columns to its width (Connections, Events).
import { createContext, useContext, useEffect, useId, useRef, useState, type CSSProperties } from 'react';

export interface GivenWayProps {
  /** The columns left out for width, in layout order (none: nothing is drawn). */
  columns: readonly { key: string; label: string }[];
  /** The button's tab stop: -1 inside a header row that roves its focus (ColumnHeaders); default 0. */
  tabIndex?: 0 | -1;
  /**
   * The details pane shows every one of these columns' values for the row it shows (the
   * Connections table's: its Traffic section holds the traffic columns). Then "+N" says so.
   */
  inDetails?: boolean;
}

/**
 * The details pane beside the tables (App provides it): `open`, `closed` (a row's Enter opens it),
 * or `none` where it cannot open (a recording on screen). Only an open one may "+N" suggest closing;
 * only one that can open may it point to.
 */
export type DetailsPaneState = 'open' | 'closed' | 'none';
export const DetailsPaneOpen = createContext<DetailsPaneState>('none');

/** What "+N" suggests to see the columns it names; `inDetails`: the pane shows their values (GivenWayProps). */
export function givenWayHint(pane: DetailsPaneState, inDetails = false): string {
  if (inDetails && pane === 'open') return 'The details pane shows them for its row. Widen the window or close the pane to see them as columns.';
  if (inDetails && pane === 'closed') return "Widen the window to see them, or open a row's details (Enter): the pane shows them for that row.";
  return pane === 'open' ? 'Widen the window or close the details pane to see them.' : 'Widen the window to see them.';
}

/** Least room below the button for two columns of names; with less, one column that scrolls. */
const TWO_COLUMNS_PX = 260;

/**
 * Where the list goes: fixed under the button's right edge, as tall as the window leaves room for.
 * The header sits inside the table's scroll box, which would cut off a list hanging below it when
 * the table is short (a 1024×600 window with the Timeline open).
 */
function listPlace(button: HTMLElement): { style: CSSProperties; narrow: boolean } {
  const r = button.getBoundingClientRect();
  const room = Math.max(80, window.innerHeight - r.bottom - 10);
  return { style: { position: 'fixed', top: r.bottom + 2, right: Math.max(4, window.innerWidth - r.right), maxHeight: room }, narrow: room < TWO_COLUMNS_PX };
}

export function GivenWay({ columns, tabIndex = 0, inDetails = false }: GivenWayProps) {
  const [listOpen, setListOpen] = useState(false);
  const [place, setPlace] = useState<ReturnType<typeof listPlace> | null>(null);
  const listId = useId();
  const n = columns.length;
  const hint = givenWayHint(useContext(DetailsPaneOpen), inDetails);
  useEffect(() => {
    if (n === 0) setListOpen(false);
  }, [n]);
  // The list lies over the table's rows: a press outside it (a row, the filter) or Escape
  // anywhere closes it. Its own button toggles it.
  const box = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (!listOpen) return undefined;
    const onDown = (e: PointerEvent) => {
      if (!(e.target instanceof Node && box.current?.contains(e.target))) setListOpen(false);
    };
    // Escape is the list's alone, as a menu's: it neither clears the filter nor closes the pane.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setListOpen(false);
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('pointerdown', onDown, true);
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('pointerdown', onDown, true);
      window.removeEventListener('keydown', onKey, true);
    };
  }, [listOpen]);
  if (n === 0) return null;
  return (
    <div className="cols-given-way" ref={box}>
      <button
        type="button"
        aria-label={`${n} column${n === 1 ? '' : 's'} hidden for width`}
        aria-expanded={listOpen}
        aria-controls={listId}
        tabIndex={tabIndex}
        title={`Too narrow for every column: ${columns.map((c) => c.label).join(', ')} hidden for width. ${hint}`}
        onClick={(e) => {
          e.stopPropagation();
          setPlace(listPlace(e.currentTarget));
          setListOpen((o) => !o);
        }}
      >
        +{n}
      </button>
      {listOpen && (
        <ul id={listId} className={`cols-given-way-list${place?.narrow ? ' narrow' : ''}`} style={place?.style} aria-label="Columns hidden for width">
          {columns.map((c) => (
            <li key={c.key}>{c.label}</li>
          ))}
          <li className="dim">{hint}</li>
        </ul>
      )}
    </div>
  );
}
