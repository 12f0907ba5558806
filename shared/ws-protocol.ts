// Browser mode's wire protocol between the local web server and the renderer's WebSocket client.
// One JSON object per WebSocket text message.
import type { EventBatch, RecordingStatus } from './ipc';

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

/**
 * WebSocket close code 1013 "Try Again Later" (RFC 6455 §7.4, IANA registry): the server turns a
 * client away for load — too many clients, or this one too slow to read — and a later retry may
 * succeed. The reason says which; a reason that starts with WS_TOO_MANY_CLIENTS is the client cap.
 */
export const WS_TRY_AGAIN_LATER = 1013;
export const WS_TOO_MANY_CLIENTS = 'too many clients';

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

/**
 * server → client: one poll's EventBatch, a call's reply, or the recording's new state (sent to every
 * client on each change, whichever client caused it). A batch message is BATCH_FRAME_PREFIX,
 * the batch's JSON as the engine encoded it, and `}` (see batchFrame): a client takes the batch out
 * with batchJsonOf, one slice and no parse of the whole message (a poll's counter updates make it
 * ~1 MB, which a string inside the message made the page parse twice).
 */
export type WsServerMessage =
  | { kind: 'batch'; batch: EventBatch }
  | { kind: 'recording'; status: RecordingStatus }
  | { kind: 'reply'; id: number | string | null; ok: true; result: unknown }
  | { kind: 'reply'; id: number | string | null; ok: false; error: string };

/** How every batch message starts (the key order is fixed: clients match these bytes). */
export const BATCH_FRAME_PREFIX = '{"kind":"batch","batch":';

/** The batch message for an encoded EventBatch (`batchJson`: its JSON text, one object). */
export function batchFrame(batchJson: string): string {
  return `${BATCH_FRAME_PREFIX}${batchJson}}`;
}

/**
 * The EventBatch JSON inside a batch message, or null when `text` is not one (a reply). Not
 * validated: the caller's decodeBatch parses it and rejects what is not a batch.
 */
export function batchJsonOf(text: string): string | null {
  return text.startsWith(BATCH_FRAME_PREFIX) && text.endsWith('}') ? text.slice(BATCH_FRAME_PREFIX.length, -1) : null;
}
