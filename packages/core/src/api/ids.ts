import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/** Ids from a cryptographic random source, in Stripe's shapes (`vs_` + 24 base62 characters). */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The low `length` base62 digits of the bytes read as one number: uniform enough when the bytes
 * carry far more entropy than 62^length (24 digits ≈ 143 bits, drawn from 192 or 256 bits).
 */
export const base62 = (bytes: Uint8Array, length: number): string => {
  let value = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  for (let index = 0; index < length; index++) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
};

export const randomId = (prefix: string, length = 24): string => `${prefix}${base62(randomBytes(Math.ceil(length * 0.75) + 8), length)}`;

export interface IdSource {
  readonly session: () => string;
  readonly report: () => string;
  readonly customer: () => string;
  readonly request: () => string;
  readonly event: () => string;
}

export const randomIds: IdSource = {
  session: () => randomId('vs_'),
  report: () => randomId('vr_'),
  customer: () => randomId('cus_', 14),
  request: () => randomId('req_', 14),
  event: () => randomUUID(),
};

/**
 * The url / client_secret token of a session is derived, not stored: HMAC(key, id, generation).
 * The log then holds no bearer credential, and a new generation (after a failed attempt) gives
 * a fresh token. Whoever holds the key can re-derive it, so the key is configuration.
 */
export const sessionToken = (key: Uint8Array, sessionId: string, generation: number, livemode: boolean): string => {
  const digest = createHmac('sha256', key).update(`${sessionId}:${generation}`).digest();
  return `${livemode ? 'live' : 'test'}_${base62(digest, 32)}`;
};
