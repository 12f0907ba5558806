// The filter or sort changes while a batch is in slices: the view is rebuilt from store.rows, which
// already hold the batch's events and anything that joined its open change set. The batch's change
// set, heard later, began before that rebuild (ChangeSet.from): the view rebuilds again rather than
// insert a row that entered the filter a second time.
import { describe, expect, it } from 'vitest';
import { counterColumns, movedRow as tuple } from '../../shared/testing/counters';
import { ConnectionStore, type ChangeSet } from '../store/store';
import { rowComparator } from '../store/columns';
import type { Row } from '../store/rows';
import { SortedView } from '../store/view';
import { withTraffic } from '../store/readsTraffic';
import { conn, diff, full } from '../test/fixtures';

function setup() {
  const s = new ConnectionStore();
  const conns = Array.from({ length: 400 }, (_, i) => conn({ localPort: 1000 + i, remoteAddress: `10.0.${i >> 8}.${i & 255}` }));
  s.applyBatch(full(1, conns));
  const cmp = rowComparator({ key: 'localPort', dir: 'asc' });
  const v = new SortedView(withTraffic(() => true, false), cmp);
  v.rebuild(s.rows.values());
  return { s, v, conns, cmp };
}

describe('spec changed while a batch is in slices', () => {
  it('a row a sweep-joined host answer lets into the new filter appears once', () => {
    const { s, v, conns, cmp } = setup();
    const b = diff(2, []);
    b.counters = counterColumns([tuple(conns[1].id, 5), tuple(conns[2].id, 6)]);
    const op = s.beginBatch(b);
    op.step(1);
    s.setHosts({ '10.0.0.7': 'db.example' }); // joins the open change set
    // The user's new filter (host text) reaches the view's effect: rebuilt from store.rows now.
    const hostPred = withTraffic((r: Row) => (r.c.remoteHost ?? '').includes('db') || r.c.localPort >= 1050, false);
    v.setSpec(hostPred, cmp, s.rows.values(), s.version);
    let heard: ChangeSet | null = null;
    s.subscribe((ch) => (heard = ch));
    op.step(1);
    v.apply(heard!, s.rows, s.version);
    const ids = v.rows.map((r) => r.id);
    expect(ids).toEqual([...s.rows.values()].filter(hostPred).sort(cmp).map((r) => r.id));
  });

  it('a row the batch\'s event lets into the new filter appears once', () => {
    const { s, v, conns, cmp } = setup();
    const x = conns[3];
    const b = diff(2, [{ type: 'changed', connection: { ...x, state: 'CLOSE-WAIT' } }]);
    b.counters = counterColumns([tuple(conns[1].id, 5), tuple(conns[2].id, 6)]);
    const op = s.beginBatch(b);
    op.step(1);
    const cw = withTraffic((r: Row) => r.c.state === 'CLOSE-WAIT' || r.c.localPort >= 1050, false);
    v.setSpec(cw, cmp, s.rows.values(), s.version);
    let heard: ChangeSet | null = null;
    s.subscribe((ch) => (heard = ch));
    op.step(1);
    v.apply(heard!, s.rows, s.version);
    expect(v.rows.map((r) => r.id)).toEqual([...s.rows.values()].filter(cw).sort(cmp).map((r) => r.id));
  });
});
