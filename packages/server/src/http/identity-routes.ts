import type { IdentityError, IdentityLedger, RequestOptions } from '@idledger/core';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { SecretKeyPrincipal } from './auth.js';
import { secretKeyRoute, type Call, type Route } from './routes.js';
import { fromIdentityError, type WireError } from './wire-error.js';

/**
 * Stripe Identity's endpoints, customers and the test helpers, each mapped onto one operation
 * of the ledger: the ledger validates parameters, honours idempotency keys, renders expansions
 * and answers Stripe-shaped errors; this layer only carries them over HTTP.
 */

const optionsOf = (call: Call<SecretKeyPrincipal>): RequestOptions => ({
  apiKey: call.principal.apiKey,
  requestId: call.requestId,
  ...(call.idempotencyKey === undefined ? {} : { idempotencyKey: call.idempotencyKey }),
});

const wire = <A>(task: TE.TaskEither<IdentityError, A>): TE.TaskEither<WireError, A> => pipe(task, TE.mapLeft(fromIdentityError));

type Operation = (params: unknown, options: RequestOptions) => TE.TaskEither<IdentityError, unknown>;
type OperationOnId = (id: unknown, params: unknown, options: RequestOptions) => TE.TaskEither<IdentityError, unknown>;

const onCollection = (method: 'GET' | 'POST', pattern: string, operation: Operation): Route =>
  secretKeyRoute(method, pattern, (call) => wire(operation(call.params, optionsOf(call))));

const onObject = (method: 'GET' | 'POST', pattern: string, operation: OperationOnId): Route =>
  secretKeyRoute(method, pattern, (call) => wire(operation(call.path.id, call.params, optionsOf(call))));

export const identityRoutes = (ledger: IdentityLedger): ReadonlyArray<Route> => {
  const sessions = ledger.fp.identity.verificationSessions;
  const reports = ledger.fp.identity.verificationReports;
  const customers = ledger.fp.customers;
  const testHelpers = ledger.fp.testHelpers.identity.verificationSessions;
  return [
    onCollection('POST', '/v1/identity/verification_sessions', sessions.create),
    onCollection('GET', '/v1/identity/verification_sessions', sessions.list),
    onObject('GET', '/v1/identity/verification_sessions/:id', sessions.retrieve),
    onObject('POST', '/v1/identity/verification_sessions/:id', sessions.update),
    onObject('POST', '/v1/identity/verification_sessions/:id/cancel', sessions.cancel),
    onObject('POST', '/v1/identity/verification_sessions/:id/redact', sessions.redact),
    onCollection('GET', '/v1/identity/verification_reports', reports.list),
    onObject('GET', '/v1/identity/verification_reports/:id', reports.retrieve),
    onCollection('POST', '/v1/customers', customers.create),
    onCollection('GET', '/v1/customers', customers.list),
    onObject('GET', '/v1/customers/:id', customers.retrieve),
    onObject('POST', '/v1/customers/:id', customers.update),
    onObject('POST', '/v1/test_helpers/identity/verification_sessions/:id/submit', testHelpers.submit),
    onObject('POST', '/v1/test_helpers/identity/verification_sessions/:id/verify', testHelpers.verify),
    onObject('POST', '/v1/test_helpers/identity/verification_sessions/:id/unverify', testHelpers.unverify),
  ];
};
