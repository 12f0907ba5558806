// Started by the ShellExecuteExW probe: writes the arguments it received (after the output file) and
// one environment variable as JSON to the file named by argv[2], so the probe can compare them.
import { writeFileSync } from 'node:fs';

writeFileSync(process.argv[2], JSON.stringify({ args: process.argv.slice(3), env: process.env.NETMON_PROBE_ENV ?? null, pid: process.pid }));
