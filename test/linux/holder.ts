// A separate process that holds sockets for a test: SO_REUSEPORT workers, shared UDP ports,
// inherited listeners. Python's socket module exposes SO_REUSEPORT and fork, which Node 20 lacks.
// Every holder is ended by the test that started it, by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface HeldSocket {
  proto: 'tcp' | 'udp';
  host: string;
  /** 0: any free port. */
  port: number;
  reusePort?: boolean;
}

export interface Holder {
  child: ChildProcess;
  pid: number;
  /** Bound ports, in the order of the sockets asked for. */
  ports: number[];
  /** Ends the holder (SIGKILL by PID) and waits for it. */
  end(): Promise<void>;
}

const SCRIPT = `
import json, socket, sys
specs = json.loads(sys.argv[1])
held = []
for s in specs:
    fam = socket.AF_INET6 if ':' in s['host'] else socket.AF_INET
    k = socket.socket(fam, socket.SOCK_STREAM if s['proto'] == 'tcp' else socket.SOCK_DGRAM)
    if s.get('reusePort'):
        k.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    k.bind((s['host'], s['port']))
    if s['proto'] == 'tcp':
        k.listen(16)
    held.append(k)
print('ready ' + json.dumps([k.getsockname()[1] for k in held]), flush=True)
sys.stdin.read()
`;

/** The Python 3 interpreter the holders run on. */
export const PYTHON = '/usr/bin/python3';

/** Starts a holder with `sockets` bound; resolves once they are. It exits when its stdin closes or on end(). */
export async function startHolder(sockets: HeldSocket[], timeoutMs = 10_000): Promise<Holder> {
  const child = spawn(PYTHON, ['-c', SCRIPT, JSON.stringify(sockets)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<number[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`holder not ready after ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    lines.on('line', (l) => {
      if (!l.startsWith('ready ')) return;
      clearTimeout(timer);
      resolve(JSON.parse(l.slice(6)) as number[]);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`holder exited with ${code}: ${stderr}`));
    });
  });
  const ports = await ready;
  const end = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = once(child, 'exit');
    process.kill(child.pid!, 'SIGKILL');
    await gone;
  };
  return { child, pid: child.pid!, ports, end };
}
