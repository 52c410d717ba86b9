import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { ClientSecretPrincipal, SecretKeyPrincipal } from './auth.js';
import type { WireError } from './wire-error.js';

/**
 * The route table. A route names how it is authorized: `secret_key` routes are the API an
 * integrator's backend calls; `client_secret` routes are the end-user side of the hosted flow,
 * authorized by the `client_secret` parameter of one session and never by a secret key.
 */

export interface Call<P> {
  readonly principal: P;
  /** Path parameters (`:id`), percent-decoded. */
  readonly path: Readonly<Record<string, string>>;
  /** Query (GET, DELETE) or query and form body (POST), decoded from Stripe's bracket form. */
  readonly params: Record<string, unknown>;
  readonly requestId: string;
  /** The `Idempotency-Key` header, on POST only. */
  readonly idempotencyKey?: string;
  /** The raw body, for a route that takes bytes (a file upload); its parameters come from the query. */
  readonly bytes?: Uint8Array;
}

/** A call before authorization has named its principal. */
export type UnauthorizedCall = Omit<Call<never>, 'principal'>;

export type Method = 'GET' | 'POST' | 'DELETE';

export type Route =
  | { readonly method: Method; readonly pattern: string; readonly auth: 'secret_key'; readonly handle: (call: Call<SecretKeyPrincipal>) => TE.TaskEither<WireError, unknown> }
  | {
      readonly method: Method;
      readonly pattern: string;
      readonly auth: 'client_secret';
      /** `bytes`: the body is the content itself (any media type, up to the upload limit), not a form. */
      readonly body?: 'form' | 'bytes';
      readonly handle: (call: Call<ClientSecretPrincipal>) => TE.TaskEither<WireError, unknown>;
    };

export const secretKeyRoute = (method: Method, pattern: string, handle: (call: Call<SecretKeyPrincipal>) => TE.TaskEither<WireError, unknown>): Route => ({
  method,
  pattern,
  auth: 'secret_key',
  handle,
});

interface CompiledRoute {
  readonly route: Route;
  readonly segments: ReadonlyArray<string>;
}

export interface RouteMatch {
  readonly route: Route;
  readonly path: Record<string, string>;
}

/** Matches a request path (already split on `/` and percent-decoded) against the table. */
export const routeTable = (routes: ReadonlyArray<Route>) => {
  const compiled: CompiledRoute[] = routes.map((route) => ({ route, segments: route.pattern.split('/').filter((s) => s !== '') }));
  return (method: string, segments: ReadonlyArray<string>): RouteMatch | undefined => {
    for (const { route, segments: pattern } of compiled) {
      if (route.method !== method || pattern.length !== segments.length) continue;
      const path: Record<string, string> = {};
      let matches = true;
      for (let index = 0; index < pattern.length && matches; index++) {
        const expected = pattern[index]!;
        const actual = segments[index]!;
        if (expected.startsWith(':')) path[expected.slice(1)] = actual;
        else matches = expected === actual;
      }
      if (matches) return { route, path };
    }
    return undefined;
  };
};
