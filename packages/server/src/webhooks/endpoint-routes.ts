import { createHash, randomBytes } from 'node:crypto';
import { base62, idempotencyInUse, idempotencyMismatch, type IdentityError } from '@idledger/core';
import { fold, invalidRequest } from '@idledger/core/domain';
import { idFromStream, labelApiKey, type CommandContext } from '@idledger/core/ledger';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { SecretKeyPrincipal } from '../http/auth.js';
import { secretKeyRoute, type Call, type Route } from '../http/routes.js';
import { fromIdentityError, type WireError } from '../http/wire-error.js';
import { endpointDecider, endpointNotFound, endpointStream, type EndpointCommand, type EndpointState } from './endpoint.js';
import { endpointCodec, type WebhookOutbox } from './outbox.js';
import { decodeCreateEndpointParams, decodeDeleteParams, decodeListEndpointsParams, decodeRetrieveParams, decodeUpdateEndpointParams } from './params.js';
import { renderDeletedEndpoint, renderEndpoint } from './render.js';
import { readHistory, writeToStream, type StreamWriterDeps } from './streams.js';

/**
 * `/v1/webhook_endpoints`: create, retrieve, update, list, delete. Writes honour
 * `Idempotency-Key` as the Identity endpoints do: a retry replays the object as the first
 * request left it, other parameters under the same key are refused, a key in use is a 409.
 */

type Result<A> = TE.TaskEither<IdentityError, A>;

const contextOf = (call: Call<SecretKeyPrincipal>, fingerprint: string | undefined): CommandContext => ({
  actor: { type: 'api_key', key: labelApiKey(call.principal.apiKey) },
  requestId: call.requestId,
  correlationId: call.requestId,
  causationId: null,
  ...(call.idempotencyKey !== undefined && fingerprint !== undefined ? { idempotency: { key: call.idempotencyKey, fingerprint } } : {}),
});

const newSecret = (): string => `whsec_${base62(randomBytes(40), 48)}`;

export const endpointRoutes = (
  deps: StreamWriterDeps & { readonly outbox: WebhookOutbox; readonly fingerprint: (operation: string, target: string | null, params: unknown) => string },
): ReadonlyArray<Route> => {
  const write = writeToStream(deps);
  const inFlight = new Set<string>();
  const modeOf = (call: Call<SecretKeyPrincipal>) => call.principal.livemode;

  const stateAt = (stream: string, revision: bigint): Result<EndpointState> =>
    pipe(
      readHistory(deps.store, endpointCodec, stream),
      TE.map((history) => fold(endpointDecider, history.filter((stored) => stored.revision <= revision).map((stored) => stored.event))),
    );

  /** Runs a write; the object it answers is rendered from the endpoint's state after it. */
  const execute = <A>(call: Call<SecretKeyPrincipal>, fingerprint: string | undefined, id: string, command: EndpointCommand, answer: (state: EndpointState) => E.Either<IdentityError, A>): Result<A> =>
    pipe(
      write(endpointDecider, endpointCodec, endpointStream(id), command, contextOf(call, fingerprint)),
      TE.chainFirst((result) => (result.position === null ? TE.right(undefined) : TE.fromTask(() => deps.outbox.waitFor(result.position!)))),
      TE.chainEitherK((result) => answer(result.state)),
    );

  const keyed = <A>(call: Call<SecretKeyPrincipal>, operation: string, target: string | null, params: unknown, run: (fingerprint: string | undefined) => Result<A>, replay: (stream: string, revision: bigint) => Result<A>): Result<A> => {
    const key = call.idempotencyKey;
    if (key === undefined) return run(undefined);
    if (key.length === 0 || key.length > 255) return TE.left(invalidRequest('invalid_value', 'Idempotency keys must be 1 to 255 characters long.', 'idempotency_key'));
    const fingerprint = deps.fingerprint(operation, target, params);
    const scope = `${modeOf(call) ? 'live' : 'test'}:${key}`;
    return async () => {
      if (inFlight.has(scope)) return E.left(idempotencyInUse(key));
      inFlight.add(scope);
      try {
        const record = deps.outbox.idempotencyRecord(key, modeOf(call));
        if (record === undefined) return await run(fingerprint)();
        return record.fingerprint === fingerprint ? await replay(record.stream, record.revision)() : E.left(idempotencyMismatch(key));
      } finally {
        inFlight.delete(scope);
      }
    };
  };

  const existing = (id: string, withSecret: boolean) => (state: EndpointState) =>
    state._tag === 'Existing' && !state.endpoint.deleted ? E.right(renderEndpoint(state.endpoint, { withSecret })) : E.left(endpointNotFound(id));

  const idFor = (call: Call<SecretKeyPrincipal>): string =>
    call.idempotencyKey === undefined
      ? `we_${base62(randomBytes(24), 24)}`
      : `we_${base62(createHash('sha256').update(`idledger:create:webhook_endpoint:${modeOf(call) ? 'live' : 'test'}:${call.idempotencyKey}`).digest(), 24)}`;

  const wire = <A>(task: Result<A>): TE.TaskEither<WireError, A> => pipe(task, TE.mapLeft(fromIdentityError));
  const now = () => Math.floor(deps.clock().getTime() / 1000);

  const create = (call: Call<SecretKeyPrincipal>) =>
    pipe(
      TE.fromEither(decodeCreateEndpointParams(call.params)),
      TE.chain((params) =>
        keyed(call, 'webhook_endpoints.create', null, params, (fingerprint) => {
          const id = idFor(call);
          return execute(call, fingerprint, id, {
            type: 'CreateWebhookEndpoint',
            id,
            livemode: modeOf(call),
            now: now(),
            url: params.url,
            enabledEvents: params.enabled_events,
            description: params.description ?? null,
            metadata: params.metadata ?? {},
            secret: newSecret(),
            ...(params.api_version === undefined ? {} : { apiVersion: params.api_version }),
          }, existing(id, true));
        }, (stream, revision) => pipe(stateAt(stream, revision), TE.chainEitherK(existing(idFromStream(stream), true)))),
      ),
      wire,
    );

  const update = (call: Call<SecretKeyPrincipal>) => {
    const id = call.path.id ?? '';
    return pipe(
      TE.fromEither(decodeUpdateEndpointParams(call.params)),
      TE.chain((params) =>
        keyed(call, 'webhook_endpoints.update', id, params, (fingerprint) =>
          execute(call, fingerprint, id, {
            type: 'UpdateWebhookEndpoint',
            id,
            livemode: modeOf(call),
            changes: {
              ...(params.url === undefined ? {} : { url: params.url }),
              ...(params.enabled_events === undefined ? {} : { enabled_events: params.enabled_events }),
              ...(params.description === undefined ? {} : { description: params.description }),
              ...(params.metadata === undefined ? {} : { metadata: params.metadata }),
              ...(params.disabled === undefined ? {} : { status: params.disabled ? 'disabled' : 'enabled' }),
            },
          }, existing(id, false)),
        (stream, revision) => pipe(stateAt(stream, revision), TE.chainEitherK(existing(id, false))),
        ),
      ),
      wire,
    );
  };

  const remove = (call: Call<SecretKeyPrincipal>) => {
    const id = call.path.id ?? '';
    return pipe(
      TE.fromEither(decodeDeleteParams(call.params)),
      TE.chain((params) =>
        keyed(call, 'webhook_endpoints.delete', id, params, (fingerprint) =>
          execute(call, fingerprint, id, { type: 'DeleteWebhookEndpoint', id, livemode: modeOf(call), now: now() }, () => E.right(renderDeletedEndpoint(id))),
        () => TE.right(renderDeletedEndpoint(id)),
        ),
      ),
      wire,
    );
  };

  const retrieve = (call: Call<SecretKeyPrincipal>) =>
    pipe(
      TE.fromEither(decodeRetrieveParams(call.params)),
      TE.chainEitherK(() => {
        const row = deps.outbox.endpoint(call.path.id ?? '', modeOf(call));
        return row === undefined ? E.left(endpointNotFound(call.path.id ?? '')) : E.right(renderEndpoint(row.endpoint, { withSecret: false }));
      }),
      wire,
    );

  const list = (call: Call<SecretKeyPrincipal>) =>
    pipe(
      TE.fromEither(decodeListEndpointsParams(call.params)),
      TE.chainEitherK((params) => deps.outbox.endpoints({ ...params, livemode: modeOf(call) })),
      TE.map((page) => ({ object: 'list', data: page.data.map((row) => renderEndpoint(row.endpoint, { withSecret: false })), has_more: page.has_more, url: '/v1/webhook_endpoints' })),
      wire,
    );

  return [
    secretKeyRoute('POST', '/v1/webhook_endpoints', create),
    secretKeyRoute('GET', '/v1/webhook_endpoints', list),
    secretKeyRoute('GET', '/v1/webhook_endpoints/:id', retrieve),
    secretKeyRoute('POST', '/v1/webhook_endpoints/:id', update),
    secretKeyRoute('DELETE', '/v1/webhook_endpoints/:id', remove),
  ];
};
