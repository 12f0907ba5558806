// Browser mode's wire protocol between the local web server and the renderer's WebSocket client.
// One JSON object per WebSocket text message.

/** Path of the WebSocket endpoint on the local web server. */
export const WS_PATH = '/ws';

/** The subprotocol netmon speaks; the server selects it (never the token entry) on the handshake. */
export const WS_SUBPROTOCOL = 'netmon.v1';

/**
 * Prefix of the `Sec-WebSocket-Protocol` entry (RFC 6455 §4.1) that carries the run's token. A
 * header on this one handshake reaches only this server, unlike a cookie, which browsers send to
 * every port of 127.0.0.1. Tokens are base64url, whose characters are all RFC 9110 `tchar`s.
 */
export const WS_TOKEN_PREFIX = 'netmon.token.';

/** The subprotocol list a client offers: `new WebSocket(url, wsProtocols(token))`. */
export function wsProtocols(token: string): string[] {
  return [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${token}`];
}

/** client → server: one NetmonBridge method call. */
export interface WsCall {
  kind: 'call';
  id: number | string;
  method: string;
  args: unknown[];
}

/** server → client: one poll's EventBatch (its JSON string, as the Electron IPC sends it), or a call's reply. */
export type WsServerMessage =
  | { kind: 'batch'; data: string }
  | { kind: 'reply'; id: number | string | null; ok: true; result: unknown }
  | { kind: 'reply'; id: number | string | null; ok: false; error: string };
