// The WebSocket protocol: parses client messages, validates every argument, calls the engine or a
// service, and shapes the reply. Transport-free so it can be tested without sockets.
import {
  IpcArgumentError,
  PAUSE_REFUSED_WHILE_RECORDING,
  validateBoolean,
  validateHistoryLimit,
  validateInterval,
  validateNoArgs,
  type ActionResult,
  type NetmonBridge,
  type RecordingStatus,
} from '../../shared/ipc';
import { validateAddressList, validateCloseTarget, validateEndProcessTarget, validatePid, validateRecordingArgs } from '../../shared/validate';
import { findFractionalWhole, WHOLE, wholeFaultText, wholeItems, wholeObject, type WholeSchema } from '../../shared/whole-literals';
import type { WsCall, WsServerMessage } from '../../shared/ws-protocol';
import type { EngineHost } from '../engine/types';
import type { ServerActions, ServerRecorder, ServerResolver } from './types';

/** Every NetmonBridge method a client may call (onBatch is the stream, not a call). */
export type CallMethod = Exclude<keyof NetmonBridge, 'onBatch' | 'onRecording'>;

/** What getRecording answers where no recorder is wired. */
const NOT_RECORDING: RecordingStatus = { active: false, path: null, format: 'ndjson', error: null };

export type ClientMessage = WsCall;
export type ServerMessage = WsServerMessage;

export const BROWSER_RESTART_REFUSAL: ActionResult = {
  ok: false,
  reason: 'only the desktop app can restart elevated',
};

export interface RpcDeps {
  engine: EngineHost;
  actions?: ServerActions;
  resolver?: ServerResolver;
  recorder?: ServerRecorder;
}

type Handler = (args: unknown[]) => Promise<unknown>;

function need<T>(svc: T | undefined, what: string): T {
  if (!svc) throw new Error(`${what} is not available in this server`);
  return svc;
}

function arity(args: unknown[], n: number): void {
  if (args.length !== n) throw new IpcArgumentError(`expected ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}

export function createHandlers(deps: RpcDeps): Record<CallMethod, Handler> {
  const { engine } = deps;
  return {
    getSnapshot: async (a) => (validateNoArgs(a), engine.getSnapshot()),
    getHistory: async (a) => {
      if (a.length > 1) throw new IpcArgumentError(`expected 0 or 1 arguments, got ${a.length}`);
      return engine.getHistory(validateHistoryLimit(a[0]));
    },
    getTimeline: async (a) => (validateNoArgs(a), engine.getTimeline()),
    getPortUsage: async (a) => (validateNoArgs(a), engine.getPortUsage()),
    getStatus: async (a) => (validateNoArgs(a), engine.getStatus()),
    setPaused: async (a) => {
      arity(a, 1);
      const paused = validateBoolean(a[0], 'paused');
      if (paused && deps.recorder?.isActive?.()) throw new Error(PAUSE_REFUSED_WHILE_RECORDING);
      return engine.setPaused(paused);
    },
    setInterval: async (a) => (arity(a, 1), engine.setInterval(validateInterval(a[0]))),
    getProcessDetails: async (a) => {
      arity(a, 1);
      return need(deps.actions, 'process details').getProcessDetails(validatePid(a[0]));
    },
    closeConnection: async (a) => {
      arity(a, 1);
      return need(deps.actions, 'closing connections').closeConnection(validateCloseTarget(a[0]));
    },
    endProcess: async (a) => {
      arity(a, 1);
      return need(deps.actions, 'ending processes').endProcess(validateEndProcessTarget(a[0]));
    },
    resolveAddresses: async (a) => {
      arity(a, 1);
      return need(deps.resolver, 'name resolution').resolve(validateAddressList(a[0]));
    },
    setRecording: async (a) => {
      if (a.length < 1 || a.length > 2) throw new IpcArgumentError(`expected 1 or 2 arguments, got ${a.length}`);
      const { active, format } = validateRecordingArgs(a[0], a[1]);
      return need(deps.recorder, 'recording').setRecording(active, format);
    },
    getRecording: async (a) => (validateNoArgs(a), deps.recorder?.status?.() ?? NOT_RECORDING),
    restartAsAdmin: async (a) => (validateNoArgs(a), BROWSER_RESTART_REFUSAL),
  };
}

function isId(v: unknown): v is number | string {
  return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 64);
}

/** A call whose arguments are each `arg`. */
const callArgs = (arg: WholeSchema): WholeSchema => wholeObject({ args: wholeItems(arg) });

/**
 * Where each call's validators read whole numbers (validateInterval, validateHistoryLimit,
 * validatePid, validateEndProcessTarget, validateCloseTarget): a frame that writes one with a
 * fraction or an exponent (1000.0, which JSON.parse reads as 1000) is refused, as every JSON text
 * netmon reads from outside is (shared/whole-literals.ts). A Map: a method named `__proto__` finds nothing.
 */
const WHOLE_ARGS: ReadonlyMap<string, WholeSchema> = new Map<CallMethod, WholeSchema>([
  ['getHistory', callArgs(WHOLE)],
  ['setInterval', callArgs(WHOLE)],
  ['getProcessDetails', callArgs(WHOLE)],
  ['endProcess', callArgs(wholeObject({ pid: WHOLE }))],
  ['closeConnection', callArgs(wholeObject({ family: WHOLE, localPort: WHOLE, remotePort: WHOLE }))],
]);

/** Parses one client message; throws with a reason fit for the error reply. */
export function parseClientMessage(text: string): ClientMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    throw new Error('message is not valid JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new Error('message must be a JSON object');
  const m = msg as Record<string, unknown>;
  if (m.kind !== 'call') throw new Error('message kind must be "call"');
  if (!isId(m.id)) throw new Error('message id must be a number or a short string');
  if (typeof m.method !== 'string') throw new Error('message method must be a string');
  const args = m.args === undefined ? [] : m.args;
  if (!Array.isArray(args)) throw new Error('message args must be an array');
  const whole = WHOLE_ARGS.get(m.method);
  const fraction = whole === undefined ? null : findFractionalWhole(text, whole);
  if (fraction !== null) throw new Error(`${fraction.path}: ${wholeFaultText(fraction)}`);
  return { kind: 'call', id: m.id, method: m.method, args };
}

/** The id of a message that failed to parse, when it has a usable one (so the client can match). */
function salvageId(text: string): number | string | null {
  try {
    const m = JSON.parse(text) as { id?: unknown };
    return m && typeof m === 'object' && isId(m.id) ? m.id : null;
  } catch {
    return null;
  }
}

/** The method a raw message names, or null when it names none (not JSON, no string method). Never throws. */
export function methodOf(text: string): string | null {
  try {
    const m = JSON.parse(text) as { method?: unknown } | null;
    return !!m && typeof m === 'object' && typeof m.method === 'string' ? m.method : null;
  } catch {
    return null;
  }
}

/** Calls whose reply is the whole table or the run's history: one at a time per client. */
export const HEAVY_METHODS: ReadonlySet<string> = new Set(['getSnapshot', 'getHistory'] satisfies CallMethod[]);

/**
 * Calls whose reply grows with the table or the run (the heavy ones, the timeline, port usage):
 * a few at a time across all clients, and none for a client gone before its turn (server.ts).
 */
export const BULK_METHODS: ReadonlySet<string> = new Set([...HEAVY_METHODS, ...(['getTimeline', 'getPortUsage'] satisfies CallMethod[])]);

/** An error reply to a message that is refused unread (its id salvaged when it has one). */
export function refusal(text: string, reason: string): ServerMessage {
  return { kind: 'reply', id: salvageId(text), ok: false, error: reason };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Handles one raw client message end to end; never throws. */
export async function handleClientMessage(
  text: string,
  handlers: Record<CallMethod, Handler>,
): Promise<ServerMessage> {
  let call: ClientMessage;
  try {
    call = parseClientMessage(text);
  } catch (e) {
    return refusal(text, errorText(e));
  }
  if (!Object.prototype.hasOwnProperty.call(handlers, call.method)) {
    return { kind: 'reply', id: call.id, ok: false, error: `unknown method ${JSON.stringify(call.method.slice(0, 40))}` };
  }
  try {
    const result = await handlers[call.method as CallMethod](call.args);
    return { kind: 'reply', id: call.id, ok: true, result: result ?? null };
  } catch (e) {
    return { kind: 'reply', id: call.id, ok: false, error: errorText(e) };
  }
}
