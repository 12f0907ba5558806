// Decodes OTLP/HTTP logs requests with the OpenTelemetry protocol definitions
// (opentelemetry-proto: collector/logs/v1 ExportLogsServiceRequest), as a collector would. The
// definitions come compiled by protobufjs in @opentelemetry/otlp-transformer 0.214.0 (the last
// release that shipped them as build/src/generated/root.js; installed under the alias
// otlp-proto-decoder, a devDependency), so the test does not trust the exporter's own encoder.
import generated from 'otlp-proto-decoder/build/src/generated/root.js';

/** protobufjs's toObject options (its IConversionOptions). */
type ConversionOptions = Record<string, unknown>;

interface MessageType {
  decode(bytes: Uint8Array): object;
  fromObject(json: object): object;
  verify(json: object): string | null;
  toObject(message: object, options: ConversionOptions): object;
}

const root = generated as unknown as {
  opentelemetry: { proto: { collector: { logs: { v1: { ExportLogsServiceRequest: MessageType } } } } };
};
const Request = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/** opentelemetry.proto.common.v1.AnyValue as decoded (int64 as decimal strings). */
export interface AnyValue { stringValue?: string; intValue?: string; boolValue?: boolean; doubleValue?: number; bytesValue?: string }
export interface KeyValue { key: string; value: AnyValue }
export interface LogRecord {
  timeUnixNano: string; observedTimeUnixNano: string; severityNumber: number; severityText: string; body: AnyValue;
  attributes: KeyValue[]; droppedAttributesCount: number; flags: number; traceId: string; spanId: string; eventName: string;
}
export interface ExportLogsServiceRequest {
  resourceLogs: Array<{
    resource: { attributes: KeyValue[]; droppedAttributesCount: number };
    schemaUrl: string;
    scopeLogs: Array<{ scope: { name: string; version: string; attributes: KeyValue[]; droppedAttributesCount: number }; schemaUrl: string; logRecords: LogRecord[] }>;
  }>;
}

// Every field present (proto3 defaults included), 64-bit integers as decimal strings, enums as
// numbers, bytes (trace / span ids) as hex, as the OTLP JSON mapping writes them.
const AS_PLAIN: ConversionOptions = { longs: String, enums: Number, bytes: String, defaults: true, arrays: true };

/**
 * One OTLP/HTTP request body, by its Content-Type: `application/x-protobuf` (binary protobuf)
 * or `application/json` (the OTLP JSON mapping). Throws on anything that is not a valid
 * ExportLogsServiceRequest in that encoding.
 */
export function decodeLogsRequest(contentType: string | undefined, body: Buffer): ExportLogsServiceRequest {
  let message: object;
  if (contentType === 'application/x-protobuf') {
    message = Request.decode(body);
  } else if (contentType === 'application/json') {
    // protobufjs's verify() wants numbers for 64-bit fields, where the JSON mapping writes
    // strings; fromObject converts them, and drops names it does not know, checked below.
    const json = JSON.parse(body.toString('utf8')) as object;
    message = Request.fromObject(json);
    const unknown = unknownKeys(json, Request.toObject(message, AS_PLAIN), '');
    if (unknown.length > 0) throw new Error(`not an ExportLogsServiceRequest: unknown fields ${unknown.join(', ')}`);
  } else {
    throw new Error(`unexpected Content-Type ${contentType}`);
  }
  const plain = Request.toObject(message, AS_PLAIN) as ExportLogsServiceRequest;
  // protobufjs gives bytes as base64; OTLP names trace and span ids in hex.
  for (const rl of plain.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        r.traceId = Buffer.from(r.traceId, 'base64').toString('hex');
        r.spanId = Buffer.from(r.spanId, 'base64').toString('hex');
      }
    }
  }
  return plain;
}

/** Keys of `json` (recursively) that the decoded message does not have: misspelt or unknown fields. */
function unknownKeys(json: unknown, decoded: unknown, path: string): string[] {
  if (typeof json !== 'object' || json === null) return [];
  const d = (decoded ?? {}) as Record<string, unknown>;
  return Object.entries(json).flatMap(([k, v]) => (k in d ? unknownKeys(v, d[k], `${path}.${k}`) : [`${path}.${k}`.slice(1)]));
}

/** An AnyValue's one value: a string, an integer (from intValue), a boolean or a double. */
export function anyValue(v: AnyValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  throw new Error(`not a scalar AnyValue: ${JSON.stringify(v)}`);
}

/** A KeyValue list as an object. */
export const keyValues = (list: KeyValue[]) => Object.fromEntries(list.map((a) => [a.key, anyValue(a.value)]));
