/**
 * The one place where io-ts validation failures become an `IdentityError`.
 *
 * Every parameter codec in this folder is an io-ts `Type` whose context entries carry exactly one
 * parameter segment each (the root entry has the key `''`), so the context of a failure *is* the
 * Stripe bracket path of the offending parameter: `options` → `document` → `allowed_types` → `0`
 * becomes `options[document][allowed_types][0]`. Codecs fail through `fail`, attaching the finished
 * `IdentityError`; a failure from a plain io-ts codec (no attached error) is translated generically.
 * Decoders stop at the first failure, so the reported parameter is deterministic.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { invalidParameter, invalidRequest, type IdentityError } from '../errors.js';
import { sameData } from '../shared/equal.js';

/** A validation error that already knows which `IdentityError` it stands for. */
export interface IdentityValidationError extends t.ValidationError {
  readonly identityError: IdentityError;
}

const hasIdentityError = (e: t.ValidationError): e is IdentityValidationError =>
  typeof (e as { identityError?: unknown }).identityError === 'object' &&
  (e as { identityError?: unknown }).identityError !== null;

/** The parameter segments of a context: every key after the root entry. */
export const segmentsOf = (c: t.Context): string[] => c.slice(1).map((entry) => entry.key);

/** Stripe bracket form: `['options', 'document', 'foo']` → `options[document][foo]`. */
export const bracketPath = (segments: readonly string[]): string => {
  const [head, ...rest] = segments;
  return head === undefined ? '' : head + rest.map((s) => `[${s}]`).join('');
};

/** The bracket path of the parameter a context points at (`''` for the whole request). */
export const pathOf = (c: t.Context): string => bracketPath(segmentsOf(c));

/** Extends a context by one parameter segment. */
export const child = (c: t.Context, key: string, type: t.Decoder<unknown, unknown>, actual: unknown): t.Context =>
  t.appendContext(c, key, type, actual);

/** Fails a validation with a finished `IdentityError`. */
export const fail = <A>(value: unknown, c: t.Context, error: IdentityError): t.Validation<A> =>
  t.failures<A>([{ value, context: c, message: error.message, identityError: error } as IdentityValidationError]);

/** Translates io-ts errors into one `IdentityError`: the first error wins. */
export const toIdentityError = (errors: t.Errors): IdentityError => {
  const first = errors[0];
  if (first === undefined) return invalidRequest('invalid_value', 'Invalid request parameters');
  if (hasIdentityError(first)) return first.identityError;
  const param = pathOf(first.context);
  const expected = first.context[first.context.length - 1]?.type.name ?? 'value';
  const message = first.message ?? `Invalid value for ${param === '' ? 'request' : param}: expected ${expected}`;
  return param === '' ? invalidRequest('invalid_value', message) : invalidParameter(param, message);
};

/** The root context io-ts itself would build for `codec.decode(input)`. */
export const rootContext = (codec: t.Decoder<unknown, unknown>, input: unknown): t.Context => [
  { key: '', type: codec, actual: input },
];

export type ParamsDecoder<A> = (input: unknown) => E.Either<IdentityError, A>;

/** Turns a parameter codec into a decoder `(input) => Either<IdentityError, A>`. */
export const decoderOf =
  <A>(codec: t.Decoder<unknown, A>): ParamsDecoder<A> =>
  (input) =>
    E.mapLeft(toIdentityError)(codec.validate(input, rootContext(codec, input)));

/**
 * A decoder for a whole request's parameters: `undefined` or `null` (a call without params, as in
 * `retrieve(id)`) is the empty request.
 */
export const requestDecoder =
  <A>(codec: t.Decoder<unknown, A>): ParamsDecoder<A> =>
  (input) =>
    decoderOf(codec)(input === undefined || input === null ? {} : input);

/**
 * Builds a parameter codec from its validate function. Codecs normalise form input (`'true'`,
 * `'12'`, `{"0": …}`), so `is` holds only for values that are already in decoded form.
 * Encoding is the identity: decoded parameters are plain data.
 */
export const makeCodec = <A>(name: string, validate: t.Validate<unknown, A>): t.Type<A, A, unknown> => {
  const codec: t.Type<A, A, unknown> = new t.Type<A, A, unknown>(
    name,
    (u): u is A => {
      const result = validate(u, rootContext(codec, u));
      return E.isRight(result) && sameData(result.right, u);
    },
    validate,
    t.identity,
  );
  return codec;
};
