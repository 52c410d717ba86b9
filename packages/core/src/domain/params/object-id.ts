/**
 * Object ids taken from the URL path or the SDK's first argument. Only the form is checked here:
 * an id with the wrong prefix, or none, is well-formed and simply names no object (404
 * `resource_missing` from the store). Errors name `param` (`id` unless the id is passed under another name).
 */
import * as E from 'fp-ts/lib/Either.js';
import { invalidParameter, type IdentityError } from '../errors.js';
import { MAX_STRING_LENGTH, charLength, kindOf, tooLong } from './primitives.js';

export type ObjectIdPrefix = 'vs_' | 'vr_' | 'cus_' | 'lh_';

const WHITESPACE = /\s/;

export const decodeObjectId =
  (prefix: ObjectIdPrefix, objectName: string, param = 'id') =>
  (id: unknown): E.Either<IdentityError, string> => {
    if (typeof id !== 'string') {
      return E.left(invalidParameter(param, `Invalid ${objectName} id: expected a string like '${prefix}…', got ${kindOf(id)}`));
    }
    if (id === '') {
      return E.left(
        invalidParameter(param, `Invalid ${objectName} id: must not be empty`, 'parameter_invalid_string_empty'),
      );
    }
    if (WHITESPACE.test(id)) {
      return E.left(invalidParameter(param, `Invalid ${objectName} id: must not contain whitespace`));
    }
    if (id.length > MAX_STRING_LENGTH && charLength(id) > MAX_STRING_LENGTH) return E.left(tooLong(param, MAX_STRING_LENGTH));
    return E.right(id);
  };
