// A connection the kernel has completed but no process has accepted yet waits in its listener's
// accept queue with no file (inode 0): no process owns it. Once accepted it is the accepting
// process's. What an admin sees for that, from a real listener that accepts only when told: one
// `opened` owned by no one ("ESTABLISHED (no owner)", PID 0), then one `changed` from PID 0 to the
// accepting process — no close and reopen, no second change, and a connection accepted before the
// poll sees it shows no owner change at all. Loopback only; the listener is ended by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../main/engine/engine';
import { createLinuxSource } from '../../main/source/linux';
import type { ConnectionEvent } from '../../shared/connection';
import { formatEventText, ownerText } from '../../shared/format';
import { PYTHON } from './holder';

const SCRIPT = `
import socket, sys
k = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
k.bind(('127.0.0.1', 0))
k.listen(8)
print('ready %d' % k.getsockname()[1], flush=True)
held = []
for line in sys.stdin:
    s, _ = k.accept()
    held.append(s)
    print('accepted', flush=True)
`;

describe('a connection seen in the accept queue, then accepted', () => {
  let child: ChildProcess;
  let lines: Interface;
  let port = 0;
  const clients: Socket[] = [];
  const nextLine = () => new Promise<string>((r) => lines.once('line', r));

  beforeAll(async () => {
    child = spawn(PYTHON, ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
    lines = createInterface({ input: child.stdout! });
    port = Number((await nextLine()).split(' ')[1]);
  }, 10_000);

  afterAll(async () => {
    for (const c of clients) c.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      const gone = once(child, 'exit');
      process.kill(child.pid!, 'SIGKILL');
      await gone;
    }
  });

  const dial = async (): Promise<number> => {
    const c = connect(port, '127.0.0.1');
    c.on('error', () => undefined);
    clients.push(c);
    await once(c, 'connect');
    return c.localPort!;
  };
  const accept = async () => {
    const done = nextLine();
    child.stdin!.write('accept\n');
    expect(await done).toBe('accepted');
  };
  /** The events of the server side of the connection from client port `cport`. */
  const serverSide = (events: ConnectionEvent[], cport: number) => events.filter((e) => e.connection.localPort === port && e.connection.remotePort === cport);

  it('opens owned by no process, then changes once to the accepting process', async () => {
    const source = createLinuxSource();
    try {
      const engine = createEngine({ source });
      await engine.pollNow();
      const cport = await dial();
      const queued = serverSide((await engine.pollNow()).events, cport);
      expect(queued.map((e) => [e.type, e.connection.state, e.connection.pid, ownerText(e.connection)])).toEqual([['opened', 'ESTABLISHED', 0, 'ESTABLISHED (no owner)']]);
      await accept();
      const accepted = serverSide((await engine.pollNow()).events, cport);
      expect(accepted.map((e) => [e.type, e.previousPid, e.connection.pid, e.connection.process, e.connection.id])).toEqual([
        ['changed', 0, child.pid, 'python3', queued[0].connection.id],
      ]);
      expect(formatEventText(accepted[0])).toContain(` pid 0→${child.pid} python3`);
      // Nothing more once it is owned.
      expect(serverSide((await engine.pollNow()).events, cport)).toEqual([]);
    } finally {
      source.close?.();
    }
  });

  it('a connection accepted between two polls opens owned by its process, with no owner change', async () => {
    const source = createLinuxSource();
    try {
      const engine = createEngine({ source });
      await engine.pollNow();
      const cport = await dial();
      await accept();
      const events = serverSide((await engine.pollNow()).events, cport);
      expect(events.map((e) => [e.type, e.connection.pid])).toEqual([['opened', child.pid]]);
    } finally {
      source.close?.();
    }
  });
});
