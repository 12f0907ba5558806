// The bounded queue in front of every event exporter: enqueueing never blocks and never grows
// past `capacity`; when full, the oldest item is dropped and counted (a receiver that is down
// for longer than the queue covers loses its oldest events, not the newest).

/** FIFO ring of at most `capacity` items; O(1) push and shift. */
export class BoundedQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private size = 0;
  /** Items dropped because the queue was full. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get depth(): number {
    return this.size;
  }

  /** Appends; when full, drops the oldest first. */
  push(item: T): void {
    if (this.size === this.capacity) {
      this.shift();
      this.dropped++;
    }
    this.items[(this.head + this.size) % this.capacity] = item;
    this.size++;
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
    return item;
  }

  /**
   * Puts items back at the front, oldest first in `items` (a send that failed). Where they do not
   * all fit, the oldest of them are dropped and counted.
   */
  requeue(items: readonly T[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.size === this.capacity) {
        this.dropped += i + 1;
        return;
      }
      this.head = (this.head - 1 + this.capacity) % this.capacity;
      this.items[this.head] = items[i];
      this.size++;
    }
  }
}

/** "N queued, M dropped": the status line part every exporter logs on a connection change. */
export function queueState(q: BoundedQueue<unknown>): string {
  return `${q.depth} queued, ${q.dropped} dropped`;
}

/**
 * Resolves when one of `waiters` is called (the exporter's queue drained) or after `timeoutMs`,
 * whichever comes first; removes itself from `waiters` either way.
 */
export function waitForDrain(waiters: Set<() => void>, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      waiters.delete(done);
      resolve();
    };
    const t = setTimeout(done, timeoutMs);
    waiters.add(done);
  });
}
