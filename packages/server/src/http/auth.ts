import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { isValidApiKey, livemodeOfKey } from '@idledger/core';
import { labelApiKey } from '@idledger/core/ledger';
import { wireError, type WireError } from './wire-error.js';

/**
 * Who a request speaks for. Secret-key endpoints take `Authorization: Bearer sk_…` (or HTTP
 * Basic with the key as user name, as stripe-mock does) and nothing else: a session's
 * `client_secret` or a publishable key there is a 401. The end-user side of the hosted flow is
 * authorized by the session's client secret alone (`ClientSecretPrincipal`), checked against
 * the session it names, never by a secret key.
 */

export interface SecretKeyPrincipal {
  readonly kind: 'secret_key';
  readonly apiKey: string;
  readonly livemode: boolean;
}

export interface ClientSecretPrincipal {
  readonly kind: 'client_secret';
  readonly clientSecret: string;
}

/** The shape of a session's client secret, only to refuse one early; the ledger parses and checks it against its session. */
const CLIENT_SECRET_SHAPE = /^vs_[A-Za-z0-9]+_secret_(test|live)_[A-Za-z0-9]+$/;

/** The label of a key safe for messages and logs: its prefix and last four characters (short keys: the prefix only). */
export const keyLabel = (key: string): string => (key.length > 12 ? labelApiKey(key) : `${/^[a-z]{2}_(test|live)_/.exec(key)?.[0] ?? ''}…`);

const digest = (key: string): string => createHash('sha256').update(key).digest('hex');

/** The configured keys, held by digest so that lookups do not compare secrets byte by byte. */
export interface KeyRing {
  readonly has: (key: string) => boolean;
}

export const keyRing = (keys: ReadonlyArray<string>): KeyRing => {
  const invalid = keys.find((key) => !isValidApiKey(key));
  if (invalid !== undefined) throw new TypeError(`Not a secret key (sk_test_…, sk_live_…, rk_test_… or rk_live_…): ${keyLabel(invalid)}`);
  if (keys.length === 0) throw new TypeError('At least one API key is required.');
  const digests = new Set(keys.map(digest));
  return { has: (key) => digests.has(digest(key)) };
};

const unauthorized = (code: string, message: string): WireError => wireError(401, code, message);

const presentedKey = (authorization: string | undefined): string | undefined => {
  if (authorization === undefined) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0];
  return undefined;
};

export const authenticateSecretKey = (ring: KeyRing, authorization: string | undefined): E.Either<WireError, SecretKeyPrincipal> => {
  const key = presentedKey(authorization);
  if (key === undefined || key === '') {
    return E.left(
      unauthorized(
        'api_key_missing',
        "You did not provide an API key. Provide your secret key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer sk_test_…').",
      ),
    );
  }
  if (CLIENT_SECRET_SHAPE.test(key)) {
    return E.left(unauthorized('secret_key_required', 'This endpoint requires a secret key. A VerificationSession client_secret is never accepted here.'));
  }
  if (!isValidApiKey(key)) {
    return E.left(unauthorized('secret_key_required', `This endpoint requires a secret key (sk_… or rk_…); got ${keyLabel(key)}.`));
  }
  if (!ring.has(key)) return E.left(unauthorized('api_key_invalid', `Invalid API Key provided: ${keyLabel(key)}`));
  return E.right({ kind: 'secret_key', apiKey: key, livemode: livemodeOfKey(key) });
};

/**
 * Takes a `client_secret` parameter as the principal of a hosted-flow call. Only its form is
 * checked here; the hosted-flow endpoints then check it against that session's current token.
 */
export const clientSecretPrincipal = (clientSecret: unknown): E.Either<WireError, ClientSecretPrincipal> => {
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    return E.left(wireError(401, 'client_secret_required', 'This endpoint is authorized by the VerificationSession client_secret.', 'client_secret'));
  }
  if (!CLIENT_SECRET_SHAPE.test(clientSecret)) return E.left(wireError(401, 'client_secret_invalid', 'Invalid client_secret.', 'client_secret'));
  return E.right({ kind: 'client_secret', clientSecret });
};
