import { describe, expect, it } from 'vitest';
import { sameRoom, widenTrack } from './labelRoom';
import { minTrackPx } from '../store/columns';

describe('widenTrack', () => {
  it('raises a fixed track or a minmax() minimum to the room asked, rounded up, and never lowers one', () => {
    expect(widenTrack('84px', 98.2)).toBe('99px');
    expect(widenTrack('minmax(124px, 300px)', 128)).toBe('minmax(128px, 300px)');
    expect(minTrackPx(widenTrack('minmax(124px, 300px)', 131.5))).toBe(132);
    expect(widenTrack('112px', 60)).toBe('112px');
    expect(widenTrack('minmax(124px, 300px)', 124)).toBe('minmax(124px, 300px)');
  });

  it('leaves other tracks and unmeasured room (0, NaN) alone', () => {
    expect(widenTrack('1fr', 200)).toBe('1fr');
    expect(widenTrack('auto', 200)).toBe('auto');
    expect(widenTrack('84px', 0)).toBe('84px');
    expect(widenTrack('84px', Number.NaN)).toBe('84px');
  });
});

describe('sameRoom', () => {
  it('compares measurements key by key within half a pixel', () => {
    expect(sameRoom({}, {})).toBe(true);
    expect(sameRoom({ pid: 60 }, { pid: 60.4 })).toBe(true);
    expect(sameRoom({ pid: 60 }, { pid: 61 })).toBe(false);
    expect(sameRoom({ pid: 60 }, { proto: 60 })).toBe(false);
    expect(sameRoom({ pid: 60 }, { pid: 60, proto: 63 })).toBe(false);
  });
});
