// Row selection by id (survives re-sorting and streaming updates): click, ctrl/shift-click and
// keyboard moves, as pure functions over the current row order.
export interface Selection {
  ids: ReadonlySet<string>;
  /** Where a shift-range starts. */
  anchor: string | null;
  /** The row the keyboard is on. */
  cursor: string | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null, cursor: null };

interface Keyed {
  id: string;
}

function range(rows: readonly Keyed[], from: number, to: number): Set<string> {
  const [a, b] = from <= to ? [from, to] : [to, from];
  const ids = new Set<string>();
  for (let i = Math.max(0, a); i <= b && i < rows.length; i++) ids.add(rows[i].id);
  return ids;
}

export function clickSelect(sel: Selection, rows: readonly Keyed[], id: string, mods: { shift?: boolean; ctrl?: boolean }): Selection {
  if (mods.shift && sel.anchor !== null) {
    const from = rows.findIndex((r) => r.id === sel.anchor);
    const to = rows.findIndex((r) => r.id === id);
    if (from >= 0 && to >= 0) {
      const ids = range(rows, from, to);
      if (mods.ctrl) for (const x of sel.ids) ids.add(x);
      return { ids, anchor: sel.anchor, cursor: id };
    }
  }
  if (mods.ctrl) {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: id, cursor: id };
  }
  return { ids: new Set([id]), anchor: id, cursor: id };
}

/** Moves the cursor to row `index` (clamped); with shift the range from the anchor is selected. */
export function moveTo(sel: Selection, rows: readonly Keyed[], index: number, shift: boolean): Selection {
  if (rows.length === 0) return sel;
  const i = Math.min(rows.length - 1, Math.max(0, index));
  const id = rows[i].id;
  if (shift) {
    const anchorIdx = sel.anchor === null ? -1 : rows.findIndex((r) => r.id === sel.anchor);
    const from = anchorIdx >= 0 ? anchorIdx : i;
    return { ids: range(rows, from, i), anchor: rows[from].id, cursor: id };
  }
  return { ids: new Set([id]), anchor: id, cursor: id };
}

export function cursorIndex(sel: Selection, rows: readonly Keyed[]): number {
  return sel.cursor === null ? -1 : rows.findIndex((r) => r.id === sel.cursor);
}

export function selectAll(rows: readonly Keyed[], sel: Selection): Selection {
  return { ids: new Set(rows.map((r) => r.id)), anchor: sel.anchor ?? rows[0]?.id ?? null, cursor: sel.cursor ?? rows[0]?.id ?? null };
}
