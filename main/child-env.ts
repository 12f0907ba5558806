// netmon's secrets in the environment (NETMON_TOKEN, the `netmon serve` token) stay with netmon: a
// process it starts — the browser opener, `ss`, `netsh`, `getconf`, the engine's worker or utility
// process — gets the environment without them. The elevated relaunch needs none of them either: the
// desktop app has no token, and what it does need travels as arguments (main/electron/elevate.ts).

/** Environment variables that carry a secret of netmon's. */
export const SECRET_ENV_VARS: readonly string[] = ['NETMON_TOKEN'];

/** A copy of `env` (default this process's) without netmon's secrets: the `env` of every child netmon starts. */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const name of SECRET_ENV_VARS) delete out[name];
  return out;
}

/**
 * Removes netmon's secrets from `env` (default this process's own) once they have been read, so
 * that whatever starts a process later without an explicit environment (Electron's shell.openExternal,
 * a library) cannot pass them on either.
 */
export function dropSecretEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of SECRET_ENV_VARS) delete env[name];
}
