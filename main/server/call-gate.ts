// Server-wide bound on the calls that encode the whole table or the run's history. One client may
// have one such call at a time (server.ts), but a client that asks and leaves frees its place at
// once; without a bound across clients, a reconnect loop would start one engine call per round.

/**
 * Runs at most `limit` tasks at once, first come first served. A task waits for a free slot; one
 * whose owner has gone by then (`forget(owner)`, or `live()` false at its turn) is dropped without
 * running, so work waits only for clients still there to read it.
 */
export class CallGate<Owner> {
  private running = 0;
  private readonly waiting: Array<{ owner: Owner; live: () => boolean; start: () => void; drop: () => void }> = [];

  constructor(readonly limit: number) {}

  /** Resolves to the task's result, or to null when the task was dropped unrun. Rejects as the task does. */
  run<T>(owner: Owner, live: () => boolean, task: () => Promise<T>): Promise<T | null> {
    return new Promise<T | null>((resolve, reject) => {
      const start = (): void => {
        this.running++;
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.next();
          });
      };
      this.waiting.push({ owner, live, start, drop: () => resolve(null) });
      this.next();
    });
  }

  /** Drops every waiting task of `owner` (its client closed). */
  forget(owner: Owner): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i].owner === owner) this.waiting.splice(i, 1)[0].drop();
    }
  }

  private next(): void {
    while (this.running < this.limit && this.waiting.length > 0) {
      const w = this.waiting.shift()!;
      if (w.live()) w.start();
      else w.drop();
    }
  }
}
