import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import type { IdentityError } from '../domain/errors.js';

/** The value of a Right, or a test failure showing the Left. */
export const ok = <A>(result: E.Either<IdentityError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${JSON.stringify(result.left)}`);
  return result.right;
};

/** The error of a Left, checked for its code and param. */
export const expectError = <A>(result: E.Either<IdentityError, A>, code: string, param?: string): IdentityError => {
  if (E.isRight(result)) throw new Error(`expected an error, got ${JSON.stringify(result.right)}`);
  expect({ code: result.left.code, param: result.left.param, type: result.left.type }).toEqual({ code, param, type: 'invalid_request_error' });
  return result.left;
};
