import * as t from 'io-ts';
import type { GlobalPosition, StreamRevision } from './event-store/port.js';

/**
 * What the ledger records around every domain event, in the stored event's metadata. Domain code
 * never sees it. `integrity` holds the event's link in its stream's hash chain; personal data is
 * sealed by the serializer, so neither touches domain code.
 */

export const ActorC = t.union([
  /** `key` is a label such as `sk_test_…4242`: never the secret itself. */
  t.type({ type: t.literal('api_key'), key: t.string }),
  t.type({ type: t.literal('end_user'), session: t.string }),
  t.type({ type: t.literal('system'), component: t.string }),
]);
export type Actor = t.TypeOf<typeof ActorC>;

interface IsoTimeBrand {
  readonly IsoTime: unique symbol;
}
/** An ISO 8601 time that parses to a real date. */
const IsoTimeC = t.brand(t.string, (value): value is t.Branded<string, IsoTimeBrand> => !Number.isNaN(Date.parse(value)), 'IsoTime');

const HexDigestC = t.refinement(t.string, (value) => /^[0-9a-f]{64}$/.test(value), 'HexDigest');

/**
 * The event's link in its stream's hash chain (see ledger/integrity.ts): the salted commitment
 * to its personal payload, which outlives the payload, and the chain hash itself.
 */
export const IntegrityC = t.type({ v: t.literal(1), commitment: HexDigestC, hash: HexDigestC });
export type Integrity = t.TypeOf<typeof IntegrityC>;

export const EventMetadataC = t.intersection([
  t.type({
    schema_version: t.number,
    occurred_at: IsoTimeC,
    actor: ActorC,
    request_id: t.union([t.string, t.null]),
    correlation_id: t.string,
    causation_id: t.union([t.string, t.null]),
  }),
  t.partial({
    idempotency_key: t.string,
    /** Fingerprint of the request that used `idempotency_key`, to refuse its reuse with other params. */
    request_fingerprint: t.string,
    integrity: IntegrityC,
  }),
]);
export type EventMetadata = t.TypeOf<typeof EventMetadataC>;

/** Who asked, and on behalf of which request: the same for every event one command appends. */
export interface CommandContext {
  readonly actor: Actor;
  readonly requestId: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
}

export interface Envelope {
  readonly eventId: string;
  readonly stream: string;
  readonly revision: StreamRevision;
  readonly position: GlobalPosition;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  readonly schemaVersion: number;
  readonly actor: Actor;
  readonly requestId: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly idempotencyKey: string | null;
  readonly requestFingerprint: string | null;
  /** Null only for events written before the chain existed. */
  readonly integrity: Integrity | null;
}

export interface LedgerEvent<Event> {
  readonly event: Event;
  readonly envelope: Envelope;
}

export const labelApiKey = (key: string): string => {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  return `${prefix}…${key.slice(-4)}`;
};
