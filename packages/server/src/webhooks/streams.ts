import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { identityError, type Decider, type DomainEvent, type EventDecodeError, type IdentityError } from '@idledger/core/domain';
import {
  EventMetadataC,
  handleCommand,
  plainPersonalData,
  serializerFor,
  storeErrorToIdentityError,
  type CommandContext,
  type EventMetadata,
  type EventStore,
  type GlobalPosition,
  type RecordedEvent,
  type StreamRevision,
} from '@idledger/core/ledger';

/**
 * Reading and writing the server's own streams (webhook endpoints, deliveries), with the same
 * envelope and chain as every ledger event: actor, request id, idempotency key and fingerprint.
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

/**
 * The ledger's own command handler (load, decide, append with the expected revision, retry on a
 * conflict) over a server stream: its events go through a serializer of the stream's catalog,
 * so they carry the same envelope and chain link as every ledger event. They hold no personal data.
 */
export const writeToStream =
  (deps: StreamWriterDeps) =>
  <Command, State, Event extends DomainEvent>(
    decider: Decider<Command, State, Event>,
    codec: StreamCodec<Event>,
    stream: string,
    command: Command,
    context: CommandContext,
  ): TE.TaskEither<IdentityError, WriteResult<State>> =>
    pipe(
      handleCommand({ store: deps.store, serializer: serializerOf(codec), clock: deps.clock, newEventId: deps.newEventId })(decider, stream, command, context),
      TE.map((result) => ({ state: result.state, revision: result.revision === 'no_stream' ? null : result.revision, position: result.position })),
    );

const serializerOf = <Event extends DomainEvent>(codec: StreamCodec<Event>) =>
  // Nothing is redacted in these streams, so no event has personal data to seal.
  serializerFor<Event>(
    {
      schemaVersion: codec.schemaVersion,
      decode: (_stream, type, schemaVersion, data) => codec.decode(type, schemaVersion, data),
      redact: (_stream, event) => event,
    },
    plainPersonalData,
  );
