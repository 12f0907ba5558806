// Bounded ring buffer of events: the Events view never grows without limit over hours of polling.
import type { ConnectionEvent } from '../../shared/connection';
import type { LoggedEvent } from './rows';

export const DEFAULT_EVENT_CAPACITY = 10_000;

export class EventLog {
  private readonly buf: (LoggedEvent | undefined)[];
  private head = 0; // index of the oldest entry
  private size = 0;
  private nextSeq = 1;
  /**
   * Events of the run this log does not hold: pushed out by newer ones, or left out of the history
   * it was loaded from (see setDropped). The Events view says so instead of looking complete.
   */
  dropped = 0;

  constructor(readonly capacity = DEFAULT_EVENT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`event capacity must be a positive integer, got ${capacity}`);
    this.buf = new Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Sequence number of the oldest event still held (nextSeq when empty). */
  get firstSeq(): number {
    return this.size === 0 ? this.nextSeq : (this.buf[this.head] as LoggedEvent).seq;
  }

  push(e: ConnectionEvent): LoggedEvent {
    const logged: LoggedEvent = { ...e, seq: this.nextSeq++ };
    if (this.size < this.capacity) {
      this.buf[(this.head + this.size) % this.capacity] = logged;
      this.size++;
    } else {
      this.buf[this.head] = logged;
      this.head = (this.head + 1) % this.capacity;
      this.dropped++;
    }
    return logged;
  }

  /** Oldest first. */
  toArray(): LoggedEvent[] {
    const out: LoggedEvent[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.buf[(this.head + i) % this.capacity] as LoggedEvent;
    return out;
  }

  clear(): void {
    this.buf.fill(undefined);
    this.head = 0;
    this.size = 0;
    this.dropped = 0;
  }
}
