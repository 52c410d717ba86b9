import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { IdentityError } from '../domain/errors.js';

/**
 * The Promise face rejects with an Error that carries Stripe's fields, as stripe-node's errors
 * do: `type` is the SDK's class name (`StripeInvalidRequestError`), `rawType` the API's `type`,
 * plus `code`, `param`, `statusCode` and `raw`. Recognise it by `_tag === 'IdentityError'` or by
 * `code`, never by `instanceof`.
 */

export interface IdentityErrorException extends Error {
  readonly _tag: 'IdentityError';
  readonly type: string;
  readonly rawType: IdentityError['type'];
  readonly code: IdentityError['code'];
  readonly param?: string;
  readonly statusCode: number;
  readonly raw: IdentityError;
}

const sdkClassName = (error: IdentityError): string => {
  if (error.statusCode === 401) return 'StripeAuthenticationError';
  if (error.statusCode === 403) return 'StripePermissionError';
  if (error.statusCode === 429) return 'StripeRateLimitError';
  if (error.statusCode === 400 || error.statusCode === 404) {
    return error.type === 'idempotency_error' ? 'StripeIdempotencyError' : 'StripeInvalidRequestError';
  }
  return 'StripeAPIError';
};

export const toException = (error: IdentityError): IdentityErrorException =>
  Object.assign(new Error(error.message), {
    name: sdkClassName(error),
    _tag: 'IdentityError' as const,
    type: sdkClassName(error),
    rawType: error.type,
    code: error.code,
    ...(error.param === undefined ? {} : { param: error.param }),
    statusCode: error.statusCode,
    raw: error,
  });

export const toPromise = async <A>(task: TaskEither<IdentityError, A>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) throw toException(result.left);
  return result.right;
};

/** Turns every TaskEither-returning method of an object into a Promise-returning one. */
export type PromiseFace<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer Args) => TaskEither<IdentityError, infer A> ? (...args: Args) => Promise<A> : never;
};

export const promiseFace = <T extends Record<string, (...args: never[]) => TaskEither<IdentityError, unknown>>>(operations: T): PromiseFace<T> =>
  Object.fromEntries(
    Object.entries(operations).map(([name, operation]) => [name, (...args: never[]) => toPromise(operation(...args))]),
  ) as PromiseFace<T>;
