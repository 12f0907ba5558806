// The one Content-Security-Policy for the UI, whether it is served by the Electron app's custom
// protocol or by the local web server in browser mode. Everything is same-origin: no inline
// script, no eval, no remote hosts; the WebSocket of browser mode is same-origin too.

export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
} as const satisfies Record<string, readonly string[]>;

export function buildCsp(directives: Record<string, readonly string[]> = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** `default-src 'self'; script-src 'self'; …` — send as the Content-Security-Policy header. */
export const CONTENT_SECURITY_POLICY = buildCsp();

/** Headers that go with every UI response besides the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
