// Argument validators for the action IPC calls (Electron handlers and the local web server run
// every renderer-supplied value through these before anything reaches the OS). Each returns a
// fresh, plain value built from what it checked, so nothing the caller still holds (a getter, a
// prototype, a later mutation) can change what is acted on.
import { IpcArgumentError, MAX_RESOLVE_BATCH, type CloseTarget, type EndProcessTarget, type RecordingStatus } from './ipc';
import { ipFamily } from './ip';

const MAX_U32 = 0xffffffff;

/**
 * The latest time a JavaScript Date can hold (ECMA-262 §21.4.1.22 TimeClip: ±8.64e15 ms, about
 * the year 275760). A larger number turned into a Date makes an Invalid Date, whose toISOString
 * throws "Invalid time value".
 */
export const MAX_EPOCH_MS = 8.64e15;

/** True for an epoch-ms time from 1970 on that a Date can hold (0 ≤ ms ≤ MAX_EPOCH_MS). */
export function isEpochMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_EPOCH_MS;
}

export function validatePid(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new IpcArgumentError(`pid must be an integer, got ${describe(value)}`);
  }
  if (value < 0 || value > MAX_U32) throw new IpcArgumentError(`pid must be between 0 and ${MAX_U32}, got ${value}`);
  return value;
}

function validatePort(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    throw new IpcArgumentError(`${what} must be an integer port 0..65535, got ${describe(value)}`);
  }
  return value;
}

const END_TARGET_KEYS = ['pid', 'startTime'] as const;

/** An EndProcessTarget: `{ pid, startTime }`, startTime epoch ms (0..MAX_EPOCH_MS) or null. */
export function validateEndProcessTarget(value: unknown): EndProcessTarget {
  const fields = ownDataFields(value, 'end-process target', END_TARGET_KEYS);
  const st = fields.startTime;
  if (st !== null && !isEpochMs(st)) {
    throw new IpcArgumentError(`end-process target startTime must be epoch ms or null (0 to ${MAX_EPOCH_MS}, a time a Date can hold), got ${describe(st)}`);
  }
  return { pid: validatePid(fields.pid), startTime: st };
}

const CLOSE_TARGET_KEYS = ['family', 'localAddress', 'localPort', 'remoteAddress', 'remotePort'] as const;

export function validateCloseTarget(value: unknown): CloseTarget {
  const fields = ownDataFields(value, 'close target', CLOSE_TARGET_KEYS);
  const family = fields.family;
  if (family !== 4 && family !== 6) throw new IpcArgumentError(`close target family must be 4 or 6, got ${describe(family)}`);
  const address = (v: unknown, what: string): string => {
    const f = ipFamily(v);
    if (f === null) throw new IpcArgumentError(`close target ${what} is not an IP address: ${describe(v)}`);
    if (f !== family) throw new IpcArgumentError(`close target ${what} is an IPv${f} address but family is ${family}`);
    return v as string;
  };
  return {
    family,
    localAddress: address(fields.localAddress, 'localAddress'),
    localPort: validatePort(fields.localPort, 'close target localPort'),
    remoteAddress: address(fields.remoteAddress, 'remoteAddress'),
    remotePort: validatePort(fields.remotePort, 'close target remotePort'),
  };
}

export function validateAddressList(value: unknown): string[] {
  if (!Array.isArray(value)) throw new IpcArgumentError(`addresses must be an array of IP address strings, got ${describe(value)}`);
  // Length first: a hostile array is refused before it is walked.
  if (value.length > MAX_RESOLVE_BATCH) {
    throw new IpcArgumentError(`at most ${MAX_RESOLVE_BATCH} addresses per call, got ${value.length}`);
  }
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const desc = Object.getOwnPropertyDescriptor(value, i);
    const item: unknown = desc && 'value' in desc ? desc.value : undefined;
    if (ipFamily(item) === null) throw new IpcArgumentError(`addresses[${i}] is not an IP address: ${describe(item)}`);
    out.push(item as string);
  }
  return out;
}

export function validateRecordingArgs(active: unknown, format: unknown): { active: boolean; format: RecordingStatus['format'] } {
  if (typeof active !== 'boolean') throw new IpcArgumentError(`recording active must be true or false, got ${describe(active)}`);
  if (format === undefined) return { active, format: 'ndjson' };
  if (format !== 'ndjson' && format !== 'csv') {
    throw new IpcArgumentError(`recording format must be "ndjson" or "csv", got ${describe(format)}`);
  }
  return { active, format };
}

/**
 * The named fields of a plain object, read as own data properties: refuses class instances,
 * arrays, missing or extra keys (`__proto__`, `constructor` arriving as own keys included),
 * symbol keys and accessors.
 */
function ownDataFields<K extends string>(value: unknown, what: string, keys: readonly K[]): Record<K, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new IpcArgumentError(`${what} must be an object, got ${describe(value)}`);
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new IpcArgumentError(`${what} must be a plain object`);
  if (Object.getOwnPropertySymbols(value).length > 0) throw new IpcArgumentError(`${what} has unexpected symbol keys`);
  const names = Object.getOwnPropertyNames(value);
  const extra = names.filter((n) => !(keys as readonly string[]).includes(n));
  if (extra.length > 0) {
    throw new IpcArgumentError(`${what} has unexpected key(s): ${extra.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`);
  }
  const out = Object.create(null) as Record<K, unknown>;
  for (const k of keys) {
    const desc = Object.getOwnPropertyDescriptor(value, k);
    if (!desc) throw new IpcArgumentError(`${what} is missing ${k}`);
    if (!('value' in desc)) throw new IpcArgumentError(`${what}.${k} must be a plain value`);
    out[k] = desc.value;
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.slice(0, 60))}${v.length > 60 ? '…' : ''}`;
  if (typeof v === 'number') return String(v);
  return `a ${typeof v}`;
}
