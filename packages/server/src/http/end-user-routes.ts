import type { IdentityError, IdentityLedger } from '@idledger/core';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ClientSecretPrincipal } from './auth.js';
import type { Call, Method, Route } from './routes.js';
import { fromIdentityError, wireError, type WireError } from './wire-error.js';

/**
 * The end user's side of the hosted flow, as a verification page calls it: authorized by the
 * session's `client_secret` (in the query or the form body) and never by a secret key. Each
 * route is one operation of `identity.endUser.verificationSessions`; the ledger checks the secret
 * against the session's current one, validates the parameters and records the event.
 *
 *   GET  /v1/identity/verification_flow                  the flow's state
 *   POST /v1/identity/verification_flow/files?purpose=…  the body is the file itself (JPEG, PNG or PDF)
 *   POST /v1/identity/verification_flow/document         type, issuing_country, front, back, fields read from it
 *   POST /v1/identity/verification_flow/selfie           selfie (file_…), live_capture
 *   POST /v1/identity/verification_flow/id_number        id_number, id_number_type
 *   POST /v1/identity/verification_flow/consent          granted
 *   POST /v1/identity/verification_flow/submit
 */

const wire = <A>(task: TE.TaskEither<IdentityError, A>): TE.TaskEither<WireError, A> => pipe(task, TE.mapLeft(fromIdentityError));

const optionsOf = (call: Call<ClientSecretPrincipal>) => ({ requestId: call.requestId });

const route = (
  method: Method,
  pattern: string,
  handle: (call: Call<ClientSecretPrincipal>) => TE.TaskEither<WireError, unknown>,
  body: 'form' | 'bytes' = 'form',
): Route => ({ method, pattern, auth: 'client_secret', body, handle });

export const endUserRoutes = (ledger: IdentityLedger): ReadonlyArray<Route> => {
  const flow = ledger.fp.endUser.verificationSessions;
  const FLOW = '/v1/identity/verification_flow';
  return [
    route('GET', FLOW, (call) => wire(flow.retrieve(call.principal.clientSecret))),
    route(
      'POST',
      `${FLOW}/files`,
      (call) =>
        call.bytes === undefined || call.bytes.length === 0
          ? TE.left(wireError(400, 'parameter_missing', 'Send the file itself as the request body.', 'file'))
          : wire(flow.uploadFile(call.principal.clientSecret, call.bytes, call.params, optionsOf(call))),
      'bytes',
    ),
    route('POST', `${FLOW}/document`, (call) => wire(flow.provideDocument(call.principal.clientSecret, call.params, optionsOf(call)))),
    route('POST', `${FLOW}/selfie`, (call) => wire(flow.provideSelfie(call.principal.clientSecret, call.params, optionsOf(call)))),
    route('POST', `${FLOW}/id_number`, (call) => wire(flow.provideIdNumber(call.principal.clientSecret, call.params, optionsOf(call)))),
    route('POST', `${FLOW}/consent`, (call) => wire(flow.consent(call.principal.clientSecret, call.params, optionsOf(call)))),
    route('POST', `${FLOW}/submit`, (call) => wire(flow.submit(call.principal.clientSecret, call.params, optionsOf(call)))),
  ];
};
