import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { customerEvents, decodeCustomerEvent, type CustomerEvent } from '../domain/customer/customer.js';
import { describeErrors, type EventDecodeError } from '../domain/shared/event-codec.js';
import {
  decodeVerificationSessionEvent,
  verificationSessionEvents,
  type VerificationSessionEvent,
} from '../domain/verification-session/events.js';
import type { CommandContext, EventMetadata, LedgerEvent } from './envelope.js';
import { EventMetadataC } from './envelope.js';
import type { EventToAppend, JsonValue, RecordedEvent } from './event-store/port.js';
import { SESSION_STREAM_PREFIX, CUSTOMER_STREAM_PREFIX } from './streams.js';

/**
 * The one boundary between domain events and stored events. The data codec is where stored
 * data may differ from domain data (encryption of personal fields plugs in here).
 */

export type LedgerDomainEvent = VerificationSessionEvent | CustomerEvent;

export interface DataCodec {
  readonly encode: (stream: string, type: string, data: JsonValue) => JsonValue;
  readonly decode: (stream: string, type: string, data: JsonValue) => unknown;
}

export const plainDataCodec: DataCodec = { encode: (_stream, _type, data) => data, decode: (_stream, _type, data) => data };

const schemaVersions = new Map<string, number>(
  [...verificationSessionEvents, ...customerEvents].map((definition) => [definition.type, definition.schemaVersion]),
);

export type DeserializeError = EventDecodeError | { readonly _tag: 'InvalidEventMetadata'; readonly type: string; readonly problems: ReadonlyArray<string> };

export interface EventSerializer {
  readonly serialize: (stream: string, event: LedgerDomainEvent, context: CommandContext, occurredAt: Date, eventId: string) => EventToAppend;
  readonly deserialize: (recorded: RecordedEvent) => E.Either<DeserializeError, LedgerEvent<LedgerDomainEvent>>;
}

export const createEventSerializer = (dataCodec: DataCodec = plainDataCodec): EventSerializer => ({
  serialize: (stream, event, context, occurredAt, eventId) => {
    const schemaVersion = schemaVersions.get(event.type);
    if (schemaVersion === undefined) throw new TypeError(`No codec registered for event type ${event.type}`);
    const metadata: EventMetadata = {
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
    return {
      id: eventId,
      type: event.type,
      data: dataCodec.encode(stream, event.type, toJson(event.data)),
      metadata: metadata as unknown as JsonValue,
    };
  },
  deserialize: (recorded): E.Either<DeserializeError, LedgerEvent<LedgerDomainEvent>> =>
    pipe(
      EventMetadataC.decode(recorded.metadata),
      E.mapLeft((errors): DeserializeError => ({ _tag: 'InvalidEventMetadata', type: recorded.type, problems: describeErrors(errors) })),
      E.chainW((metadata) =>
        pipe(
          decodeDomainEvent(recorded.streamName, recorded.type, metadata.schema_version, dataCodec.decode(recorded.streamName, recorded.type, recorded.data)),
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
            },
          })),
        ),
      ),
    ),
});

const decodeDomainEvent = (stream: string, type: string, schemaVersion: number, data: unknown): E.Either<EventDecodeError, LedgerDomainEvent> => {
  if (stream.startsWith(SESSION_STREAM_PREFIX)) return decodeVerificationSessionEvent(type, schemaVersion, data);
  if (stream.startsWith(CUSTOMER_STREAM_PREFIX)) return decodeCustomerEvent(type, schemaVersion, data);
  return E.left({ _tag: 'UnknownEventType', type });
};

/** Domain data is plain JSON by construction; this drops `undefined` members the way storage would. */
const toJson = (data: unknown): JsonValue => JSON.parse(JSON.stringify(data)) as JsonValue;
