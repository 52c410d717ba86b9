import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '@idledger/integrity';
import { base62 } from './ids.js';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { identityError, invalidRequest, type IdentityError } from '../domain/errors.js';
import type { Decider } from '../domain/shared/decider.js';
import { handleCommand, type CommandResult, type DecidedStates } from '../ledger/command-handler.js';
import { labelApiKey, type Actor, type CommandContext } from '../ledger/envelope.js';
import type { EventStore, GlobalPosition } from '../ledger/event-store/port.js';
import type { ReadModel } from '../ledger/projections/read-model.js';
import type { ProjectionRunner } from '../ledger/projections/runner.js';
import type { EventSerializer, LedgerDomainEvent } from '../ledger/serializer.js';
import type { IdSource } from './ids.js';
import type { SessionRenderContext } from './render.js';

/** Per-call options, as stripe-node's: `create(params, { idempotencyKey })`. */
export interface RequestOptions {
  readonly idempotencyKey?: string;
  /** Overrides the ledger's key for this call (and so its mode). */
  readonly apiKey?: string;
  /** Recorded with the events; a fresh `req_…` id otherwise. */
  readonly requestId?: string;
  /** Ties the events of one business flow together across requests. */
  readonly correlationId?: string;
}

export interface Caller {
  readonly livemode: boolean;
  readonly actor: Actor;
  readonly requestId: string;
  readonly correlationId: string;
  readonly idempotencyKey?: string;
}

export interface LedgerRuntime {
  readonly store: EventStore;
  readonly serializer: EventSerializer;
  readonly readModel: ReadModel;
  readonly runner: ProjectionRunner;
  readonly clock: () => Date;
  readonly ids: IdSource;
  readonly apiKey: string;
  readonly render: SessionRenderContext;
  /** Keys the request fingerprints recorded for idempotency (derived from the token key). */
  readonly fingerprintKey: Uint8Array;
  /** Idempotency keys whose first request is still running, per mode. */
  readonly inFlightKeys: Set<string>;
  /** The streams' states as this ledger last decided them. */
  readonly states: DecidedStates;
  /** Position of the newest event this ledger appended; background work settles up to it. */
  lastWritten: GlobalPosition | 'start';
}

/**
 * The id a create will use. With an idempotency key it is derived from the mode and the key, so
 * that two ledgers sharing a store, racing on the same first request, both target one stream and
 * the store's expected revision lets exactly one of them create it.
 */
export const idForCreate = (caller: Caller, prefix: string, length: number, random: () => string): string =>
  caller.idempotencyKey === undefined
    ? random()
    : `${prefix}${base62(createHash('sha256').update(`idledger:create:${caller.livemode ? 'live' : 'test'}:${caller.idempotencyKey}`).digest(), length)}`;

/**
 * The loser of such a race finds the object created: it answers as a retry would, with the first
 * request's result, or the mismatch error when its parameters differ.
 */
export const settleCreateRace =
  <A>(
    runtime: LedgerRuntime,
    caller: Caller,
    fingerprint: string,
    stream: string,
    history: (stream: string) => TE.TaskEither<IdentityError, ReadonlyArray<{ readonly envelope: { readonly revision: bigint; readonly idempotencyKey: string | null; readonly requestFingerprint: string | null } }>>,
    replay: (stream: string, revision: bigint) => TE.TaskEither<IdentityError, A>,
  ) =>
  (error: IdentityError): TE.TaskEither<IdentityError, A> => {
    const key = caller.idempotencyKey;
    if (error.code !== 'resource_already_exists' || key === undefined) return TE.left(error);
    return pipe(
      history(stream),
      TE.chain((events) => {
        const own = events.filter(({ envelope }) => envelope.idempotencyKey === key);
        const last = own[own.length - 1];
        if (last === undefined) return TE.left(error);
        return own[0]!.envelope.requestFingerprint === fingerprint ? replay(stream, last.envelope.revision) : TE.left(idempotencyMismatch(key));
      }),
    );
  };

export const nowSeconds = (runtime: Pick<LedgerRuntime, 'clock'>): number => Math.floor(runtime.clock().getTime() / 1000);

const API_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/;

export const isValidApiKey = (key: string): boolean => API_KEY.test(key);

/** Whether a secret key is a live one: the mode of a request follows its key. */
export const livemodeOfKey = (key: string): boolean => API_KEY.exec(key)?.[2] === 'live';

export const callerOf = (runtime: LedgerRuntime, options: RequestOptions | undefined): E.Either<IdentityError, Caller> => {
  const key = options?.apiKey ?? runtime.apiKey;
  if (!isValidApiKey(key)) {
    return E.left(
      identityError({
        type: 'invalid_request_error',
        code: 'secret_key_required',
        message: 'Invalid API Key provided: expected a secret key (sk_test_…, sk_live_…, rk_test_… or rk_live_…).',
        statusCode: 401,
      }),
    );
  }
  const requestId = options?.requestId ?? runtime.ids.request();
  return E.right({
    livemode: livemodeOfKey(key),
    actor: { type: 'api_key', key: labelApiKey(key) },
    requestId,
    correlationId: options?.correlationId ?? requestId,
    ...(options?.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
  });
};

export const contextOf = (caller: Caller, fingerprint?: string): CommandContext => ({
  actor: caller.actor,
  requestId: caller.requestId,
  correlationId: caller.correlationId,
  causationId: null,
  ...(caller.idempotencyKey !== undefined && fingerprint !== undefined ? { idempotency: { key: caller.idempotencyKey, fingerprint } } : {}),
});

/** A read of the read model as a TaskEither that never rejects: a failing read is an api_error. */
export const reading =
  <A>(task: () => Promise<E.Either<IdentityError, A>>): TE.TaskEither<IdentityError, A> =>
  () =>
    task().catch((error: unknown) =>
      E.left(identityError({ type: 'api_error', code: 'api_error', message: `The read model failed: ${error instanceof Error ? error.message : String(error)}` })),
    );

/** Decides and appends, then waits until the read model has applied the write. */
export const execute =
  (runtime: LedgerRuntime) =>
  <Command, State, Event extends LedgerDomainEvent>(
    decider: Decider<Command, State, Event>,
    stream: string,
    command: Command,
    context: CommandContext,
  ): TE.TaskEither<IdentityError, CommandResult<State, Event>> =>
    pipe(
      handleCommand({ store: runtime.store, serializer: runtime.serializer, clock: runtime.clock, newEventId: runtime.ids.event, states: runtime.states })(
        decider,
        stream,
        command,
        context,
      ),
      TE.chainFirst((result) => {
        const position = result.position;
        if (position === null) return TE.right(undefined);
        if (runtime.lastWritten === 'start' || position > runtime.lastWritten) runtime.lastWritten = position;
        return TE.tryCatch(
          () => runtime.runner.waitFor(position),
          (error) =>
            identityError({
              type: 'api_error',
              code: 'api_error',
              message: `The write was committed but could not be read back: ${String((error as { reason?: unknown }).reason ?? error)}`,
            }),
        );
      }),
    );

/**
 * A fingerprint of one request (the operation, its target and its parameters), keyed with the
 * ledger's secret: it is stored with the events and hashed into their chain, and a bare hash of
 * parameters holding an email or an ID number could be reversed by trying candidates.
 */
export const fingerprintOf = (runtime: Pick<LedgerRuntime, 'fingerprintKey'>, operation: string, target: string | null, params: unknown): string =>
  createHmac('sha256', runtime.fingerprintKey)
    // RFC 8785, as everything hashed in the ledger; a JSON round trip first drops absent (undefined) members.
    .update(canonicalJson(JSON.parse(JSON.stringify({ operation, target, params })) as unknown))
    .digest('hex');


export const idempotencyMismatch = (key: string): IdentityError =>
  identityError({
    type: 'idempotency_error',
    code: 'idempotency_key_reused',
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });

export const idempotencyInUse = (key: string): IdentityError =>
  identityError({
    type: 'idempotency_error',
    code: 'idempotency_key_in_use',
    message: `There is currently another in-progress request using the Idempotency-Key '${key}'. Retry this request later.`,
    statusCode: 409,
  });

/**
 * Runs a mutating request under its idempotency key: the first request with a key is recorded
 * with the events it appended; a retry with the same parameters gets `replay(stream, revision)`,
 * the object as that first request left it; other parameters are refused.
 */
export const idempotent =
  (runtime: LedgerRuntime) =>
  <A>(
    caller: Caller,
    fingerprint: string,
    run: (context: CommandContext) => TE.TaskEither<IdentityError, A>,
    replay: (stream: string, revision: bigint) => TE.TaskEither<IdentityError, A>,
  ): TE.TaskEither<IdentityError, A> => {
    const key = caller.idempotencyKey;
    if (key === undefined) return run(contextOf(caller));
    if (key.length === 0 || key.length > 255) {
      return TE.left(invalidRequest('invalid_value', 'Idempotency keys must be 1 to 255 characters long.', 'idempotency_key'));
    }
    const scope = `${caller.livemode ? 'live' : 'test'}:${key}`;
    return reading(async () => {
      if (runtime.inFlightKeys.has(scope)) return E.left(idempotencyInUse(key));
      runtime.inFlightKeys.add(scope);
      try {
        const record = await runtime.readModel.idempotencyRecord(key, caller.livemode);
        if (record !== undefined) {
          return record.fingerprint === fingerprint ? await replay(record.stream, record.revision)() : E.left(idempotencyMismatch(key));
        }
        return await run(contextOf(caller, fingerprint))();
      } finally {
        runtime.inFlightKeys.delete(scope);
      }
    });
  };
