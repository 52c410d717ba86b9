import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { customerNotFound } from '../domain/customer/customer.js';
import type { IdentityError } from '../domain/errors.js';
import {
  decodeCancelParams,
  decodeCreateSessionParams,
  decodeListSessionsParams,
  decodeObjectId,
  decodeRedactParams,
  decodeRetrieveSessionParams,
  decodeUpdateSessionParams,
  type CreateSessionParams,
  type ListSessionsParams,
  type ProvidedDetails,
  type UpdateSessionParams,
} from '../domain/params/index.js';
import { inferIdNumberType } from '../domain/shared/id-number.js';
import type { ProvidedContact, ProvidedIdentity } from '../domain/shared/values.js';
import type { CreateSessionInput, VerificationSessionCommand } from '../domain/verification-session/commands.js';
import { sessionAsOf } from '../domain/verification-session/as-of.js';
import { verificationSessionDecider } from '../domain/verification-session/decider.js';
import type { VerificationSessionEvent } from '../domain/verification-session/events.js';
import { sessionNotFound } from '../domain/verification-session/rules.js';
import type { SessionData } from '../domain/verification-session/state.js';
import { loadStream } from '../ledger/command-handler.js';
import { idFromStream, sessionStream } from '../ledger/streams.js';
import type { ListObject, VerificationSessionObject } from './objects.js';
import { listItemExpand, renderSession } from './render.js';
import {
  callerOf,
  execute,
  fingerprintOf,
  idempotent,
  idForCreate,
  nowSeconds,
  settleCreateRace,
  type Caller,
  type LedgerRuntime,
  type RequestOptions,
  reading,
} from './runtime.js';

/** `identity.verificationSessions`: create, retrieve, update, list, cancel, redact. */

type Result<A> = TE.TaskEither<IdentityError, A>;

const SESSIONS_URL = '/v1/identity/verification_sessions';

/** Splits Stripe's `provided_details` (email, phone) from idledger's write-only identity fields. */
export const splitProvidedDetails = (details: ProvidedDetails | undefined): { contact?: ProvidedContact; identity?: ProvidedIdentity } => {
  if (details === undefined) return {};
  const { email, phone, id_number_type, ...identity } = details;
  const contact = { ...(email === undefined ? {} : { email }), ...(phone === undefined ? {} : { phone }) };
  const inferredType = id_number_type ?? (identity.id_number === undefined ? undefined : inferIdNumberType(identity.id_number));
  const fullIdentity = { ...identity, ...(inferredType === undefined ? {} : { id_number_type: inferredType }) };
  return {
    ...(Object.keys(contact).length > 0 ? { contact } : {}),
    ...(Object.keys(fullIdentity).length > 0 ? { identity: fullIdentity } : {}),
  };
};

/**
 * What an idempotent replay answers: the session as the first request left it (at `revision`),
 * without personal data that has been redacted since.
 */
export const sessionAt = (runtime: LedgerRuntime, stream: string, revision: bigint): TE.TaskEither<IdentityError, SessionData> =>
  pipe(
    loadStream(runtime, verificationSessionDecider, stream),
    TE.chainEitherK(({ history }) => {
      const state = sessionAsOf(
        history.map(({ event }) => event as VerificationSessionEvent),
        history.filter(({ envelope }) => envelope.revision <= revision).length,
      );
      return state._tag === 'Existing' ? E.right(state.session) : E.left(sessionNotFound(idFromStream(stream)));
    }),
  );

/** Checked before a redaction is decided; the embedded retention and legal holds plug in here. */
export type RedactionGuard = (caller: Caller, sessionId: string) => TE.TaskEither<IdentityError, void>;

export const createVerificationSessionOperations = (runtime: LedgerRuntime, guardRedaction: RedactionGuard = () => TE.right(undefined)) => {
  const run = execute(runtime);
  const withKey = idempotent(runtime);
  const decodeId = decodeObjectId('vs_', 'VerificationSession');

  const render = (session: SessionData, expand: ReadonlyArray<string> | undefined): VerificationSessionObject =>
    renderSession(session, runtime.render, expand ?? []);

  const dispatch = (command: VerificationSessionCommand, caller: Caller, fingerprint: string, expand: ReadonlyArray<string> | undefined) => {
    const stream = sessionStream(command.sessionId);
    const replay = (replayed: string, revision: bigint) => pipe(sessionAt(runtime, replayed, revision), TE.map((session) => render(session, expand)));
    return withKey(
      caller,
      fingerprint,
      (context) =>
        pipe(
          run(verificationSessionDecider, stream, command, context),
          TE.chainEitherK(({ state }) => (state._tag === 'Existing' ? E.right(render(state.session, expand)) : E.left(sessionNotFound(command.sessionId)))),
          TE.orElse(settleCreateRace(runtime, caller, fingerprint, stream, historyOf, replay)),
        ),
      replay,
    );
  };
  const historyOf = (stream: string) => pipe(loadStream(runtime, verificationSessionDecider, stream), TE.map(({ history }) => history));

  const requireCustomer = (caller: Caller, id: string | undefined): Result<void> =>
    id === undefined
      ? TE.right(undefined)
      : reading(async () => ((await runtime.readModel.customer(id, caller.livemode)) ? E.right(undefined) : E.left(customerNotFound(id, 'related_customer'))));

  const create = (params: unknown, options?: RequestOptions): Result<VerificationSessionObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('params', () => TE.fromEither(decodeCreateSessionParams(params))),
      TE.chainFirst(({ caller, params }) => requireCustomer(caller, params.related_customer)),
      TE.chain(({ caller, params }) =>
        dispatch(
          {
            type: 'CreateVerificationSession',
            sessionId: idForCreate(caller, 'vs_', 24, runtime.ids.session),
            livemode: caller.livemode,
            now: nowSeconds(runtime),
            input: createInput(params),
          },
          caller,
          fingerprintOf('verification_sessions.create', null, params),
          params.expand,
        ),
      ),
    );

  const retrieve = (id: unknown, params?: unknown, options?: RequestOptions): Result<VerificationSessionObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('id', () => TE.fromEither(decodeId(id))),
      TE.bind('params', () => TE.fromEither(decodeRetrieveSessionParams(params ?? {}))),
      TE.chain(({ caller, id, params }) => reading(async () => {
        const row = await runtime.readModel.session(id, caller.livemode);
        return row === undefined ? E.left(sessionNotFound(id)) : E.right(render(row.session, params.expand));
      })),
    );

  const update = (id: unknown, params: unknown, options?: RequestOptions): Result<VerificationSessionObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('id', () => TE.fromEither(decodeId(id))),
      TE.bind('params', () => TE.fromEither(decodeUpdateSessionParams(params ?? {}))),
      TE.chain(({ caller, id, params }) =>
        dispatch(
          { type: 'UpdateVerificationSession', sessionId: id, livemode: caller.livemode, now: nowSeconds(runtime), changes: sessionChanges(params) },
          caller,
          fingerprintOf('verification_sessions.update', id, params),
          params.expand,
        ),
      ),
    );

  const simple =
    (type: 'CancelVerificationSession' | 'RedactVerificationSession', decode: typeof decodeCancelParams, operation: string) =>
    (id: unknown, params?: unknown, options?: RequestOptions): Result<VerificationSessionObject> =>
      pipe(
        TE.fromEither(E.Do),
        TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
        TE.bind('id', () => TE.fromEither(decodeId(id))),
        TE.bind('params', () => TE.fromEither(decode(params ?? {}))),
        TE.chainFirst(({ caller, id }) => (type === 'RedactVerificationSession' ? guardRedaction(caller, id) : TE.right(undefined))),
        TE.chain(({ caller, id, params }) =>
          dispatch({ type, sessionId: id, livemode: caller.livemode, now: nowSeconds(runtime) }, caller, fingerprintOf(operation, id, params), params.expand),
        ),
      );

  const list = (params?: unknown, options?: RequestOptions): Result<ListObject<VerificationSessionObject>> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('params', () => TE.fromEither(decodeListSessionsParams(params ?? {}))),
      TE.chain(({ caller, params }) => reading(async () => {
        const page = await runtime.readModel.listSessions({ ...listQuery(params), livemode: caller.livemode });
        const expand = listItemExpand(params.expand);
        return pipe(
          page,
          E.map(({ data, has_more }) => ({ object: 'list' as const, data: data.map((row) => render(row.session, expand)), has_more, url: SESSIONS_URL })),
        );
      })),
    );

  return {
    create,
    retrieve,
    update,
    list,
    cancel: simple('CancelVerificationSession', decodeCancelParams, 'verification_sessions.cancel'),
    redact: simple('RedactVerificationSession', decodeRedactParams, 'verification_sessions.redact'),
  };
};

const createInput = (params: CreateSessionParams): CreateSessionInput => {
  const { contact, identity } = splitProvidedDetails(params.provided_details);
  const document = params.options?.document;
  return {
    type: params.type,
    options: document === undefined || document === null ? {} : { document },
    provided_details: contact ?? null,
    provided_identity: identity ?? null,
    metadata: params.metadata ?? {},
    client_reference_id: params.client_reference_id ?? null,
    related_customer: params.related_customer ?? null,
    related_customer_account: params.related_customer_account ?? null,
    related_person: params.related_person ?? null,
    return_url: params.return_url ?? null,
  };
};

const sessionChanges = (params: UpdateSessionParams) => {
  const { contact, identity } = splitProvidedDetails(params.provided_details);
  return {
    ...(params.type === undefined ? {} : { type: params.type }),
    ...(params.options?.document === undefined ? {} : { documentOptions: params.options.document }),
    ...(contact === undefined ? {} : { providedDetails: contact }),
    ...(identity === undefined ? {} : { providedIdentity: identity }),
    ...(params.metadata === undefined ? {} : { metadata: params.metadata }),
  };
};

const listQuery = ({ expand: _expand, ...query }: ListSessionsParams) => query;

