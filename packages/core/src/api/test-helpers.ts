import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { invalidRequest, type IdentityError } from '../domain/errors.js';
import { decodeObjectId } from '../domain/params/object-id.js';
import { decodeSubmitTestParams, decodeUnverifyTestParams, decodeVerifyTestParams } from '../domain/params/test-helpers.js';
import { USER_SIDE_ERROR_CODES, type LastErrorCode } from '../domain/shared/values.js';
import type { VerificationSessionCommand } from '../domain/verification-session/commands.js';
import { verificationSessionDecider } from '../domain/verification-session/decider.js';
import { sessionNotFound } from '../domain/verification-session/rules.js';
import { sessionStream } from '../ledger/streams.js';
import { defaultTestFailureCode, testFailureApplies, testLastError } from '../ledger/test-mode-verifier.js';
import type { VerificationSessionObject } from './objects.js';
import { renderSession } from './render.js';
import { callerOf, execute, fingerprintOf, idempotent, nowSeconds, reading, type Caller, type LedgerRuntime, type RequestOptions } from './runtime.js';
import { sessionAt } from './verification-sessions.js';

/**
 * `testHelpers.identity.verificationSessions`: what the hosted page's test screen does, for
 * test-mode sessions only. `submit` hands the session to the verifier as the end user would;
 * `verify` and `unverify` submit it with a chosen outcome. A user-side failure code
 * (`abandoned`, `consent_declined`, …) records that failure without a submission.
 */

type Result<A> = TE.TaskEither<IdentityError, A>;

const testModeOnly = (): IdentityError =>
  invalidRequest('livemode_mismatch', 'Test helpers can only be used with a test-mode API key.');

export const createTestHelperOperations = (runtime: LedgerRuntime) => {
  const run = execute(runtime);
  const withKey = idempotent(runtime);
  const decodeId = decodeObjectId('vs_', 'VerificationSession');

  const callerInTestMode = (options: RequestOptions | undefined): E.Either<IdentityError, Caller> =>
    pipe(
      callerOf(runtime, options),
      E.filterOrElse((caller) => !caller.livemode, testModeOnly),
    );

  /** Test helpers honour idempotency keys as every other write does: a retry replays. */
  const drive = (caller: Caller, command: VerificationSessionCommand, operation: string, params: unknown): Result<VerificationSessionObject> =>
    withKey(
      caller,
      fingerprintOf(runtime, operation, command.sessionId, params),
      (context) =>
        pipe(
          run(verificationSessionDecider, sessionStream(command.sessionId), command, context),
          TE.chainEitherK(({ state }) =>
            state._tag === 'Existing' ? E.right(renderSession(state.session, runtime.render)) : E.left(sessionNotFound(command.sessionId)),
          ),
        ),
      (stream, revision) => pipe(sessionAt(runtime, stream, revision), TE.map((session) => renderSession(session, runtime.render))),
    );

  const submit = (id: unknown, params?: unknown, options?: RequestOptions): Result<VerificationSessionObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerInTestMode(options))),
      TE.bind('id', () => TE.fromEither(decodeId(id))),
      TE.bind('params', () => TE.fromEither(decodeSubmitTestParams(params ?? {}))),
      TE.chain(({ caller, id, params }) =>
        drive(
          caller,
          { type: 'SubmitVerificationSession', sessionId: id, livemode: false, now: nowSeconds(runtime), simulateDelay: params.simulate_delay === true },
          'test_helpers.verification_sessions.submit',
          params,
        ),
      ),
    );

  const verify = (id: unknown, params?: unknown, options?: RequestOptions): Result<VerificationSessionObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerInTestMode(options))),
      TE.bind('id', () => TE.fromEither(decodeId(id))),
      TE.bind('params', () => TE.fromEither(decodeVerifyTestParams(params ?? {}))),
      TE.chain(({ caller, id, params }) =>
        drive(caller, {
          type: 'SubmitVerificationSession',
          sessionId: id,
          livemode: false,
          now: nowSeconds(runtime),
          testOutcome: { kind: 'verified' },
          simulateDelay: params.simulate_delay === true,
        }, 'test_helpers.verification_sessions.verify', params),
      ),
    );

  const unverify = (id: unknown, params?: unknown, options?: RequestOptions): Result<VerificationSessionObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerInTestMode(options))),
      TE.bind('id', () => TE.fromEither(decodeId(id))),
      TE.bind('params', () => TE.fromEither(decodeUnverifyTestParams(params ?? {}))),
      TE.chain(({ caller, id, params }) => {
        const now = nowSeconds(runtime);
        const chosen = params.last_error?.code;
        if (chosen !== undefined && USER_SIDE_ERROR_CODES.includes(chosen)) {
          return drive(
            caller,
            { type: 'RecordUserFailure', sessionId: id, livemode: false, now, lastError: testLastError(chosen) },
            'test_helpers.verification_sessions.unverify',
            params,
          );
        }
        return pipe(
          reading(() => runtime.readModel.session(id, false).then((row) => E.right<IdentityError, typeof row>(row))),
          TE.chain((row) => {
            if (row === undefined) return TE.left(sessionNotFound(id));
            const code: LastErrorCode = chosen ?? defaultTestFailureCode(row.session);
            const lastError = testLastError(code);
            if (!testFailureApplies(row.session, lastError)) {
              return TE.left(
                invalidRequest('invalid_value', `The ${code} failure belongs to a check that this VerificationSession does not run.`, 'last_error[code]'),
              );
            }
            return drive(caller, {
              type: 'SubmitVerificationSession',
              sessionId: id,
              livemode: false,
              now,
              testOutcome: { kind: 'unverified', last_error: lastError },
              simulateDelay: params.simulate_delay === true,
            }, 'test_helpers.verification_sessions.unverify', params);
          }),
        );
      }),
    );

  return { submit, verify, unverify };
};
