#!/usr/bin/env node
// Deliberate bugs the suite must catch. Each mutant changes one spot in the source, runs the
// tests that claim to cover it, and must make them fail ("killed"); a mutant the tests survive is
// a gap. The source is restored after every mutant, also on Ctrl-C. Not part of `npm test`:
// run `npm run mutate` (all) or `npm run mutate -- retry-bound cidr-partial` (some).
// Exit 0 only when every mutant was killed and every mutant still applies to the code.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** id, what the bug is, the file, the exact text to change (must occur once), its replacement, the tests that must catch it. */
const MUTANTS = [
  {
    id: 'retry-bound',
    what: 'the Windows table reader makes one attempt more than its bound',
    file: 'main/source/windows/buffer-call.ts',
    find: 'attempt <= this.maxAttempts; attempt++',
    replace: 'attempt <= this.maxAttempts + 1; attempt++',
    tests: ['main/source/windows/buffer-call.test.ts'],
  },
  {
    id: 'absurd-size',
    what: 'an absurd buffer size from the OS is allocated instead of refused',
    file: 'main/source/windows/buffer-call.ts',
    find: 'if (n > this.maxBytes) {',
    replace: 'if (n > this.maxBytes * 4) {',
    tests: ['main/source/windows/buffer-call.test.ts'],
  },
  {
    id: 'cidr-partial',
    what: 'a CIDR prefix that ends inside a byte compares one bit too few',
    file: 'shared/filter-address.ts',
    find: 'const mask = (0xff << (8 - rem)) & 0xff;',
    replace: 'const mask = (0xff << (9 - rem)) & 0xff;',
    tests: ['shared'],
  },
  {
    id: 'port-byte-order',
    what: 'Windows ports read in host byte order instead of network order',
    file: 'main/source/windows/decode.ts',
    find: 'const port = (b: Bytes, o: number): number => (b[o] << 8) | b[o + 1];',
    replace: 'const port = (b: Bytes, o: number): number => (b[o + 1] << 8) | b[o];',
    tests: ['main/source/windows/decode.test.ts'],
  },
  {
    id: 'linux-state-map',
    what: 'Linux FIN_WAIT2 mapped to FIN-WAIT-1',
    file: 'main/source/linux/procfs.ts',
    find: '  5: 7, // FIN_WAIT2',
    replace: '  5: 6, // FIN_WAIT2',
    tests: ['main/source/linux'],
  },
  {
    id: 'static-dotdot',
    what: 'the static server stops refusing `..` segments',
    file: 'main/server/static.ts',
    find: "return decodedPath.split('/').some((seg) => seg === '..');",
    replace: 'return decodedPath.length < 0;',
    tests: ['main/server/static.test.ts'],
  },
  {
    id: 'static-contained',
    what: 'the static server stops checking the resolved file is under its root',
    file: 'main/server/static.ts',
    find: 'return file === absRoot || file.startsWith(absRoot + pathApi.sep);',
    replace: 'return file.length > 0 || absRoot === pathApi.sep;',
    tests: ['main/server/static.test.ts'],
  },
  {
    id: 'token-any',
    what: 'the web server accepts any token',
    file: 'main/server/auth.ts',
    find: "return tokensEqual(offered, token) ? { ok: true } : { ok: false, status: 403, reason: 'wrong token' };",
    replace: 'return tokensEqual(offered, offered) ? { ok: true } : { ok: false, status: 403, reason: "wrong token" };',
    tests: ['test/server'],
  },
  {
    id: 'host-rebinding',
    what: 'any Host header is accepted (DNS rebinding)',
    file: 'main/server/auth.ts',
    find: 'return isLoopbackHost(h.name) || h.name === policy.boundHost.toLowerCase();',
    replace: 'return h.name.length > 0;',
    tests: ['test/server'],
  },
  {
    id: 'unknown-source',
    what: 'an unknown source kind quietly becomes a simulated source',
    file: 'main/source/index.ts',
    find: 'if (!isSourceKind(kind)) throw',
    replace: 'if (!isSourceKind(kind) && kind === null) throw',
    tests: ['main/source/index.test.ts', 'main/engine/host.test.ts'],
  },
  {
    id: 'ports-accepted',
    what: "the port report counts connections accepted by a listener as ephemeral ports",
    file: 'shared/ports.ts',
    find: "if (c.protocol === 'tcp' && (c.state === 'LISTEN' || listening.has(`${c.family}|${c.localPort}`))) continue;",
    replace: "if (c.protocol === 'tcp' && c.state === 'LISTEN') continue;",
    tests: ['shared/ports.test.ts'],
  },
  {
    id: 'baseline-accepted',
    what: 'a connection accepted by a baselined listener is flagged as new',
    file: 'shared/baseline.ts',
    find: "        case 'accepted':\n          return null;",
    replace: "        case 'accepted':\n          return 'new destination';",
    tests: ['shared/baseline.test.ts'],
  },
  {
    id: 'close-noop',
    what: 'Linux close-connection reports success without destroying the socket',
    file: 'main/source/linux/actions.ts',
    find: "['-K', '-t', '-n', family,",
    replace: "['-t', '-n', family,",
    tests: ['test/linux/actions.test.ts'],
  },
];

function run(tests) {
  const r = spawnSync('npx', ['vitest', 'run', '--bail', '1', ...tests], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, timedOut: r.error?.code === 'ETIMEDOUT' };
}

const wanted = new Set(process.argv.slice(2));
const mutants = MUTANTS.filter((m) => wanted.size === 0 || wanted.has(m.id));
if (wanted.size > 0 && mutants.length !== wanted.size) {
  console.error(`unknown mutant id; known: ${MUTANTS.map((m) => m.id).join(', ')}`);
  process.exit(2);
}

// A mutant only counts as killed if its tests pass without it: check the unmutated code first.
const allTests = [...new Set(mutants.flatMap((m) => m.tests))];
const clean = run(allTests);
if (clean.code !== 0) {
  console.error(`the tests fail without any mutant (exit ${clean.code}); fix them first: ${allTests.join(' ')}`);
  process.exit(2);
}

let restoring = null;
process.on('SIGINT', () => {
  if (restoring) writeFileSync(restoring.path, restoring.text);
  process.exit(130);
});

const rows = [];
for (const m of mutants) {
  const path = join(ROOT, m.file);
  const original = readFileSync(path, 'utf8');
  const count = original.split(m.find).length - 1;
  if (count !== 1) {
    rows.push({ ...m, result: count === 0 ? 'STALE (text not found)' : `STALE (text found ${count} times)` });
    continue;
  }
  const started = Date.now();
  restoring = { path, text: original };
  try {
    writeFileSync(path, original.replace(m.find, m.replace));
    const r = run(m.tests);
    rows.push({ ...m, result: r.timedOut ? 'killed (timeout)' : r.code === 0 ? 'SURVIVED' : 'killed', seconds: Math.round((Date.now() - started) / 1000) });
  } finally {
    writeFileSync(path, original);
    restoring = null;
  }
  console.error(`${rows.at(-1).id}: ${rows.at(-1).result}`);
}

console.log('| mutant | deliberate bug | tests | result |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.id} | ${r.what} | ${r.tests.join(', ')} | ${r.result}${r.seconds !== undefined ? ` (${r.seconds} s)` : ''} |`);
const bad = rows.filter((r) => !r.result.startsWith('killed'));
console.log(`\n${rows.length - bad.length} of ${rows.length} killed`);
process.exit(bad.length === 0 ? 0 : 1);
