import { describe, expect, it } from 'vitest';
import { isTimelineSample, TimelineStore, TimelineTracker, TIMELINE_SERIES, mergeSamples, timelineFromEvents, type TimelineSample } from './timeline';
import { conn, diff, full, status } from '../renderer/test/fixtures';
import { counterColumns } from './testing/counters';

const idx = (s: (typeof TIMELINE_SERIES)[number]) => TIMELINE_SERIES.indexOf(s);

function sample(time: number, est: number, spanMs = 1000): TimelineSample {
  const counts = TIMELINE_SERIES.map(() => 0);
  counts[0] = est;
  return { time, spanMs, counts, opened: 1, closed: 0, sendRate: null, receiveRate: null };
}

describe('TimelineTracker', () => {
  it('counts rows by state from the full table, then follows opened / changed / closed', () => {
    const t = new TimelineTracker();
    const a = conn({ localPort: 1 });
    const l = conn({ localPort: 80, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 });
    const u = conn({ localPort: 53, protocol: 'udp' });
    const s0 = t.apply(full(1000, [a, l, u]));
    expect(s0?.counts).toEqual([1, 1, 0, 0, 0, 1]);
    expect(s0?.spanMs).toBe(0);
    const b = conn({ localPort: 2 });
    const s1 = t.apply(
      diff(2000, [
        { type: 'opened', connection: b },
        { type: 'changed', connection: { ...a, state: 'TIME-WAIT' }, previousState: 'ESTABLISHED' },
        { type: 'closed', connection: u },
      ]),
    );
    expect(s1).toMatchObject({ time: 2000, spanMs: 1000, opened: 1, closed: 1 });
    expect(s1?.counts[idx('ESTABLISHED')]).toBe(1);
    expect(s1?.counts[idx('TIME-WAIT')]).toBe(1);
    expect(s1?.counts[idx('UDP')]).toBe(0);
    expect(s1?.counts[idx('LISTEN')]).toBe(1);
  });

  it('an opened event for a row it already holds does not count the row twice', () => {
    const t = new TimelineTracker();
    const a = conn({ localPort: 1 });
    t.apply(full(1000, [a]));
    expect(t.apply(diff(2000, [{ type: 'opened', connection: a }]))?.counts[0]).toBe(1);
  });

  it('sums send / receive rates from rows and the counters section; null when no row has a rate', () => {
    const t = new TimelineTracker();
    const a = conn({ localPort: 1 });
    const b = conn({ localPort: 2, sendRate: 100, receiveRate: 10 });
    expect(t.apply(full(1000, [a]))?.sendRate).toBeNull();
    const s = t.apply(diff(2000, [{ type: 'opened', connection: b }]));
    expect([s?.sendRate, s?.receiveRate]).toEqual([100, 10]);
    const withCounters = { ...diff(3000, []), counters: counterColumns([[a.id, 0, 0, 0, 0, 50, 5, null, null, null, null]]) };
    const s2 = t.apply(withCounters);
    expect([s2?.sendRate, s2?.receiveRate]).toEqual([150, 15]);
    // a's rates unknown again (-1 in the section): only b's count. A malformed row is skipped.
    const bad = counterColumns([[b.id, 0, 0, 0, 0, 70, 7, null, null, null, null]]);
    bad.values[4] = -3;
    const cols = counterColumns([[a.id, 0, 0, 0, 0, null, null, null, null, null, null]]);
    const s2b = t.apply({ ...diff(3500, []), counters: { ids: [...cols.ids, ...bad.ids], values: [...cols.values, ...bad.values] } });
    expect([s2b?.sendRate, s2b?.receiveRate]).toEqual([100, 10]);
    const s3 = t.apply(diff(4000, [{ type: 'closed', connection: b }, { type: 'closed', connection: a }]));
    expect(s3?.sendRate).toBeNull();
  });

  it("takes an event's rates over a section row for the same row in the same batch (the section holds rows without events)", () => {
    const t = new TimelineTracker();
    const a = conn({ localPort: 1, sendRate: 100, receiveRate: 10 });
    t.apply(full(1000, [a]));
    const b = conn({ localPort: 2, sendRate: 20, receiveRate: 2 });
    const changed = { ...a, state: 'CLOSE-WAIT' as const, sendRate: 30, receiveRate: 3 };
    const s = t.apply({
      ...diff(2000, [{ type: 'opened', connection: b }, { type: 'changed', connection: changed, previousState: 'ESTABLISHED' }]),
      counters: counterColumns([[b.id, 0, 0, 0, 0, 5000, 500, null, null, null, null], [a.id, 0, 0, 0, 0, 7000, 700, null, null, null, null]]),
    });
    expect([s?.sendRate, s?.receiveRate]).toEqual([50, 5]);
  });

  it('skips a failed poll (no sample) and ignores counters for unknown rows', () => {
    const t = new TimelineTracker();
    t.apply(full(1000, [conn({ localPort: 1 })]));
    expect(t.apply(diff(2000, [], status({ lastError: 'boom' })))).toBeNull();
    const s = t.apply({ ...diff(3000, []), counters: counterColumns([['nope', 0, 0, 0, 0, 9, 9, null, null, null, null]]) });
    expect(s?.sendRate).toBeNull();
    expect(s?.spanMs).toBe(2000);
    expect(t.store!.size).toBe(2);
  });
});

describe('TimelineStore', () => {
  it('keeps one sample per poll for the fine window and merges older ones into buckets', () => {
    const st = new TimelineStore({ fineWindowMs: 10_000, coarseStepMs: 5_000, maxCoarse: 1000 });
    for (let i = 1; i <= 30; i++) st.push(sample(i * 1000, i));
    const d = st.data();
    const fine = d.samples.filter((s) => s.time >= 30_000 - 10_000);
    expect(fine.map((s) => s.time)).toEqual(Array.from({ length: 11 }, (_, i) => 20_000 + i * 1000));
    // Samples 1..19 s went into 5 s buckets: [1..4], [5..9], [10..14], [15..19].
    const coarse = d.samples.slice(0, d.samples.length - fine.length);
    expect(coarse.map((s) => s.time)).toEqual([4000, 9000, 14000, 19000]);
    expect(coarse[1].counts[0]).toBe(7); // mean of 5..9
    expect(coarse[1].opened).toBe(5);
    expect(coarse[1].spanMs).toBe(5000);
    expect(d.since).toBe(1000);
  });

  it('stays within its bound over a long run and counts what it dropped', () => {
    const st = new TimelineStore({ fineWindowMs: 60_000, coarseStepMs: 60_000, maxCoarse: 100 });
    for (let i = 1; i <= 24 * 3600; i++) st.push(sample(i * 1000, 1));
    expect(st.size).toBeLessThanOrEqual(61 + 100);
    const d = st.data();
    expect(d.dropped).toBeGreaterThan(1000);
    expect(d.samples[d.samples.length - 1].time).toBe(24 * 3600 * 1000);
    for (let i = 1; i < d.samples.length; i++) expect(d.samples[i].time).toBeGreaterThan(d.samples[i - 1].time);
  });

  it('merges a sample that is not newer than the last (duplicate or clock step) instead of going back in time', () => {
    const st = new TimelineStore();
    st.push(sample(2000, 2));
    st.push(sample(1500, 4));
    expect(st.size).toBe(1);
    expect(st.samples()[0]).toMatchObject({ time: 2000, counts: [3, 0, 0, 0, 0, 0], opened: 2 });
  });

  it('a viewer seeded with served data continues it', () => {
    const st = new TimelineStore({}, { since: 1000, fineWindowMs: 3_600_000, coarseStepMs: 60_000, dropped: 3, samples: [sample(1000, 1), sample(2000, 2)] });
    st.push(sample(3000, 3));
    expect(st.data()).toMatchObject({ since: 1000, dropped: 3 });
    expect(st.samples().map((s) => s.counts[0])).toEqual([1, 2, 3]);
  });

  it('mergeSamples weights by span and keeps the rate of the side that has one', () => {
    const m = mergeSamples({ ...sample(1000, 0, 1000), sendRate: 10 }, { ...sample(4000, 4, 3000), sendRate: null });
    expect(m.counts[0]).toBe(3);
    expect(m.sendRate).toBe(10);
    expect(m.spanMs).toBe(4000);
  });
});

describe('timelineFromEvents', () => {
  it('groups a recording\'s events by poll time', () => {
    const a = conn({ localPort: 1 });
    const b = conn({ localPort: 2 });
    const d = timelineFromEvents([
      { type: 'opened', time: 2000, connection: b },
      { type: 'opened', time: 1000, connection: a },
      { type: 'closed', time: 2000, connection: a },
    ]);
    expect(d.samples.map((s) => [s.time, s.opened, s.closed, s.counts[0]])).toEqual([
      [1000, 1, 0, 1],
      [2000, 1, 1, 1],
    ]);
  });

  it("counts a rate an event carried in that poll's sample only: the recording holds no counters after it", () => {
    // A transfer over within its first interval: its opened event carries 5 MB/s, then it sits idle
    // while other connections' events make later samples.
    const busy = conn({ localPort: 1, sendRate: 5_000_000, receiveRate: 0 });
    const quiet = (port: number) => conn({ localPort: port });
    const later = conn({ localPort: 1, sendRate: 200, receiveRate: 100, state: 'CLOSE-WAIT' });
    const d = timelineFromEvents([
      { type: 'opened', time: 1000, connection: busy },
      { type: 'opened', time: 2000, connection: quiet(2) },
      { type: 'opened', time: 3000, connection: quiet(3) },
      { type: 'changed', time: 4000, connection: later, previousState: 'ESTABLISHED' },
      { type: 'opened', time: 5000, connection: quiet(4) },
    ]);
    expect(d.samples.map((s) => [s.time, s.sendRate, s.receiveRate])).toEqual([
      [1000, 5_000_000, 0],
      [2000, null, null],
      [3000, null, null],
      [4000, 200, 100],
      [5000, null, null],
    ]);
  });
});

describe('isTimelineSample (a sample that crossed a thread or process boundary)', () => {
  const good = { time: 1000, spanMs: 1000, counts: TIMELINE_SERIES.map(() => 1), opened: 0, closed: 0, sendRate: null, receiveRate: 5 };
  it('takes a well-formed sample and refuses each kind of damage', () => {
    expect(isTimelineSample(good)).toBe(true);
    for (const bad of [null, 7, { ...good, time: 'x' }, { ...good, counts: [1] }, { ...good, counts: TIMELINE_SERIES.map(() => NaN) }, { ...good, sendRate: '1' }, { ...good, opened: undefined }]) {
      expect(isTimelineSample(bad)).toBe(false);
    }
  });
});
