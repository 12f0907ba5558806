// A load process for tests and the loaded-machine run: loopback TCP connections to its own
// listener (both ends held, ~2 fds each), optional churn (the oldest pair closed and a new one
// opened, `perSecond` times a second), SO_REUSEPORT UDP sockets sharing one port, and extra bound
// sockets (e.g. on link-local addresses with a scope). Optionally inside a network namespace.
// Ended by the test that started it, by PID (or when its stdin closes).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PYTHON } from './holder';

export interface LoadConfig {
  /** Address of the listener and the connections; default 127.0.0.1. */
  host?: string;
  /** Connected pairs held (2 fds each; keep it ≤ ~4,500 a process). */
  conns: number;
  /** Pairs replaced per second (0: no churn). */
  perSecond?: number;
  /** SO_REUSEPORT UDP sockets on one port of `host`. */
  reuseUdp?: number;
  /** More sockets to bind, with SO_REUSEPORT: [proto, host (may carry %interface), port]. */
  bind?: [proto: 'tcp' | 'udp', host: string, port: number][];
}

export interface Load {
  child: ChildProcess;
  pid: number;
  port: number;
  udpPort: number;
  /** Ports of `bind`, in order. */
  bound: number[];
  end(): Promise<void>;
}

const SCRIPT = `
import collections, json, os, resource, select, socket, sys, time
cfg = json.loads(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
host = cfg.get('host', '127.0.0.1')
fam = socket.AF_INET6 if ':' in host else socket.AF_INET
L = socket.socket(fam, socket.SOCK_STREAM)
L.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
L.bind((host, 0))
L.listen(4096)
port = L.getsockname()[1]
pairs = collections.deque()
def open_one():
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.connect((host, port))
    a, _ = L.accept()
    pairs.append((c, a))
for _ in range(cfg['conns']):
    open_one()
udp = []
uport = 0
for i in range(cfg.get('reuseUdp', 0)):
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    u.bind((host, uport))
    uport = u.getsockname()[1]
    udp.append(u)
bound = []
for proto, h, p in cfg.get('bind', []):
    info = socket.getaddrinfo(h, p, 0, socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM)[0]
    k = socket.socket(info[0], info[1])
    k.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    k.bind(info[4])
    if proto == 'tcp':
        k.listen(16)
    udp.append(k)
    bound.append(k.getsockname()[1])
print('ready ' + json.dumps({'pid': os.getpid(), 'port': port, 'udpPort': uport, 'bound': bound}), flush=True)
rate = cfg.get('perSecond', 0)
due = 0.0
while True:
    r, _, _ = select.select([sys.stdin], [], [], 0.05)
    if r and sys.stdin.read(1) == '':
        break
    due += rate * 0.05
    while due >= 1 and pairs:
        due -= 1
        c, a = pairs.popleft()
        c.close()
        a.close()
        open_one()
`;

/** Starts a load process (in network namespace `netns` when given); resolves once its sockets are open. */
export async function startLoad(cfg: LoadConfig, { netns, timeoutMs = 120_000 }: { netns?: string; timeoutMs?: number } = {}): Promise<Load> {
  const argv = ['-c', SCRIPT, JSON.stringify(cfg)];
  const child = netns ? spawn('ip', ['netns', 'exec', netns, PYTHON, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] }) : spawn(PYTHON, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<{ pid: number; port: number; udpPort: number; bound: number[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`load not ready after ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    lines.once('line', (l) => {
      clearTimeout(timer);
      if (l.startsWith('ready ')) resolve(JSON.parse(l.slice(6)) as { pid: number; port: number; udpPort: number; bound: number[] });
      else reject(new Error(`load: ${l} ${stderr}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`load exited with ${code}: ${stderr}`));
    });
  });
  const end = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = once(child, 'exit');
    process.kill(child.pid!, 'SIGKILL');
    await gone;
  };
  return { child, ...info, end };
}
