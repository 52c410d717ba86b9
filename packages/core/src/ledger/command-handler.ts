import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { apiError, identityError, type IdentityError } from '../domain/errors.js';
import type { Decider } from '../domain/shared/decider.js';
import type { DomainEvent } from '../domain/shared/event-codec.js';
import type { CommandContext, LedgerEvent } from './envelope.js';
import type { EventStore, ExpectedRevision, GlobalPosition, StoreError, StreamRevision } from './event-store/port.js';
import { CHAIN_START, nextInChain, type ChainPosition } from './integrity.js';
import { chainHashOf, type EventSerializer, type LedgerDomainEvent } from './serializer.js';

/**
 * load → decide → append with the expected revision. A concurrent writer makes the append fail
 * with WrongExpectedVersion; the command is then decided again on fresh state, a bounded number
 * of times, and only then reported as a conflict.
 */

export interface CommandResult<State, Event> {
  readonly state: State;
  readonly events: ReadonlyArray<Event>;
  /** Revision of the stream after the command (`'no_stream'` when nothing was ever written). */
  readonly revision: StreamRevision | 'no_stream';
  /** Global position of the last appended event, or null when the command appended nothing. */
  readonly position: GlobalPosition | null;
}

export interface LoadedStream<State, StoredEvent extends DomainEvent = LedgerDomainEvent> {
  readonly state: State;
  readonly revision: StreamRevision | 'no_stream';
  readonly history: ReadonlyArray<LedgerEvent<StoredEvent>>;
}

/** `Stored`: the events the serializer knows (the ledger's own by default; other writers bring their catalog). */
export interface CommandHandlerDeps<Stored extends DomainEvent = LedgerDomainEvent> {
  readonly store: EventStore;
  readonly serializer: EventSerializer<Stored>;
  readonly clock: () => Date;
  readonly newEventId: () => string;
  readonly maxAttempts?: number;
  /** Streams' states as this process last decided them; without it every command reads its stream. */
  readonly states?: DecidedStates;
}

/** A stream's state at a revision, with where its hash chain goes on. */
export interface DecidedState<State> {
  readonly state: State;
  readonly revision: StreamRevision | 'no_stream';
  readonly next: ChainPosition;
}

/**
 * The states this process last decided on or produced, per stream and decider, so a command on
 * a stream nobody else wrote since needs one revision check instead of reading and decoding (and
 * opening the personal data of) its whole history. Events never change, so a state at the stream's
 * current revision is the state a replay would give; `forget` drops one whose events read
 * differently now (its personal data erased).
 */
export interface DecidedStates {
  readonly get: <State>(decider: object, stream: string) => DecidedState<State> | undefined;
  readonly set: <State>(decider: object, stream: string, decided: DecidedState<State>) => void;
  readonly forget: (stream: string) => void;
}

export const createDecidedStates = (capacity = 1024): DecidedStates => {
  const entries = new Map<string, { readonly decider: object; readonly decided: DecidedState<unknown> }>();
  return {
    get: <State>(decider: object, stream: string) => {
      const entry = entries.get(stream);
      if (entry === undefined || entry.decider !== decider) return undefined;
      // Least recently used goes first: move this one to the end.
      entries.delete(stream);
      entries.set(stream, entry);
      return entry.decided as DecidedState<State>;
    },
    set: (decider, stream, decided) => {
      entries.delete(stream);
      entries.set(stream, { decider, decided });
      if (entries.size > capacity) entries.delete(entries.keys().next().value!);
    },
    forget: (stream) => void entries.delete(stream),
  };
};

export const storeErrorToIdentityError = (error: StoreError): IdentityError => {
  switch (error._tag) {
    case 'WrongExpectedVersion':
      return identityError({
        type: 'api_error',
        code: 'concurrent_modification',
        message: `The object was changed by a concurrent request (stream ${error.stream}); retry the request.`,
        statusCode: 409,
      });
    case 'Unavailable':
      return identityError({ type: 'api_error', code: 'store_unavailable', message: `The event store is unavailable: ${error.reason}`, statusCode: 503 });
    case 'StreamNotFound':
    case 'StreamDeleted':
    case 'InvalidAppend':
    case 'StoreFailure':
      return apiError(`The event store failed: ${error._tag}${'reason' in error ? `: ${error.reason}` : ''}`);
  }
};

export const loadStream = <State, Event extends Stored, Stored extends DomainEvent = LedgerDomainEvent>(
  deps: Pick<CommandHandlerDeps<Stored>, 'store' | 'serializer'>,
  decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>,
  stream: string,
  upToRevision?: StreamRevision,
): TE.TaskEither<IdentityError, LoadedStream<State, Stored>> =>
  pipe(
    deps.store.readStream(stream),
    TE.orElse((error) => (error._tag === 'StreamNotFound' ? TE.right([]) : TE.left(error))),
    TE.mapLeft(storeErrorToIdentityError),
    TE.chainEitherK((recorded) => {
      const history: Array<LedgerEvent<Stored>> = [];
      for (const event of recorded) {
        if (upToRevision !== undefined && event.revision > upToRevision) break;
        const decoded = deps.serializer.deserialize(event);
        if (E.isLeft(decoded)) return E.left(apiError(`Stored event ${event.id} of ${stream} cannot be decoded: ${decoded.left._tag}`));
        history.push(decoded.right);
      }
      const last = history[history.length - 1];
      return E.right({
        state: history.reduce((state, { event }) => decider.evolve(state, event as Event), decider.initialState),
        revision: last === undefined ? ('no_stream' as const) : last.envelope.revision,
        history,
      });
    }),
  );

/**
 * The stream's state now: the remembered one when the stream is still at its revision (one
 * revision check), otherwise read and decoded from the store, and remembered.
 */
export const currentState = <State, Event extends Stored, Stored extends DomainEvent = LedgerDomainEvent>(
  deps: Pick<CommandHandlerDeps<Stored>, 'store' | 'serializer' | 'states'>,
  decider: Pick<Decider<unknown, State, Event>, 'evolve' | 'initialState'>,
  stream: string,
): TE.TaskEither<IdentityError, DecidedState<State>> => {
  const fresh = () => pipe(
    loadStream(deps, decider, stream),
    TE.map(({ state, revision, history }): DecidedState<State> => {
      const last = history[history.length - 1];
      const decided = { state, revision, next: last === undefined ? CHAIN_START : nextInChain(last.envelope) };
      deps.states?.set(decider, stream, decided);
      return decided;
    }),
  );
  const remembered = deps.states?.get<State>(decider, stream);
  if (remembered === undefined) return fresh();
  return pipe(
    deps.store.streamRevision(stream),
    TE.mapLeft(storeErrorToIdentityError),
    TE.chain((revision) => (revision === remembered.revision ? TE.right(remembered) : fresh())),
  );
};

export const handleCommand =
  <Stored extends DomainEvent = LedgerDomainEvent>(deps: CommandHandlerDeps<Stored>) =>
  <Command, State, Event extends Stored>(
    decider: Decider<Command, State, Event>,
    stream: string,
    command: Command,
    context: CommandContext,
  ): TE.TaskEither<IdentityError, CommandResult<State, Event>> => {
    const maxAttempts = deps.maxAttempts ?? 5;
    const attempt = (remaining: number): TE.TaskEither<IdentityError, CommandResult<State, Event>> =>
      pipe(
        currentState(deps, decider, stream),
        TE.chain(({ state, revision, next }) =>
          pipe(
            TE.fromEither(decider.decide(command, state)),
            TE.chain((events) => {
              if (events.length === 0) return TE.right<IdentityError, CommandResult<State, Event>>({ state, events, revision, position: null });
              const occurredAt = deps.clock();
              let at = next;
              const toAppend = events.map((event) => {
                const serialized = deps.serializer.serialize(stream, event, context, occurredAt, deps.newEventId(), at);
                at = { revision: at.revision + 1n, previous: chainHashOf(serialized) };
                return serialized;
              });
              const expectedRevision: ExpectedRevision = revision;
              return pipe(
                deps.store.appendToStream(stream, toAppend, { expectedRevision }),
                TE.map((appended) => {
                  const decided = events.reduce(decider.evolve, state);
                  deps.states?.set(decider, stream, { state: decided, revision: appended.nextExpectedRevision, next: at });
                  return { state: decided, events, revision: appended.nextExpectedRevision, position: appended.position };
                }),
                TE.orElse((error) => {
                  // Whatever happened to the stream, the next attempt reads it afresh.
                  deps.states?.forget(stream);
                  return error._tag === 'WrongExpectedVersion' && remaining > 1 ? attempt(remaining - 1) : TE.left(storeErrorToIdentityError(error));
                }),
              );
            }),
          ),
        ),
      );
    return attempt(maxAttempts);
  };
