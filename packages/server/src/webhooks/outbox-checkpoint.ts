import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { EndpointData } from './endpoint.js';
import type { DeliveryRow, EndpointRow, EventRow, IdempotencyRecord } from './outbox.js';

/**
 * The outbox's checkpoint: everything it has folded from the log, and the position it folded up
 * to, saved together so a restart resumes from there instead of from the log's first event. It
 * is derived state: a checkpoint that is missing, unreadable or of another version is ignored and
 * the outbox follows the log from the start, which is always correct, only slower.
 */

export interface OutboxState {
  readonly position: bigint;
  /** The event at `position`, so a checkpoint of another log (a restored or replaced file) is recognised. */
  readonly last: { readonly stream: string; readonly revision: bigint; readonly eventId: string };
  readonly endpoints: ReadonlyArray<readonly [string, EndpointRow]>;
  readonly events: ReadonlyArray<readonly [string, EventRow]>;
  readonly deliveries: ReadonlyArray<readonly [string, DeliveryRow]>;
  readonly deliveriesByEvent: ReadonlyArray<readonly [string, ReadonlyArray<string>]>;
  readonly pending: ReadonlyArray<string>;
  readonly sessionModes: ReadonlyArray<readonly [string, boolean]>;
  readonly keys: ReadonlyArray<readonly [string, IdempotencyRecord]>;
}

/** Where the checkpoint lives: `load` answers undefined when there is none worth using. */
export interface OutboxCheckpointStore {
  readonly load: () => OutboxState | undefined;
  readonly save: (state: OutboxState) => void;
}

const VERSION = 1;

// Bigints travel as decimal strings, field by field: rows hold the integrator's own strings
// (endpoint URLs, descriptions, metadata), so no marker inside a string could be trusted.
const big = (value: bigint) => value.toString();
const unbig = (value: unknown): bigint => {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new TypeError('not a decimal string');
  return BigInt(value);
};

const encodeState = (state: OutboxState) => ({
  v: VERSION,
  position: big(state.position),
  last: { stream: state.last.stream, revision: big(state.last.revision), eventId: state.last.eventId },
  endpoints: state.endpoints.map(([id, row]) => [id, { endpoint: row.endpoint, position: big(row.position), revision: big(row.revision) }]),
  events: state.events.map(([id, row]) => [id, { ...row, sessionRevision: big(row.sessionRevision), position: big(row.position) }]),
  deliveries: state.deliveries,
  deliveriesByEvent: state.deliveriesByEvent,
  pending: state.pending,
  sessionModes: state.sessionModes,
  keys: state.keys.map(([key, record]) => [key, { ...record, revision: big(record.revision) }]),
});

type Encoded = ReturnType<typeof encodeState>;

const pairs = (value: unknown, name: string, rowOk: (row: Record<string, unknown>) => boolean = () => true): void => {
  const ok =
    Array.isArray(value) &&
    value.every((entry) => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && (typeof entry[1] !== 'object' || entry[1] === null ? true : rowOk(entry[1] as Record<string, unknown>)));
  if (!ok) throw new TypeError(`${name} is not a list of [key, value] pairs`);
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every field checked before anything is restored: a checkpoint is all or nothing. */
const checkShape = (encoded: Record<string, unknown>): void => {
  pairs(encoded.endpoints, 'endpoints', (row) => isRecord(row.endpoint) && typeof row.endpoint.created === 'number' && typeof row.endpoint.livemode === 'boolean' && typeof row.endpoint.id === 'string');
  pairs(encoded.events, 'events', (row) => typeof row.id === 'string' && typeof row.created === 'number' && typeof row.livemode === 'boolean' && typeof row.type === 'string');
  pairs(encoded.deliveries, 'deliveries', (row) => typeof row.eventId === 'string' && typeof row.endpointId === 'string' && typeof row.attempts === 'number');
  pairs(encoded.deliveriesByEvent, 'deliveriesByEvent');
  pairs(encoded.sessionModes, 'sessionModes');
  pairs(encoded.keys, 'keys', (row) => typeof row.fingerprint === 'string' && typeof row.stream === 'string');
  if (!Array.isArray(encoded.pending) || !encoded.pending.every((key) => typeof key === 'string')) throw new TypeError('pending is not a list of strings');
  if (!isRecord(encoded.last) || typeof encoded.last.stream !== 'string' || typeof encoded.last.eventId !== 'string') throw new TypeError('last is not {stream, revision, eventId}');
};

const decodeState = (encoded: Encoded): OutboxState => {
  if (encoded.v !== VERSION) throw new TypeError(`checkpoint version ${String(encoded.v)}`);
  checkShape(encoded as unknown as Record<string, unknown>);
  return {
    position: unbig(encoded.position),
    last: { stream: encoded.last.stream, revision: unbig(encoded.last.revision), eventId: encoded.last.eventId },
    endpoints: encoded.endpoints.map(([id, row]) => [id as string, { endpoint: (row as { endpoint: EndpointData }).endpoint, position: unbig((row as { position: unknown }).position), revision: unbig((row as { revision: unknown }).revision) }] as const),
    events: encoded.events.map(([id, row]) => {
      const stored = row as unknown as EventRow & { sessionRevision: unknown; position: unknown };
      return [id as string, { ...stored, sessionRevision: unbig(stored.sessionRevision), position: unbig(stored.position) }] as const;
    }),
    deliveries: encoded.deliveries,
    deliveriesByEvent: encoded.deliveriesByEvent,
    pending: encoded.pending,
    sessionModes: encoded.sessionModes,
    keys: encoded.keys.map(([key, record]) => {
      const stored = record as unknown as IdempotencyRecord & { revision: unknown };
      return [key as string, { ...stored, revision: unbig(stored.revision) }] as const;
    }),
  };
};

/**
 * A checkpoint in one file, replaced atomically: written to a temporary file, flushed to disk,
 * then renamed over the old one, so a crash leaves either the old checkpoint or the new one.
 */
export const fileCheckpointStore = (file: string, onError: (error: unknown) => void = () => undefined): OutboxCheckpointStore => ({
  load: () => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      return decodeState(JSON.parse(text) as Encoded);
    } catch (error) {
      onError(new Error(`the webhook outbox checkpoint ${file} is unreadable and is ignored: ${error instanceof Error ? error.message : String(error)}`));
      return undefined;
    }
  },
  save: (state) => {
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, JSON.stringify(encodeState(state)));
    const descriptor = openSync(temporary, 'r');
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, file);
  },
});
