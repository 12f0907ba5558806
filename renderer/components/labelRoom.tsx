// Room for a header's whole label (and, on the sorted header, its sort mark). A column's default width is a guess made
// in one font; the header is drawn in whatever monospace font the OS gives. So the header row
// measures, in its own font, how wide each header cell is (padding, label, border) and what the
// sort mark adds (gap, mark), and each column's least width is raised to that — a column the user sized by hand keeps
// its width, and its label ellipsizes there (the header's title carries the whole name). A column may
// also name text its cells must show whole (LeastText: Process, netmon's own owner terms such as
// `FIN-WAIT-2 (no owner)`), measured the same way in its cells' own markup and font.
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { minTrackPx } from '../store/columns';

/** Least widths a header row needs per column key, px (absent: not measured, e.g. in jsdom). */
export type LabelRoom = Readonly<Record<string, number>>;

/**
 * `width`, a CSS grid track of the form `Npx` or `minmax(Npx, …)`, with its least width raised to
 * `px` (rounded up); unchanged when it is already as wide, when `px` is not a positive number, or
 * for any other form of track.
 */
export function widenTrack(width: string, px: number): string {
  const m = /^(minmax\(\s*)?(\d+(?:\.\d+)?)px(.*)$/.exec(width);
  if (!m || !(px > Number(m[2]))) return width;
  return `${m[1] ?? ''}${Math.ceil(px)}px${m[3]}`;
}

/** Whether two measurements hold the same widths (within half a pixel). */
export function sameRoom(a: LabelRoom, b: LabelRoom): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && Math.abs(a[k] - b[k]) < 0.5);
}

/** LabelRoom's entry for the room the sort mark adds to a sorted header (the mark and its gap), px. */
export const MARK_ROOM = '\u0000mark';

/** LabelRoom's entry for the room column `key`'s LeastText needs in its cells, px. */
export const leastRoomKey = (key: string): string => `\u0000least:${key}`;

/**
 * Text every cell of a column must be able to show whole, at any window size: each of `texts` is
 * measured in a copy of the body cell (`cell` plus `cellClass`, the text in a span of `textClass`),
 * and the column's least width raised to the widest. For terms netmon itself prints (an owner term
 * an admin must read whole), not for free text such as process names, which ellipsize.
 */
export interface LeastText {
  texts: readonly string[];
  cellClass?: string;
  textClass?: string;
}

/** A column as LabelMeasure reads it. */
export interface MeasuredColumn {
  key: string;
  label: string;
  least?: LeastText;
}

const leastSignature = (l: LeastText | undefined): string => (l ? `|${l.cellClass ?? ''}|${l.textClass ?? ''}|${l.texts.join('|')}` : '');

/**
 * An invisible copy of a header row's cells, each unsorted (no mark), plus one cell with the first
 * label and its mark, placed inside the header row so it has the same font, and of body cells with
 * each column's LeastText; measured whenever they change and reported with `onRoom` (key → px;
 * MARK_ROOM → what the mark adds; leastRoomKey(key) → the widest LeastText). It takes no room and
 * no part in the grid (absolutely placed, zero size).
 */
export function LabelMeasure({ columns, onRoom }: { columns: readonly MeasuredColumn[]; onRoom(room: LabelRoom): void }) {
  const ref = useRef<HTMLDivElement | null>(null);
  const report = useRef(onRoom);
  report.current = onRoom;
  const labels = columns.map((c) => `${c.key}=${c.label}${leastSignature(c.least)}`).join('\n');
  const first = columns[0];
  useLayoutEffect(() => {
    const room: Record<string, number> = {};
    const exact: Record<string, number> = {};
    for (const el of ref.current?.querySelectorAll<HTMLElement>('[data-measure]') ?? []) {
      const w = el.getBoundingClientRect().width;
      if (w > 0) {
        exact[el.dataset.measure as string] = w;
        room[el.dataset.measure as string] = Math.ceil(w);
      }
    }
    if (first && exact[MARK_ROOM] !== undefined && exact[first.key] !== undefined) room[MARK_ROOM] = Math.ceil(exact[MARK_ROOM] - exact[first.key]);
    else delete room[MARK_ROOM];
    for (const el of ref.current?.querySelectorAll<HTMLElement>('[data-least]') ?? []) {
      const w = el.getBoundingClientRect().width;
      const key = leastRoomKey(el.dataset.least as string);
      if (w > 0) room[key] = Math.max(room[key] ?? 0, Math.ceil(w));
    }
    report.current(room);
  }, [labels, first]);
  return (
    <div ref={ref} className="col-measure" aria-hidden="true">
      {columns.map((c) => (
        <span key={c.key} data-measure={c.key} className="cell">
          <span className="col-label">{c.label}</span>
        </span>
      ))}
      {first && (
        <span data-measure={MARK_ROOM} className="cell">
          <span className="col-label">{first.label}</span>
          <span className="sort-mark">▼</span>
        </span>
      )}
      {columns.flatMap((c) =>
        (c.least?.texts ?? []).map((t) => (
          <span key={`${c.key}:${t}`} data-least={c.key} className={`cell least ${c.least?.cellClass ?? ''}`}>
            <span className={c.least?.textClass}>{t}</span>
          </span>
        )),
      )}
    </div>
  );
}

/**
 * What the sort mark costs a fitted table: `markPx`, the room the mark adds to a header (whichever
 * is sorted), and `sortedPx`, how much the sorted column's least width grew for it (0 when its
 * track already had the room). Fitting reserves `markPx` whatever column is sorted, so which
 * columns are drawn never depends on the sort (fittedColumns fitTable).
 */
export interface MarkRoom {
  markPx: number;
  sortedPx: number;
  /** sortedPx of the sorted column once a give-way order narrowed it (its track without its cells' terms). */
  narrowSortedPx?: number;
}

/**
 * `columns` with each least width raised to the room its header needs (`room`, LabelMeasure's) —
 * with the sort mark for `sortKey`, the column the rows are sorted by, and without it for the
 * others (the mark is drawn on that header alone: room kept for it on every header cost a
 * thirteen-column table ~130 px) — and to the room its cells' LeastText needs (leastRoomKey);
 * `keep(key)`: a column whose width stays as given (the user sized it).
 */
export function roomyColumns<C extends { key: string; width: string }>(columns: readonly C[], room: LabelRoom, keep?: (key: string) => boolean, sortKey?: string): { columns: C[]; mark: MarkRoom } {
  const markPx = room[MARK_ROOM] ?? 0;
  let sortedPx = 0;
  let narrowSortedPx = 0;
  const out = columns.map((c) => {
    const label = room[c.key];
    const least = room[leastRoomKey(c.key)] ?? 0;
    if ((label === undefined && least === 0) || keep?.(c.key)) return c;
    const width = widenTrack(c.width, Math.max(label ?? 0, least));
    // The track without the cells' terms: what a give-way order's NarrowStep goes back to.
    const narrow = (headerPx: number) => (least > headerPx ? { narrowWidth: widenTrack(c.width, headerPx) } : {});
    if (c.key !== sortKey) return width === c.width ? c : { ...c, width, ...narrow(label ?? 0) };
    // The mark is drawn in the header, beside the label: the cells' text does not make room for it.
    const headerPx = label === undefined ? 0 : label + markPx;
    const marked = widenTrack(c.width, Math.max(headerPx, least));
    sortedPx = minTrackPx(marked) - minTrackPx(width);
    // Narrowed, the track is the header's with the mark: what the mark adds over the header alone.
    if (least > headerPx) narrowSortedPx = minTrackPx(widenTrack(c.width, headerPx)) - minTrackPx(widenTrack(c.width, label ?? 0));
    return marked === c.width ? c : { ...c, width: marked, ...narrow(headerPx) };
  });
  return { columns: out, mark: { markPx, sortedPx, narrowSortedPx } };
}

/**
 * roomyColumns once measured, and the callback to hand LabelMeasure. The array (and the mark) keep
 * their identity while the inputs and the measurement stay.
 */
export function useLabelRoom<C extends { key: string; width: string }>(
  columns: readonly C[],
  keep?: (key: string) => boolean,
  sortKey?: string,
): { columns: C[]; mark: MarkRoom; onRoom(room: LabelRoom): void } {
  const [room, setRoom] = useState<LabelRoom>({});
  const onRoom = useCallback((r: LabelRoom) => setRoom((old) => (sameRoom(old, r) ? old : r)), []);
  const roomy = useMemo(() => roomyColumns(columns, room, keep, sortKey), [columns, room, keep, sortKey]);
  return { columns: roomy.columns, mark: roomy.mark, onRoom };
}
