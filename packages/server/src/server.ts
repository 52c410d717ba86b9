import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base62, type IdentityLedger } from '@idledger/core';
import * as E from 'fp-ts/lib/Either.js';
import { authenticateSecretKey, clientSecretPrincipal, keyRing, type KeyRing, type SecretKeyPrincipal } from './http/auth.js';
import { checkContentType, readBody, readBytes } from './http/body.js';
import { endUserRoutes } from './http/end-user-routes.js';
import { parseForm } from './http/form.js';
import { identityRoutes } from './http/identity-routes.js';
import { routeTable, type Route, type RouteMatch, type UnauthorizedCall } from './http/routes.js';
import { errorBody, fromIdentityError, unrecognizedUrl, wireError, type WireError } from './http/wire-error.js';

export interface RequestLogEntry {
  readonly requestId: string;
  readonly method: string;
  /** The path only: query strings and bodies may carry personal data and are never logged. */
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** For a 500: what failed, without request data. */
  readonly failure?: string;
}

export interface IdentityServerConfig {
  readonly ledger: IdentityLedger;
  /** The secret keys accepted (`sk_test_…`, `sk_live_…`, `rk_…`); the mode of each request follows its key. */
  readonly apiKeys: ReadonlyArray<string>;
  /** Largest request body accepted, in bytes (default 256 KiB). */
  readonly maxBodyBytes?: number;
  /** Largest file upload accepted by the end-user flow, in bytes (default 10 MiB). */
  readonly maxUploadBytes?: number;
  /** More routes served beside the Identity API (the webhook routes). */
  readonly routes?: ReadonlyArray<Route>;
  /** Called once per request, after the response is sent. Never given headers, queries or bodies. */
  readonly log?: (entry: RequestLogEntry) => void;
}

export interface IdentityServer {
  readonly server: Server;
  /** Starts listening; port 0 picks a free port. Resolves with the address bound. */
  readonly listen: (port?: number, host?: string) => Promise<AddressInfo>;
  readonly close: () => Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const newRequestId = (): string => `req_${base62(randomBytes(16), 14)}`;

const send = (response: ServerResponse, status: number, body: unknown): void => {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  response.end(json);
};

/** The path split into percent-decoded segments; a malformed escape is a 400, not a crash. */
const pathSegments = (path: string): E.Either<WireError, string[]> => {
  try {
    return E.right(path.split('/').filter((segment) => segment !== '').map((segment) => decodeURIComponent(segment)));
  } catch {
    return E.left(wireError(400, 'invalid_value', 'Invalid request: the URL path is not valid percent-encoding.', 'id'));
  }
};

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * Stripe's wire protocol in front of a ledger: secret-key authentication, form bodies,
 * `Idempotency-Key`, Stripe's error JSON and statuses, and a `Request-Id` on every response.
 */
export const createIdentityServer = (config: IdentityServerConfig): IdentityServer => {
  const ring: KeyRing = keyRing(config.apiKeys);
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxUploadBytes = config.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const match = routeTable([...identityRoutes(config.ledger), ...endUserRoutes(config.ledger), ...(config.routes ?? [])]);

  const dispatch = async (request: IncomingMessage, response: ServerResponse, requestId: string, method: string, path: string, query: string): Promise<{ status: number; body: unknown }> => {
    const failure = (error: WireError) => ({ status: error.statusCode, body: errorBody(error) });
    const segments = pathSegments(path);
    if (E.isLeft(segments)) return failure(segments.left);
    const found: RouteMatch | undefined = match(method, segments.right);
    if (found !== undefined && found.route.auth === 'client_secret' && found.route.body === 'bytes') {
      // The client_secret (in the query) is looked at before a byte of the upload is buffered.
      const form = parseForm(query);
      if (E.isLeft(form)) return failure(form.left);
      const principal = clientSecretPrincipal(form.right.client_secret);
      if (E.isLeft(principal)) {
        request.resume();
        return failure(principal.left);
      }
      // Checked against the session itself, so a forged secret cannot make the server buffer uploads.
      const session = await config.ledger.fp.endUser.verificationSessions.retrieve(principal.right.clientSecret)();
      if (E.isLeft(session)) {
        request.resume();
        return failure(fromIdentityError(session.left));
      }
      const bytes = await readBytes(request, maxUploadBytes);
      if (E.isLeft(bytes)) return failure(bytes.left);
      const authorized = authorize(found.route, undefined);
      if (E.isLeft(authorized)) return failure(authorized.left);
      const result = await authorized.right({ path: found.path, params: form.right, requestId, bytes: bytes.right });
      return E.isLeft(result) ? failure(result.left) : { status: 200, body: result.right };
    }
    if (found === undefined) {
      request.resume();
      return failure(unrecognizedUrl(method, path));
    }
    // A secret key is checked before anything about the request is looked at, as Stripe does: a
    // caller without one is answered from the headers alone and its body discarded unread.
    const authorized = authorize(found.route, headerValue(request.headers.authorization));
    if (E.isLeft(authorized)) {
      request.resume();
      return failure(authorized.left);
    }
    const body = await readBody(request, maxBodyBytes);
    if (E.isLeft(body)) return failure(body.left);
    const contentType = checkContentType(headerValue(request.headers['content-type']), body.right);
    if (E.isLeft(contentType)) return failure(contentType.left);
    const form = parseForm(method === 'POST' && body.right !== '' ? (query === '' ? body.right : `${query}&${body.right}`) : query);
    if (E.isLeft(form)) return failure(form.left);
    const idempotencyKey = method === 'POST' ? headerValue(request.headers['idempotency-key']) : undefined;
    // Echoed as Stripe does: the SDK reads it back into `lastResponse.idempotencyKey`.
    if (idempotencyKey !== undefined) response.setHeader('Idempotency-Key', idempotencyKey);
    const call = { path: found.path, params: form.right, requestId, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) };
    const result = await authorized.right(call);
    return E.isLeft(result) ? failure(result.left) : { status: 200, body: result.right };
  };

  /**
   * How a route is authorized: a secret-key route checks the key at once; a client-secret route
   * takes `client_secret` out of the parameters once they are read, and never looks at a key.
   */
  const authorize = (route: Route, authorization: string | undefined): E.Either<WireError, (call: UnauthorizedCall) => Promise<E.Either<WireError, unknown>>> => {
    if (route.auth === 'secret_key') {
      return E.map((principal: SecretKeyPrincipal) => (call: UnauthorizedCall) => route.handle({ ...call, principal })())(authenticateSecretKey(ring, authorization));
    }
    return E.right(async (call) => {
      const { client_secret: clientSecret, ...params } = call.params;
      const principal = clientSecretPrincipal(clientSecret);
      return E.isLeft(principal) ? principal : route.handle({ ...call, params, principal: principal.right })();
    });
  };

  const server = createServer((request, response) => {
    const started = performance.now();
    const requestId = newRequestId();
    response.setHeader('Request-Id', requestId);
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
    let failureReason: string | undefined;
    dispatch(request, response, requestId, method, path, query)
      .catch((error: unknown) => {
        // The name and where it was thrown, never the message: messages can quote request data.
        failureReason = error instanceof Error ? `${error.name} ${/\n\s+at (.*)/.exec(error.stack ?? '')?.[1] ?? ''}`.trim() : 'a non-Error value was thrown';
        const failure = wireError(500, 'api_error', 'An unexpected error occurred while handling this request.');
        return { status: 500, body: errorBody(failure) };
      })
      .then(({ status, body }) => {
        send(response, status, body);
        config.log?.({ requestId, method, path, status, durationMs: performance.now() - started, ...(failureReason === undefined ? {} : { failure: failureReason }) });
      })
      .catch(() => response.destroy());
  });

  // Requests Node's parser refuses (headers too large, malformed request lines) never reach the
  // handler; they still get a Stripe error with a Request-Id.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const failure = tooLarge
      ? wireError(431, 'request_too_large', 'The request line and headers may be at most 16 KiB; send parameters in the body.')
      : wireError(400, 'invalid_request', 'The request could not be parsed as HTTP.');
    const json = JSON.stringify(errorBody(failure));
    const requestId = newRequestId();
    socket.end(
      `HTTP/1.1 ${failure.statusCode} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nRequest-Id: ${requestId}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
    config.log?.({ requestId, method: '-', path: '-', status: failure.statusCode, durationMs: 0 });
  });

  return {
    server,
    listen: (port = 0, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};
