import * as E from 'fp-ts/lib/Either.js';
import type { Finding } from '../shared/report.js';
import type { LastErrorCode } from '../shared/values.js';
import type { CheckOutcome } from './check-result.js';

/**
 * One assessment step: the recorded finding, and the error code it means when it failed.
 * `code` may be session-level (`country_not_supported`, `under_supported_age`): the report
 * section then shows `document_unverified_other` with that code's reason.
 */
export interface Step {
  readonly finding: Finding;
  readonly code: LastErrorCode | null;
}

export const step = (check: string, outcome: CheckOutcome<unknown>, code: LastErrorCode): Step =>
  E.isRight(outcome)
    ? { finding: { check, valid: true, failed_rules: [] }, code: null }
    : { finding: { check: outcome.left.check, valid: false, failed_rules: [...outcome.left.failedRules] }, code };

export const providerStep = (check: string, failedRules: ReadonlyArray<string>, code: LastErrorCode): Step =>
  failedRules.length === 0
    ? { finding: { check, valid: true, failed_rules: [] }, code: null }
    : { finding: { check, valid: false, failed_rules: [...failedRules] }, code };

/** The first failed code in `priority` order among the steps, `null` when all passed. */
export const firstFailure = (steps: ReadonlyArray<Step>, priority: ReadonlyArray<LastErrorCode>): LastErrorCode | null =>
  priority.find((code) => steps.some((s) => s.code === code)) ?? null;
