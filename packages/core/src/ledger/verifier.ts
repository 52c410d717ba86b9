import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { VerificationOutcome } from '../domain/verification-session/commands.js';
import type { TestOutcome } from '../domain/verification-session/events.js';
import type { SessionData } from '../domain/verification-session/state.js';

/**
 * The port through which a submitted session is checked. An implementation may call outside
 * providers; a failure of theirs is a Left, which leaves the session in processing to be retried,
 * and never an outcome.
 */
export interface VerificationRequest {
  readonly session: SessionData;
  readonly attempt: number;
  readonly testOutcome?: TestOutcome;
  /** `end_user`: submitted through the verification flow, with collected inputs to check. */
  readonly source?: 'end_user';
  /** The id the report of this attempt will carry. */
  readonly reportId: string;
  /** Unix seconds. */
  readonly now: number;
}

export interface VerifierFailure {
  readonly _tag: 'ProviderUnavailable' | 'ProviderTimeout' | 'ProviderFailed';
  readonly provider: string;
  readonly reason: string;
}

export interface Verifier {
  readonly verify: (request: VerificationRequest) => TaskEither<VerifierFailure, VerificationOutcome>;
}
