/**
 * `metadata` (spec section 15): at most 50 keys, keys at most 40 characters and free of `[` / `]`
 * (they cannot be form-encoded unambiguously), values at most 500 characters. Values may be given
 * as strings or finite numbers (numbers are stored as their decimal string, as Stripe does).
 * Every metadata problem is reported with code `metadata_invalid` and the offending
 * `metadata[key]` path (or `metadata` for the map as a whole).
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { invalidParameter, type IdentityError } from '../errors.js';
import { METADATA_MAX_KEYS, METADATA_MAX_KEY_LENGTH, METADATA_MAX_VALUE_LENGTH, type Metadata, type MetadataUpdate } from '../shared/values.js';
import { child, fail, makeCodec, pathOf } from './decode.js';
import { charLength, isEmptyValue, isPlainObject, kindOf, presentKeys, type Codec } from './primitives.js';

export type { Metadata, MetadataUpdate };

export { METADATA_MAX_KEYS, METADATA_MAX_KEY_LENGTH, METADATA_MAX_VALUE_LENGTH };


const metadataError = (param: string, message: string): IdentityError =>
  invalidParameter(param, message, 'metadata_invalid');

const BRACKET = /[[\]]/;

/** Validates one entry; `null` means "delete this key" (sent as `''` or `null`). */
const entryValue = (key: string, value: unknown, param: string): E.Either<IdentityError, string | null> => {
  if (key.length === 0) return E.left(metadataError(param, 'Invalid metadata key: keys must not be empty'));
  if (BRACKET.test(key)) {
    return E.left(metadataError(param, "Invalid metadata key: keys must not contain '[' or ']'"));
  }
  if (charLength(key) > METADATA_MAX_KEY_LENGTH) {
    return E.left(
      metadataError(param, `Invalid metadata key: keys must be at most ${METADATA_MAX_KEY_LENGTH} characters long`),
    );
  }
  if (isEmptyValue(value)) return E.right(null);
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return E.left(metadataError(param, `Invalid metadata value: ${param} must be a string, got ${kindOf(value)}`));
  if (charLength(text) > METADATA_MAX_VALUE_LENGTH) {
    return E.left(
      metadataError(param, `Invalid metadata value: values must be at most ${METADATA_MAX_VALUE_LENGTH} characters long`),
    );
  }
  return E.right(text);
};

/** The entries of a metadata object, in key order; `''` / `null` values become `null`. */
const metadataEntries: Codec<Array<[string, string | null]>> = makeCodec('metadata', (u, c) => {
  const param = pathOf(c);
  if (!isPlainObject(u)) {
    return fail(u, c, metadataError(param, `Invalid metadata: ${param} must be an object of key-value pairs, got ${kindOf(u)}`));
  }
  const entries: Array<[string, string | null]> = [];
  for (const key of presentKeys(u)) {
    const value = u[key];
    const keyContext = child(c, key, metadataEntries, value);
    const checked = entryValue(key, value, pathOf(keyContext));
    if (E.isLeft(checked)) return fail(value, keyContext, checked.left);
    entries.push([key, checked.right]);
  }
  const set = entries.filter(([, v]) => v !== null).length;
  if (set > METADATA_MAX_KEYS) {
    return fail(u, c, metadataError(param, `Invalid metadata: at most ${METADATA_MAX_KEYS} keys are allowed, got ${set}`));
  }
  return t.success(entries);
});

/** Create: `''` / `null` for the whole map, or for one key, means "no value": the result has none. */
export const createMetadata: Codec<Metadata> = makeCodec('metadata', (u, c) => {
  if (isEmptyValue(u)) return t.success({});
  return E.map((entries: Array<[string, string | null]>) =>
    Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== null)),
  )(metadataEntries.validate(u, c));
});

/** Update: `''` / `null` for the whole map clears it; for one key, deletes that key. */
export const updateMetadata: Codec<MetadataUpdate> = makeCodec('metadata', (u, c) => {
  if (isEmptyValue(u)) return t.success(null);
  return E.map((entries: Array<[string, string | null]>): MetadataUpdate => Object.fromEntries(entries))(
    metadataEntries.validate(u, c),
  );
});
