// `netmon serve --open` (issue 7 §2): the opener's command line never carries the token; the
// launch page that does is readable by this user only and forwards the browser to the URL.
import { readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchPage, openCommand, writeLaunchPage } from '../../main/server/opener';

const URL_WITH_TOKEN = 'http://127.0.0.1:4321/?token=abc_DEF-123456789012';

describe('launch page', () => {
  it('forwards to the URL by meta refresh, with no referrer, the URL escaped', () => {
    const html = launchPage(URL_WITH_TOKEN);
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${URL_WITH_TOKEN}">`);
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(launchPage('http://x/?a="><script>')).not.toContain('"><script>');
  });
  it('is written 0600 in a fresh 0700 directory, and removed on request', () => {
    const page = writeLaunchPage(URL_WITH_TOKEN);
    try {
      expect(readFileSync(page.file, 'utf8')).toBe(launchPage(URL_WITH_TOKEN));
      if (process.platform !== 'win32') {
        expect(statSync(page.file).mode & 0o777).toBe(0o600);
        expect(statSync(path.dirname(page.file)).mode & 0o777).toBe(0o700);
      }
      // What the opener is handed: the page's path, never the token.
      const [cmd, args] = openCommand(page.file, 'linux');
      expect([cmd, ...args].join(' ')).not.toContain('abc_DEF');
    } finally {
      page.remove();
    }
    expect(existsSync(path.dirname(page.file))).toBe(false);
  });
  it('uses each platform’s opener with the target as one argument', () => {
    expect(openCommand('/t/a b.html', 'win32')).toEqual(['rundll32', ['url.dll,FileProtocolHandler', '/t/a b.html']]);
    expect(openCommand('/t/a b.html', 'darwin')).toEqual(['open', ['/t/a b.html']]);
    expect(openCommand('file:///t/a%20b.html', 'linux')).toEqual(['xdg-open', ['file:///t/a%20b.html']]);
  });
});
