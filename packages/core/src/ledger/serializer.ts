import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { customerEvents, decodeCustomerEvent, redactCustomerEvent, type CustomerEvent } from '../domain/customer/customer.js';
import { sameData } from '../domain/shared/equal.js';
import { describeErrors, type DomainEvent, type EventDecodeError } from '../domain/shared/event-codec.js';
import {
  decodeVerificationSessionEvent,
  verificationSessionEvents,
  type VerificationSessionEvent,
} from '../domain/verification-session/events.js';
import { redactSessionEvent } from '../domain/verification-session/personal-data.js';
import type { CommandContext, EventMetadata, LedgerEvent } from './envelope.js';
import { EventMetadataC } from './envelope.js';
import type { EventToAppend, JsonValue, RecordedEvent } from './event-store/port.js';
import { type OpenedData, type PersonalDataCodec, type PersonalDataError } from './personal-data/sealed-data.js';
import { CHECKPOINT_STREAM, COMPLIANCE_STREAM_PREFIX, SESSION_STREAM_PREFIX, CUSTOMER_STREAM_PREFIX } from './streams.js';
import { complianceEvents, decodeComplianceEvent, type ComplianceEvent } from '../domain/compliance/compliance.js';
import { checkpointEvents, decodeCheckpointEvent, type CheckpointEvent } from '../domain/ledger-checkpoint.js';
import { chainLink, eventHeader, newPayloadSalt, type ChainPosition } from './integrity.js';
import { toBase64 } from '@idledger/integrity';

/**
 * The one boundary between domain events and stored events. Personal data is where stored data
 * differs from domain data: an event carrying any is stored redacted, with its original sealed
 * under the subject's data key (see personal-data/).
 */

export type LedgerDomainEvent = VerificationSessionEvent | CustomerEvent | CheckpointEvent | ComplianceEvent;

const redactEvent = (stream: string, event: LedgerDomainEvent): LedgerDomainEvent => {
  if (stream.startsWith(SESSION_STREAM_PREFIX)) return redactSessionEvent(event as VerificationSessionEvent);
  if (stream.startsWith(CUSTOMER_STREAM_PREFIX)) return redactCustomerEvent(event as CustomerEvent);
  return event;
};

const schemaVersions = new Map<string, number>(
  [...verificationSessionEvents, ...customerEvents, ...checkpointEvents, ...complianceEvents].map((definition) => [definition.type, definition.schemaVersion]),
);

export type DeserializeError =
  | EventDecodeError
  | { readonly _tag: 'InvalidEventMetadata'; readonly type: string; readonly problems: ReadonlyArray<string> }
  | { readonly _tag: 'PersonalDataUnreadable'; readonly type: string; readonly error: PersonalDataError };

/** What a serializer must know of the events it carries. */
export interface EventCatalog<Event extends DomainEvent> {
  readonly schemaVersion: (type: string) => number | undefined;
  readonly decode: (stream: string, type: string, schemaVersion: number, data: unknown) => E.Either<EventDecodeError, Event>;
  /** The event with its personal values replaced by placeholders (itself when it holds none). */
  readonly redact: (stream: string, event: Event) => Event;
}

export interface EventSerializer<Event extends DomainEvent = LedgerDomainEvent> {
  /** `at`: the event's place in its stream's hash chain (`CHAIN_START`, then `nextInChain` of the one before). */
  readonly serialize: (
    stream: string,
    event: Event,
    context: CommandContext,
    occurredAt: Date,
    eventId: string,
    at: ChainPosition,
  ) => EventToAppend;
  readonly deserialize: (recorded: RecordedEvent) => E.Either<DeserializeError, LedgerEvent<Event>>;
  /** `deserialize` of each, their personal data opened under one view of the keys (see `KeyStore.snapshot`). */
  readonly deserializeMany?: (recorded: ReadonlyArray<RecordedEvent>) => ReadonlyArray<E.Either<DeserializeError, LedgerEvent<Event>>>;
  /** The stored data opened: its clear form and whether its sealed personal payload is there, erased, or never existed. */
  readonly open: (recorded: RecordedEvent) => E.Either<PersonalDataError, OpenedData>;
}

const runNow = <A>(read: () => A): A => read();

const deserializer =
  <Event extends DomainEvent>(catalog: EventCatalog<Event>, personalData: PersonalDataCodec) =>
  (recorded: RecordedEvent): E.Either<DeserializeError, LedgerEvent<Event>> =>
    pipe(
      EventMetadataC.decode(recorded.metadata),
      E.mapLeft((errors): DeserializeError => ({ _tag: 'InvalidEventMetadata', type: recorded.type, problems: describeErrors(errors) })),
      E.chainW((metadata) =>
        pipe(
          personalData.open(recorded.id, recorded.data),
          E.mapLeft((error): DeserializeError => ({ _tag: 'PersonalDataUnreadable', type: recorded.type, error })),
          E.chainW((opened) => catalog.decode(recorded.streamName, recorded.type, metadata.schema_version, opened.data)),
          E.map((event) => ({
            event,
            envelope: {
              eventId: recorded.id,
              stream: recorded.streamName,
              revision: recorded.revision,
              position: recorded.position,
              occurredAt: new Date(metadata.occurred_at),
              recordedAt: recorded.recordedAt,
              schemaVersion: metadata.schema_version,
              actor: metadata.actor,
              requestId: metadata.request_id,
              correlationId: metadata.correlation_id,
              causationId: metadata.causation_id,
              idempotencyKey: metadata.idempotency_key ?? null,
              requestFingerprint: metadata.request_fingerprint ?? null,
              integrity: metadata.integrity ?? null,
            },
          })),
        ),
      ),
    );

/**
 * The serializer of any catalog of events: envelope, chain link, and personal data sealed by
 * `personalData` wherever the catalog's redacted form differs from the event. The codec has no
 * default: the chain commits to the redacted form with a salted commitment, so an event whose
 * personal data is stored in clear (`plainPersonalData`) by mistake can never verify.
 */
export const serializerFor = <Event extends DomainEvent>(
  catalog: EventCatalog<Event>,
  personalData: PersonalDataCodec,
): EventSerializer<Event> => ({
  open: (recorded) => personalData.open(recorded.id, recorded.data),
  serialize: (stream, event, context, occurredAt, eventId, at) => {
    const schemaVersion = catalog.schemaVersion(event.type);
    if (schemaVersion === undefined) throw new TypeError(`No codec registered for event type ${event.type}`);
    const metadata: Omit<EventMetadata, 'integrity'> = {
      schema_version: schemaVersion,
      occurred_at: occurredAt.toISOString() as EventMetadata['occurred_at'],
      actor: context.actor,
      request_id: context.requestId,
      correlation_id: context.correlationId,
      causation_id: context.causationId,
      ...(context.idempotency
        ? { idempotency_key: context.idempotency.key, request_fingerprint: context.idempotency.fingerprint }
        : {}),
    };
    const data = toJson(event.data);
    const redacted = toJson(catalog.redact(stream, event).data);
    const payload = sameData(data, redacted) ? null : { salt: newPayloadSalt(), data };
    const header = eventHeader({ eventId, type: event.type, stream, revision: at.revision, metadata, publicData: redacted });
    const integrity = chainLink(header, at, payload, stream);
    return {
      id: eventId,
      type: event.type,
      data: payload === null ? data : personalData.seal(stream, eventId, { salt: toBase64(payload.salt), data }, redacted),
      metadata: { ...metadata, integrity } as unknown as JsonValue,
    };
  },
  deserialize: deserializer(catalog, personalData),
  deserializeMany: (records) => (personalData.openingMany ?? runNow)(() => records.map(deserializer(catalog, personalData))),
});

/** The ledger's own events: sessions, customers, checkpoints and compliance records. */
const ledgerCatalog: EventCatalog<LedgerDomainEvent> = {
  schemaVersion: (type) => schemaVersions.get(type),
  decode: (stream, type, schemaVersion, data) => decodeDomainEvent(stream, type, schemaVersion, data),
  redact: redactEvent,
};

export const createEventSerializer = (personalData: PersonalDataCodec): EventSerializer => serializerFor(ledgerCatalog, personalData);

const decodeDomainEvent = (stream: string, type: string, schemaVersion: number, data: unknown): E.Either<EventDecodeError, LedgerDomainEvent> => {
  if (stream.startsWith(SESSION_STREAM_PREFIX)) return decodeVerificationSessionEvent(type, schemaVersion, data);
  if (stream.startsWith(CUSTOMER_STREAM_PREFIX)) return decodeCustomerEvent(type, schemaVersion, data);
  if (stream === CHECKPOINT_STREAM) return decodeCheckpointEvent(type, schemaVersion, data);
  if (stream.startsWith(COMPLIANCE_STREAM_PREFIX)) return decodeComplianceEvent(type, schemaVersion, data);
  return E.left({ _tag: 'UnknownEventType', type });
};

/** Domain data is plain JSON by construction; this drops `undefined` members the way storage would. */
const toJson = (data: unknown): JsonValue => JSON.parse(JSON.stringify(data)) as JsonValue;

/** The chain hash the serializer put into an event it produced. */
export const chainHashOf = (serialized: EventToAppend): string => {
  const integrity = (serialized.metadata as { readonly integrity?: { readonly hash?: unknown } }).integrity;
  if (typeof integrity?.hash !== 'string') throw new TypeError(`event ${serialized.id} carries no chain hash`);
  return integrity.hash;
};
