import * as TE from 'fp-ts/lib/TaskEither.js';
import * as A from 'fp-ts/lib/Array.js';
import { pipe } from 'fp-ts/lib/function.js';
import { resourceMissing, type IdentityError } from '@idledger/core/domain';
import type { SecretKeyPrincipal } from '../http/auth.js';
import { secretKeyRoute, type Call, type Route } from '../http/routes.js';
import { fromIdentityError } from '../http/wire-error.js';
import type { EventRow, WebhookOutbox } from './outbox.js';
import { decodeListEventsParams, decodeRetrieveParams, matchesType } from './params.js';
import type { EventObject } from './render.js';

/** `/v1/events`: the Event objects the outbox derived, newest first, in the caller's mode. */
export const eventRoutes = (outbox: WebhookOutbox, render: (row: EventRow) => TE.TaskEither<IdentityError, EventObject>): ReadonlyArray<Route> => {
  const retrieve = (call: Call<SecretKeyPrincipal>) =>
    pipe(
      TE.fromEither(decodeRetrieveParams(call.params)),
      TE.chain(() => {
        const id = call.path.id ?? '';
        const row = outbox.event(id, call.principal.livemode);
        return row === undefined ? TE.left(resourceMissing('event', id)) : render(row);
      }),
      TE.mapLeft(fromIdentityError),
    );

  const list = (call: Call<SecretKeyPrincipal>) =>
    pipe(
      TE.fromEither(decodeListEventsParams(call.params)),
      TE.chainEitherK((params) => {
        const types = params.types ?? (params.type === undefined ? undefined : [params.type]);
        const delivered = (row: EventRow) => outbox.deliveriesOf(row.id).every((delivery) => delivery.succeeded);
        return outbox.events({ ...params, livemode: call.principal.livemode }, (row) =>
          (types === undefined || types.some((pattern) => matchesType(row.type, pattern))) &&
          (params.delivery_success === undefined || delivered(row) === params.delivery_success),
        );
      }),
      TE.chain((page) =>
        pipe(
          A.traverse(TE.ApplicativeSeq)(render)([...page.data]),
          TE.map((data) => ({ object: 'list' as const, data, has_more: page.has_more, url: '/v1/events' })),
        ),
      ),
      TE.mapLeft(fromIdentityError),
    );

  return [secretKeyRoute('GET', '/v1/events', list), secretKeyRoute('GET', '/v1/events/:id', retrieve)];
};

