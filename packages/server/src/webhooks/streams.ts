import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { identityError, type Decider, type DomainEvent, type EventDecodeError, type IdentityError } from '@idledger/core/domain';
import {
  CHAIN_START,
  GENESIS,
  chainHashOf,
  chainedEvent,
  type ChainPosition,
  type JsonValue,
  EventMetadataC,
  storeErrorToIdentityError,
  type CommandContext,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type GlobalPosition,
  type RecordedEvent,
  type StreamRevision,
} from '@idledger/core/ledger';

/**
 * Load–decide–append for the server's own streams (webhook endpoints, deliveries), with the
 * same envelope as every ledger event: actor, request id, idempotency key and fingerprint.
 */

export interface StoredEvent<Event> {
  readonly event: Event;
  readonly metadata: EventMetadata;
  readonly revision: StreamRevision;
}

export interface StreamCodec<Event extends DomainEvent> {
  readonly decode: (type: string, schemaVersion: number, data: unknown) => E.Either<EventDecodeError, Event>;
  readonly schemaVersion: (type: string) => number | undefined;
}

export const decodeStored = <Event extends DomainEvent>(codec: StreamCodec<Event>, recorded: RecordedEvent): E.Either<string, StoredEvent<Event>> => {
  const metadata = EventMetadataC.decode(recorded.metadata);
  if (E.isLeft(metadata)) return E.left(`invalid metadata on ${recorded.streamName}@${recorded.revision}`);
  const event = codec.decode(recorded.type, metadata.right.schema_version, recorded.data);
  if (E.isLeft(event)) return E.left(`undecodable ${recorded.type} on ${recorded.streamName}@${recorded.revision}`);
  return E.right({ event: event.right, metadata: metadata.right, revision: recorded.revision });
};

const corrupt = (reason: string): IdentityError => identityError({ type: 'api_error', code: 'api_error', message: `The ledger holds an unreadable event: ${reason}` });

export const readHistory = <Event extends DomainEvent>(store: EventStore, codec: StreamCodec<Event>, stream: string): TE.TaskEither<IdentityError, ReadonlyArray<StoredEvent<Event>>> =>
  pipe(
    store.readStream(stream),
    TE.orElse((error) => (error._tag === 'StreamNotFound' ? TE.right<never, ReadonlyArray<RecordedEvent>>([]) : TE.left(error))),
    TE.mapLeft(storeErrorToIdentityError),
    TE.chainEitherK((recorded) => pipe(recorded.map((one) => decodeStored(codec, one)), E.sequenceArray, E.mapLeft(corrupt))),
  );

export interface WriteResult<State> {
  readonly state: State;
  readonly revision: StreamRevision | null;
  readonly position: GlobalPosition | null;
}

export interface StreamWriterDeps {
  readonly store: EventStore;
  readonly clock: () => Date;
  readonly newEventId: () => string;
}

export const writeToStream =
  (deps: StreamWriterDeps) =>
  <Command, State, Event extends DomainEvent>(
    decider: Decider<Command, State, Event>,
    codec: StreamCodec<Event>,
    stream: string,
    command: Command,
    context: CommandContext,
  ): TE.TaskEither<IdentityError, WriteResult<State>> => {
    const attempt = (remaining: number): TE.TaskEither<IdentityError, WriteResult<State>> =>
      pipe(
        readHistory(deps.store, codec, stream),
        TE.chain((history) => {
          const state = history.reduce((current, stored) => decider.evolve(current, stored.event), decider.initialState);
          const last = history[history.length - 1];
          const expectedRevision: ExpectedRevision = last === undefined ? 'no_stream' : last.revision;
          return pipe(
            TE.fromEither(decider.decide(command, state)),
            TE.chain((events) => {
              if (events.length === 0) return TE.right<IdentityError, WriteResult<State>>({ state, revision: last?.revision ?? null, position: null });
              const occurredAt = deps.clock().toISOString();
              // Chained like every ledger event, so the log's hash chains and Merkle leaves cover these streams too.
              let at: ChainPosition = last === undefined ? CHAIN_START : { revision: last.revision + 1n, previous: last.metadata.integrity?.hash ?? GENESIS };
              const toAppend = events.map((event) => {
                const chained = chainedEvent(stream, at, {
                  id: deps.newEventId(),
                  type: event.type,
                  data: JSON.parse(JSON.stringify(event.data)) as JsonValue,
                  metadata: metadataOf(codec.schemaVersion(event.type) ?? 1, occurredAt, context),
                });
                at = { revision: at.revision + 1n, previous: chainHashOf(chained) };
                return chained;
              });
              return pipe(
                deps.store.appendToStream(stream, toAppend, { expectedRevision }),
                TE.map((appended) => ({ state: events.reduce(decider.evolve, state), revision: appended.nextExpectedRevision, position: appended.position })),
                TE.orElse((error) =>
                  error._tag === 'WrongExpectedVersion' && remaining > 1 ? attempt(remaining - 1) : TE.left(storeErrorToIdentityError(error)),
                ),
              );
            }),
          );
        }),
      );
    return attempt(5);
  };

const metadataOf = (schemaVersion: number, occurredAt: string, context: CommandContext): Omit<EventMetadata, 'integrity'> =>
  ({
    schema_version: schemaVersion,
    occurred_at: occurredAt,
    actor: context.actor,
    request_id: context.requestId,
    correlation_id: context.correlationId,
    causation_id: context.causationId,
    ...(context.idempotency ? { idempotency_key: context.idempotency.key, request_fingerprint: context.idempotency.fingerprint } : {}),
  }) as Omit<EventMetadata, 'integrity'>;
