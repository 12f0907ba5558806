// @vitest-environment jsdom
// The Events view said "No events yet." whenever it was empty, for any reason (found by a new
// admin): a filter matching none of the run's hundreds of events, an opened recording whose events a
// filter hides, a timeline span older than the kept events. Each reason is said, from one function.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../App';
import { formatTime } from '../../store/columns';
import { FakeBridge, conn, diff } from '../../test/fixtures';
import { fakeLayout, MemStorage } from '../../test/dom';
import { eventsEmptyText, heldFacts, hiddenByText, type EventsEmptyInput } from './emptyEvents';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

const T0 = new Date(2026, 11, 1, 0, 50, 0).getTime();
const base: EventsEmptyInput = { held: 0, oldestHeldAt: null, dropped: 0, capacity: 10_000, heldInSpan: 0, span: null, hiddenBy: null, recording: null };

describe('eventsEmptyText: why the Events view is empty', () => {
  it('nothing happened yet (live), or a recording without events', () => {
    expect(eventsEmptyText(base)).toBe('No events yet.');
    expect(eventsEmptyText({ ...base, recording: 'quiet.ndjson' })).toBe('The recording quiet.ndjson holds no events.');
  });
  it('(a) a filter that matches none of the run’s events', () => {
    expect(eventsEmptyText({ ...base, held: 412, oldestHeldAt: T0, hiddenBy: 'the filter' })).toBe('None of the 412 events kept match the filter.');
    expect(eventsEmptyText({ ...base, held: 412, oldestHeldAt: T0, hiddenBy: 'the filter and the quick toggles' })).toBe('None of the 412 events kept match the filter and the quick toggles.');
  });
  it('(b) an opened recording whose events a filter hides', () => {
    expect(eventsEmptyText({ ...base, held: 1300, oldestHeldAt: T0, hiddenBy: 'the filter', recording: 'night.ndjson' })).toBe('None of the recording’s 1,300 events match the filter.');
  });
  it('(c) a span older than the kept events, while older ones were not kept', () => {
    const text = eventsEmptyText({ ...base, held: 10_000, oldestHeldAt: T0 + 600_000, dropped: 25_068, span: [T0, T0 + 60_000] });
    expect(text).toBe(
      `The events from ${formatTime(T0)} to ${formatTime(T0 + 60_000)} are older than the kept ones (the oldest kept is from ${formatTime(T0 + 600_000)}): ` +
        'this window keeps the newest 10,000 events of the run, and 25,068 older ones are not kept (Record keeps every event to a file).',
    );
    // A span reaching into the kept ones but holding none of them: its older part is what is missing.
    expect(eventsEmptyText({ ...base, held: 10, oldestHeldAt: T0 + 30_000, dropped: 5, span: [T0, T0 + 40_000] })).toMatch(
      new RegExp(`^No kept event from .*: those before ${formatTime(T0 + 30_000)} are older than the kept ones; this window keeps the newest 10,000`),
    );
  });
  it('a span with no event at all, and a span whose events the filter hides', () => {
    expect(eventsEmptyText({ ...base, held: 10, oldestHeldAt: T0, span: [T0 + 5000, T0 + 6000] })).toBe(`No events from ${formatTime(T0 + 5000)} to ${formatTime(T0 + 6000)}.`);
    expect(eventsEmptyText({ ...base, held: 10, oldestHeldAt: T0, heldInSpan: 3, span: [T0, T0 + 6000], hiddenBy: 'the filter' })).toBe(
      `None of the 3 events from ${formatTime(T0)} to ${formatTime(T0 + 6000)} match the filter.`,
    );
  });
  it('a span is named as the timeline names it: under a second to the millisecond, one instant as a moment', () => {
    const ms = (t: number) => new Date(t).toLocaleTimeString('en-GB', { hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });
    expect(eventsEmptyText({ ...base, held: 10, oldestHeldAt: T0, span: [T0 + 5001, T0 + 5250] })).toBe(`No events from ${ms(T0 + 5001)} to ${ms(T0 + 5250)}.`);
    expect(eventsEmptyText({ ...base, held: 10, oldestHeldAt: T0, span: [T0 + 5000, T0 + 5000] })).toBe(`No events at ${ms(T0 + 5000)}.`);
  });
  it('one event is "the one event", not "none of the 1 events"', () => {
    expect(eventsEmptyText({ ...base, held: 1, oldestHeldAt: T0, hiddenBy: 'the filter' })).toBe('The one event kept does not match the filter.');
    expect(eventsEmptyText({ ...base, held: 1, oldestHeldAt: T0, hiddenBy: 'the filter', recording: 'a.csv' })).toBe('The recording’s one event does not match the filter.');
    expect(eventsEmptyText({ ...base, held: 4, oldestHeldAt: T0, heldInSpan: 1, span: [T0, T0 + 1000], hiddenBy: 'the filter' })).toBe(
      `The one event from ${formatTime(T0)} to ${formatTime(T0 + 1000)} does not match the filter.`,
    );
  });
  it('heldFacts and hiddenByText', () => {
    expect(heldFacts([{ time: 5 }, { time: 9 }, { time: 20 }], [8, 20])).toEqual({ held: 3, oldestHeldAt: 5, heldInSpan: 2 });
    expect(heldFacts([], null)).toEqual({ held: 0, oldestHeldAt: null, heldInSpan: 0 });
    expect(hiddenByText(false, false, false)).toBeNull();
    expect(hiddenByText(true, false, true)).toBe('the filter and “Only not in baseline”');
  });
});

describe('the Events view says why it is empty', () => {
  it('a filter matching none of the run’s events is not "No events yet."', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ localPort: 443, process: 'nginx', pid: 20 })];
    const storage = new MemStorage();
    render(<App bridge={bridge} storage={storage} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('1'));
    act(() => bridge.emit(diff(T0, [1, 2, 3].map((i) => ({ type: 'opened' as const, connection: conn({ localPort: 5000 + i, process: 'nginx', pid: 20 }) })))));
    fireEvent.click(screen.getByRole('tab', { name: /^Events/ }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: 'port:9' } });
    await waitFor(() => expect(screen.getByTestId('events-empty').textContent).toBe('None of the 3 events kept match the filter.'));
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: '' } });
    await waitFor(() => expect(screen.queryByTestId('events-empty')).toBeNull());
  });
});
