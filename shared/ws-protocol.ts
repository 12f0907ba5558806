// Browser mode's wire protocol between the local web server and the renderer's WebSocket client.
// One JSON object per WebSocket text message.

/** Path of the WebSocket endpoint on the local web server. */
export const WS_PATH = '/ws';

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
