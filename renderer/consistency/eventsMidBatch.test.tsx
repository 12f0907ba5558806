// @vitest-environment jsdom
// The Events view rebuilt (a new filter) while a batch is applied in slices: the batch's events are
// in the log already, so its change set, heard later, must not add them a second time.
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { counterColumns, movedRow as tuple } from '../../shared/testing/counters';
import { useEvents } from '../hooks';
import { eventFilter } from '../store/eventsView';
import { ConnectionStore } from '../store/store';
import { conn, diff, full } from '../test/fixtures';

describe('useEvents while a batch is in slices', () => {
  it('shows each of the batch’s events once after the filter changed mid-batch', () => {
    const store = new ConnectionStore();
    const conns = Array.from({ length: 4 }, (_, i) => conn({ localPort: 100 + i }));
    store.applyBatch(full(1, conns));
    const all = eventFilter(() => true);
    const { result, rerender } = renderHook(({ pred }) => useEvents(store, store.log, pred), { initialProps: { pred: all } });
    const fresh = conn({ localPort: 999 });
    const b = diff(2, [{ type: 'opened', connection: fresh }]);
    b.counters = counterColumns([tuple(conns[0].id, 5), tuple(conns[1].id, 6)]);
    const op = store.beginBatch(b);
    op.step(1);
    // A new filter: the view is rebuilt from the log, which already holds the batch's event.
    const again = eventFilter(() => true);
    rerender({ pred: again });
    act(() => {
      op.step(1);
    });
    expect(result.current.map((e) => e.connection.id)).toEqual([fresh.id]);
  });
});
