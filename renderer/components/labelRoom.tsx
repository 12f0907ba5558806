// Room for a header's whole label beside its sort mark. A column's default width is a guess made
// in one font; the header is drawn in whatever monospace font the OS gives. So the header row
// measures, in its own font, how wide each header cell is when sorted (padding, label, gap, mark,
// border) and each column's least width is raised to that — a column the user sized by hand keeps
// its width, and its label ellipsizes there (the header's title carries the whole name).
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';

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

/**
 * An invisible copy of a header row's cells, each sorted (its mark drawn), placed inside the
 * header row so it has the same font; measured whenever the labels change and reported with
 * `onRoom` (key → px). It takes no room and no part in the grid (absolutely placed, zero size).
 */
export function LabelMeasure({ columns, onRoom }: { columns: readonly { key: string; label: string }[]; onRoom(room: LabelRoom): void }) {
  const ref = useRef<HTMLDivElement | null>(null);
  const report = useRef(onRoom);
  report.current = onRoom;
  const labels = columns.map((c) => `${c.key}=${c.label}`).join('\n');
  useLayoutEffect(() => {
    const room: Record<string, number> = {};
    for (const el of ref.current?.querySelectorAll<HTMLElement>('[data-measure]') ?? []) {
      const w = el.getBoundingClientRect().width;
      if (w > 0) room[el.dataset.measure as string] = Math.ceil(w);
    }
    report.current(room);
  }, [labels]);
  return (
    <div ref={ref} className="col-measure" aria-hidden="true">
      {columns.map((c) => (
        <span key={c.key} data-measure={c.key} className="cell">
          <span className="col-label">{c.label}</span>
          <span className="sort-mark">▼</span>
        </span>
      ))}
    </div>
  );
}

/**
 * `columns` with each least width raised to the room its header needs sorted, once measured, and
 * the callback to hand LabelMeasure. `keep(key)`: a column whose width stays as given (the user
 * sized it). The array keeps its identity while the inputs and the measurement stay.
 */
export function useLabelRoom<C extends { key: string; width: string }>(columns: readonly C[], keep?: (key: string) => boolean): { columns: C[]; onRoom(room: LabelRoom): void } {
  const [room, setRoom] = useState<LabelRoom>({});
  const onRoom = useCallback((r: LabelRoom) => setRoom((old) => (sameRoom(old, r) ? old : r)), []);
  const roomy = useMemo(
    () =>
      columns.map((c) => {
        const width = keep?.(c.key) ? c.width : widenTrack(c.width, room[c.key] ?? 0);
        return width === c.width ? c : { ...c, width };
      }),
    [columns, room, keep],
  );
  return { columns: roomy, onRoom };
}
