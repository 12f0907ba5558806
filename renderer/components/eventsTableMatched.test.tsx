// @vitest-environment jsdom
// The Events table names an event the filter's rule marked: a connection leaving the filter reads
// "unmatched" (as `netmon watch --filter` prints UNMATCHED), one coming to match "matched".
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { conn } from '../test/fixtures';
import { fakeLayout } from '../test/dom';
import { EventsTable } from './EventsTable';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

describe('EventsTable event words', () => {
  it('changed marked false reads unmatched, opened marked true matched; others their type', () => {
    const c = conn({ localPort: 41000 });
    const { container } = render(
      <EventsTable
        events={[
          { seq: 1, type: 'opened', matched: true, time: 1, connection: c },
          { seq: 2, type: 'changed', matched: false, time: 2, connection: c, previousState: 'ESTABLISHED' },
          { seq: 3, type: 'closed', time: 3, connection: c },
        ]}
      />,
    );
    expect([...container.querySelectorAll('.evtype')].map((n) => n.textContent)).toEqual(['closed', 'unmatched', 'matched']); // newest first
  });
});
