// When row highlights and lingering closed rows end: a binary min-heap of (row id, time the status
// was set), so the store finds the next expiry and the expired rows in O(log n) each instead of
// looping over every highlighted row on every batch (a TIME-WAIT flood keeps thousands highlighted).
// Entries are not removed when a row's status changes: the store drops an entry as stale when it
// reaches the top and no longer matches its row (see ConnectionStore).

export interface ExpiryEntry {
  id: string;
  /** Local clock (ms) when the row's status was set (Row.statusAt). */
  at: number;
}

/** Min-heap of entries by `at` (ties in no particular order). */
export class ExpiryHeap {
  private readonly items: ExpiryEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(id: string, at: number): void {
    const a = this.items;
    a.push({ id, at });
    let i = a.length - 1;
    const e = a[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].at <= e.at) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = e;
  }

  /** The entry with the smallest `at`, or undefined when empty. */
  peek(): ExpiryEntry | undefined {
    return this.items[0];
  }

  /** Removes and returns the entry with the smallest `at`. */
  pop(): ExpiryEntry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    // Sift the last entry down from the root.
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && a[r].at < a[l].at ? r : l;
      if (a[c].at >= last.at) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
