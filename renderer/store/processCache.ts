// Process details by PID, asked of the engine once and cached. Keyed by PID *and* image name, so a
// PID the OS has reused for another program is looked up afresh instead of showing the old owner.
import type { ProcessDetails } from '../../shared/ipc';

const MAX_ENTRIES = 500;

export class ProcessDetailsCache {
  private readonly entries = new Map<string, Promise<ProcessDetails | null>>();

  constructor(private readonly fetch: (pid: number) => Promise<ProcessDetails | null>) {}

  get(pid: number, name: string | null): Promise<ProcessDetails | null> {
    const key = `${pid}\u0000${name ?? ''}`;
    let p = this.entries.get(key);
    if (!p) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      p = this.fetch(pid);
      // A failed lookup is not cached: the next selection asks again.
      p.catch(() => this.entries.delete(key));
      this.entries.set(key, p);
    }
    return p;
  }
}
