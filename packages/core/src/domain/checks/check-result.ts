import * as E from 'fp-ts/lib/Either.js';

/**
 * What a failed check says: which check (a versioned id such as `cpf.checksum@1`) and every rule
 * that failed, so that a rejection can be explained. A check that passes returns its normalised
 * value instead.
 */
export interface CheckFailure {
  readonly check: string;
  readonly failedRules: ReadonlyArray<string>;
  readonly detail?: string;
}

export type CheckOutcome<A> = E.Either<CheckFailure, A>;

/** Right when no rule failed, otherwise a Left naming all of them. */
export const verdict = <A>(check: string, failedRules: ReadonlyArray<string>, value: A, detail?: string): CheckOutcome<A> =>
  failedRules.length === 0
    ? E.right(value)
    : E.left({ check, failedRules, ...(detail === undefined ? {} : { detail }) });

export const failed = (check: string, rule: string, detail?: string): CheckOutcome<never> =>
  E.left({ check, failedRules: [rule], ...(detail === undefined ? {} : { detail }) });
