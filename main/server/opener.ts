// `netmon serve --open`: hands the browser the URL without putting the token on a command line.
// A command line is readable by every local user (ps, /proc/PID/cmdline), so the opener gets the
// path of a launch page readable only by this user; the page forwards the browser to the URL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { childEnv } from '../child-env';

/** How long the launch page stays on disk: long enough for a cold browser start. */
const LAUNCH_PAGE_LIFETIME_MS = 60_000;

/** The platform's "open this" command; the target is one argument, never parsed by a shell. */
export function openCommand(target: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', target]];
  if (platform === 'darwin') return ['open', [target]];
  return ['xdg-open', [target]];
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page that sends the browser on to `url` at once (meta refresh; no script needed). */
export function launchPage(url: string): string {
  const u = escapeHtml(url);
  return (
    '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<meta http-equiv="refresh" content="0;url=${u}"><title>netmon</title><a href="${u}">Open netmon</a>\n`
  );
}

/**
 * Writes the launch page into a fresh directory only this user can enter (mkdtemp: 0700; the file
 * 0600) and returns its path and a function that removes both.
 */
export function writeLaunchPage(url: string, tmpDir: string = os.tmpdir()): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpDir, 'netmon-open-'));
  const file = path.join(dir, 'netmon.html');
  writeFileSync(file, launchPage(url), { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens `url` in the default browser through a private launch page; failures are one stderr line. */
export function openInBrowser(url: string, err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  let page: ReturnType<typeof writeLaunchPage>;
  try {
    page = writeLaunchPage(url);
  } catch (e) {
    err(`netmon: could not open a browser (${(e as Error).message}); open the URL above`);
    return;
  }
  const target = process.platform === 'win32' ? page.file : pathToFileURL(page.file).href;
  const [cmd, args] = openCommand(target);
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore', env: childEnv() });
  child.on('error', (e) => err(`netmon: could not open a browser (${e.message}); open the URL above`));
  child.unref();
  setTimeout(page.remove, LAUNCH_PAGE_LIFETIME_MS).unref();
  process.once('exit', page.remove);
}
