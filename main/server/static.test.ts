// Each traversal guard of the static file server on its own: an input only that guard catches.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasDotDotSegment, isContained, resolveStaticPath } from './static';

describe('static path guards, one at a time', () => {
  it('the `..` segment guard refuses a path that would resolve back inside the root', () => {
    // `a/../index.html` is root/index.html: containment alone would allow it.
    expect(isContained('/srv/r', path.posix.resolve('/srv/r', 'a/../index.html'), path.posix)).toBe(true);
    expect(hasDotDotSegment('/a/../index.html')).toBe(true);
    expect(resolveStaticPath('/srv/r', '/a/../index.html', path.posix)).toEqual({ ok: false, status: 403 });
    expect(resolveStaticPath('/srv/r', '/a/%2e%2e/index.html', path.posix)).toEqual({ ok: false, status: 403 });
    // Dots that are not a whole segment are names, not traversal.
    expect(hasDotDotSegment('/a..b/..c/c..')).toBe(false);
    expect(resolveStaticPath('/srv/r', '/a..b', path.posix)).toEqual({ ok: true, file: '/srv/r/a..b' });
  });

  it('the containment guard refuses a Windows drive path that has no `..` segment', () => {
    const root = 'C:\\Program Files\\netmon\\renderer';
    expect(hasDotDotSegment('/C:/Windows/win.ini')).toBe(false);
    expect(resolveStaticPath(root, '/C:/Windows/win.ini', path.win32)).toEqual({ ok: false, status: 403 });
    expect(resolveStaticPath(root, '/D:/x', path.win32)).toEqual({ ok: false, status: 403 });
    // A sibling directory sharing the root's name as a prefix is outside too.
    expect(isContained('C:\\app\\renderer', 'C:\\app\\renderer-old\\a.js', path.win32)).toBe(false);
    expect(isContained('/srv/r', '/srv/rr/a.js', path.posix)).toBe(false);
    expect(resolveStaticPath(root, '/assets/a.js', path.win32)).toEqual({ ok: true, file: `${root}\\assets\\a.js` });
  });
});
