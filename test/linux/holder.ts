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

/**
 * Starts a holder with `sockets` bound; resolves once they are. It exits when its stdin closes or
 * on end(). `python`: the interpreter to run (a copy or symlink under another name, for names).
 */
export async function startHolder(sockets: HeldSocket[], { python = PYTHON, timeoutMs = 10_000 } = {}): Promise<Holder> {
  const child = spawn(python, ['-c', SCRIPT, JSON.stringify(sockets)], { stdio: ['pipe', 'pipe', 'pipe'] });
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

const FORK_SCRIPT = `
import os, signal, socket, sys
k = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
k.bind(('127.0.0.1', 0))
k.listen(16)
child = os.fork()
if child == 0:
    signal.pause()
    os._exit(0)
print('ready %d %d' % (k.getsockname()[1], child), flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == 'end-child':
        os.kill(child, signal.SIGTERM)  # it dies; nobody reaps it: a zombie
        print('ended', flush=True)
    elif cmd == 'close':
        k.close()
        print('closed', flush=True)
`;

export interface ForkedListener {
  parent: ChildProcess;
  parentPid: number;
  childPid: number;
  port: number;
  /** Makes the parent end the child (which stays a zombie: the parent does not reap it). */
  endChild(): Promise<void>;
  /** Makes the parent close its listener; resolves once it has. */
  closeListener(): Promise<void>;
  /** Ends the parent (SIGKILL by PID); its zombie child is then reaped by init. */
  end(): Promise<void>;
}

/**
 * A parent that listens on a loopback port and forks a child inheriting the listener; the child
 * lives until endChild() and the parent does not reap it (it stays a zombie), while the parent
 * keeps the listener until closeListener().
 */
export async function startForkedListener(timeoutMs = 10_000): Promise<ForkedListener> {
  const parent = spawn(PYTHON, ['-c', FORK_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  parent.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: parent.stdout! });
  const waiters: ((l: string) => void)[] = [];
  lines.on('line', (l) => waiters.shift()?.(l));
  const nextLine = (what: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} from the forking holder after ${timeoutMs} ms: ${stderr}`)), timeoutMs);
      waiters.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
  const [, port, child] = (await nextLine('ready line')).split(' ').map(Number);
  return {
    parent,
    parentPid: parent.pid!,
    childPid: child,
    port,
    async endChild() {
      const ended = nextLine('child end confirmation');
      parent.stdin!.write('end-child\n');
      await ended;
    },
    async closeListener() {
      const closed = nextLine('close confirmation');
      parent.stdin!.write('close\n');
      await closed;
    },
    async end() {
      if (parent.exitCode !== null || parent.signalCode !== null) return;
      const gone = once(parent, 'exit');
      process.kill(parent.pid!, 'SIGKILL');
      await gone;
    },
  };
}

const THREAD_SCRIPT = `
import ctypes, socket, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
ready = threading.Event()
port = []
def run():
    if libc.unshare(0x400) != 0:  # CLONE_FILES: this thread gets its own fd table
        print('unshare failed %d' % ctypes.get_errno(), flush=True)
        return
    k = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    k.bind(('127.0.0.1', 0))
    k.listen(4)
    port.append(k.getsockname()[1])
    ready.set()
    threading.Event().wait()
threading.Thread(target=run, daemon=True).start()
ready.wait(10)
print('ready %d' % port[0], flush=True)
sys.stdin.read()
`;

/** A process whose listener lives only in one thread's own fd table (after unshare(CLONE_FILES)); resolves with its port. */
export async function startThreadHolder(timeoutMs = 10_000): Promise<Holder> {
  const child = spawn(PYTHON, ['-c', THREAD_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`thread holder not ready after ${timeoutMs} ms`)), timeoutMs);
    lines.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
  });
  if (!line.startsWith('ready ')) throw new Error(`thread holder: ${line}`);
  const end = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = once(child, 'exit');
    process.kill(child.pid!, 'SIGKILL');
    await gone;
  };
  return { child, pid: child.pid!, ports: [Number(line.slice(6))], end };
}
