// @vitest-environment jsdom
// A batch received (its decode task pending) before a freeze, and the freeze lifted before that task
// runs: the batches are applied in the order they came (the undecoded one first), never the later
// ones that waited in the freeze before it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, renderHook } from '@testing-library/react';

const tasks: (() => void)[] = [];
vi.mock('../store/nextTask', () => ({ nextTask: (fn: () => void) => void tasks.push(fn) }));

import { useLiveData } from '../app/useLiveData';
import { ConnectionStore } from '../store/store';
import { FakeBridge, conn, diff } from '../test/fixtures';

afterEach(() => cleanup());

const runTasks = () => {
  for (let i = 0; i < 100 && tasks.length > 0; i++) tasks.shift()!();
};

describe('useLiveData: freeze and unfreeze while a decode task is pending', () => {
  it('applies batches in the order they came', async () => {
    const bridge = new FakeBridge();
    const x = conn({ localPort: 443 });
    bridge.snapshot = [x];
    const store = new ConnectionStore();
    const { result } = renderHook(() => useLiveData(bridge, store));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    act(() => runTasks());
    expect(store.rows.get(x.id)?.status).toBe('');
    const seqs: number[] = [];
    // The batches' change sets (the release of a freeze also sweeps: a change set without events).
    store.subscribe((ch) => ch.events.length > 0 && seqs.push(store.lastSeq));
    const b1 = diff(2000, [{ type: 'changed', connection: { ...x, state: 'CLOSE-WAIT' } }]);
    const b2 = diff(3000, [{ type: 'closed', connection: { ...x, state: 'CLOSE-WAIT' } }]);
    act(() => bridge.emit(b1)); // decode task queued
    act(() => result.current.setFrozen(true)); // a key press that ran before the decode task
    act(() => bridge.emit(b2)); // waits: frozen
    act(() => result.current.setFrozen(false)); // applies what waited
    act(() => runTasks());
    expect(seqs).toEqual([b1.seq, b2.seq]);
    expect(store.rows.get(x.id)?.status).toBe('closed');
  });
});
