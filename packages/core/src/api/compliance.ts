import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { complianceDecider, redactionVerdict, type LegalHold, type Refused, type RetentionPolicy } from '../domain/compliance/compliance.js';
import { customerNotFound } from '../domain/customer/customer.js';
import { identityError, type IdentityError } from '../domain/errors.js';
import { decodeLiftLegalHoldParams, decodeObjectId, decodePlaceLegalHoldParams } from '../domain/params/index.js';
import { verificationSessionDecider } from '../domain/verification-session/decider.js';
import { sessionNotFound } from '../domain/verification-session/rules.js';
import { handleCommand, loadStream } from '../ledger/command-handler.js';
import { complianceStream, sessionStream } from '../ledger/streams.js';
import { randomId } from './ids.js';
import { callerOf, contextOf, execute, idForCreate, nowSeconds, reading, type Caller, type LedgerRuntime, type RequestOptions } from './runtime.js';

/**
 * Legal holds and retention, opt-in. A legal hold on a session, or on the customer it relates to,
 * blocks its redaction; a retention policy keeps a session's records for a period after it ends.
 * A redaction either goes ahead as Stripe's does, or is refused with an error, and the refusal is
 * recorded as an event in the subject's compliance stream: every decision leaves a trace.
 */

export interface LegalHoldObject {
  readonly object: 'legal_hold';
  readonly id: string;
  /** The session (`vs_…`) or customer (`cus_…`) it holds. */
  readonly subject: string;
  readonly reference: string;
  readonly reason: string;
  readonly placed_at: number;
}

export interface RetentionSweep {
  /** Sessions whose retention expired, redacted by this sweep. */
  readonly redacted: ReadonlyArray<string>;
  /** Records still inside their retention period, or not ended yet. */
  readonly retained: number;
  /** Expired records kept because a legal hold is on them. */
  readonly held: number;
}

type Result<A> = TE.TaskEither<IdentityError, A>;

const decodeSubject = (id: unknown): E.Either<IdentityError, string> =>
  pipe(
    decodeObjectId('vs_', 'subject', 'subject')(id),
    E.filterOrElse(
      (subject) => subject.startsWith('vs_') || subject.startsWith('cus_'),
      (subject) => identityError({ type: 'invalid_request_error', code: 'invalid_value', param: 'subject', message: `A legal hold is placed on a session (vs_…) or a customer (cus_…), not '${subject}'.` }),
    ),
  );

const toObject = (subject: string, hold: LegalHold): LegalHoldObject => ({
  object: 'legal_hold',
  id: hold.id,
  subject,
  reference: hold.reference,
  reason: hold.reason,
  placed_at: hold.placedAt,
});

export const refusalError = (sessionId: string, refused: Refused): IdentityError =>
  refused.refusal === 'legal_hold'
    ? identityError({
        type: 'invalid_request_error',
        code: 'session_under_legal_hold',
        message: `VerificationSession ${sessionId} cannot be redacted: it is under legal hold (${refused.holdIds.join(', ')}). The refusal was recorded.`,
      })
    : identityError({
        type: 'invalid_request_error',
        code: 'session_under_retention',
        message:
          `VerificationSession ${sessionId} cannot be redacted: its records are kept under retention policy ${refused.retentionPolicy ?? ''} ` +
          (refused.retainedUntil === null ? 'until the session ends and the period has passed' : `until ${new Date(refused.retainedUntil * 1000).toISOString()}`) +
          '. The refusal was recorded.',
      });

export const createComplianceOperations = (runtime: LedgerRuntime, policy: RetentionPolicy | undefined) => {
  const run = execute(runtime);
  // Compliance streams feed no read model: their state is read from the stream itself, so a
  // write here has nothing to wait for (and must not make `whenIdle` wait for it either).
  const record = handleCommand({ store: runtime.store, serializer: runtime.serializer, clock: runtime.clock, newEventId: runtime.ids.event, states: runtime.states });
  const holdsOf = (subject: string): Result<ReadonlyArray<LegalHold>> =>
    pipe(loadStream(runtime, complianceDecider, complianceStream(subject)), TE.map(({ state }) => state.holds));

  const subjectExists = (caller: Caller, subject: string): Result<void> =>
    reading(async () => {
      if (subject.startsWith('vs_')) return (await runtime.readModel.session(subject, caller.livemode)) ? E.right(undefined) : E.left(sessionNotFound(subject));
      return (await runtime.readModel.customer(subject, caller.livemode)) ? E.right(undefined) : E.left(customerNotFound(subject));
    });

  /** The verdict on erasing a session now, from its stream, its holds and its customer's. */
  const verdictFor = (sessionId: string) =>
    pipe(
      loadStream(runtime, verificationSessionDecider, sessionStream(sessionId)),
      TE.chain(({ state, history }) => {
        if (state._tag === 'Absent') return TE.right(undefined);
        const session = state.session;
        const ended = [...history].reverse().find(({ event }) => event.type === 'VerificationSessionVerified' || event.type === 'VerificationSessionCanceled');
        return pipe(
          holdsOf(sessionId),
          TE.chain((own) => (session.relatedCustomer === null ? TE.right(own) : pipe(holdsOf(session.relatedCustomer), TE.map((customer) => [...own, ...customer])))),
          TE.map((holds) => ({
            session,
            verdict: redactionVerdict({
              now: nowSeconds(runtime),
              holds,
              policy,
              isRecord: session.reports.length > 0,
              endedAt: session.status === 'verified' || session.status === 'canceled' ? (ended === undefined ? null : Math.floor(ended.envelope.occurredAt.getTime() / 1000)) : null,
            }),
          })),
        );
      }),
    );

  /** Run before a redaction: refuses (and records the refusal) when a hold or retention forbids it. */
  const guardRedaction = (caller: Caller, sessionId: string): Result<void> =>
    pipe(
      verdictFor(sessionId),
      TE.chain((found) => {
        // A session of the other mode is none of this caller's: the decision answers resource_missing,
        // and neither its holds nor a refusal may show.
        if (found === undefined || found.session.livemode !== caller.livemode || found.session.redaction !== null || found.verdict._tag === 'Allowed') {
          return TE.right(undefined);
        }
        const refused = found.verdict;
        return pipe(
          record(complianceDecider, complianceStream(sessionId), { type: 'RecordRedactionRefusal', sessionId, verdict: refused, now: nowSeconds(runtime) }, contextOf(caller)),
          TE.chain(() => TE.left(refusalError(sessionId, refused))),
        );
      }),
    );

  const place = (subject: unknown, params: unknown, options?: RequestOptions): Result<LegalHoldObject> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('subject', () => TE.fromEither(decodeSubject(subject))),
      TE.bind('params', () => TE.fromEither(decodePlaceLegalHoldParams(params ?? {}))),
      TE.chainFirst(({ caller, subject }) => subjectExists(caller, subject)),
      TE.chain(({ caller, subject, params }) => {
        // With an idempotency key the id derives from it, so a retried request finds its hold instead of stacking another.
        const holdId = idForCreate(caller, 'lh_', 14, () => randomId('lh_', 14));
        return pipe(
          record(complianceDecider, complianceStream(subject), { type: 'PlaceLegalHold', holdId, reference: params.reference, reason: params.reason, now: nowSeconds(runtime) }, contextOf(caller)),
          TE.map(({ state }) => toObject(subject, state.holds.find((hold) => hold.id === holdId)!)),
        );
      }),
    );

  const lift = (subject: unknown, holdId: unknown, params: unknown, options?: RequestOptions): Result<{ readonly id: string; readonly object: 'legal_hold'; readonly lifted: true }> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('subject', () => TE.fromEither(decodeSubject(subject))),
      TE.bind('holdId', () => TE.fromEither(decodeObjectId('lh_', 'legal hold', 'hold')(holdId))),
      TE.bind('params', () => TE.fromEither(decodeLiftLegalHoldParams(params ?? {}))),
      TE.chainFirst(({ caller, subject }) => subjectExists(caller, subject)),
      TE.chain(({ caller, subject, holdId, params }) =>
        pipe(
          record(complianceDecider, complianceStream(subject), { type: 'LiftLegalHold', holdId, reason: params.reason, now: nowSeconds(runtime) }, contextOf(caller)),
          TE.map(() => ({ id: holdId, object: 'legal_hold' as const, lifted: true as const })),
        ),
      ),
    );

  const list = (subject: unknown, options?: RequestOptions): Result<ReadonlyArray<LegalHoldObject>> =>
    pipe(
      TE.fromEither(E.Do),
      TE.bind('caller', () => TE.fromEither(callerOf(runtime, options))),
      TE.bind('subject', () => TE.fromEither(decodeSubject(subject))),
      TE.chainFirst(({ caller, subject }) => subjectExists(caller, subject)),
      TE.chain(({ subject }) => pipe(holdsOf(subject), TE.map((holds) => holds.map((hold) => toObject(subject, hold))))),
    );

  /**
   * Redacts every session whose retention has expired (and that no hold keeps), as the ledger's
   * own `retention` actor with the policy named as the reason. Refusals are not recorded here:
   * nobody asked, so nothing was refused.
   */
  const sweep = (): Result<RetentionSweep> => async () => {
    if (policy === undefined) {
      return E.left(identityError({ type: 'invalid_request_error', code: 'invalid_value', param: 'retention', message: 'No retention policy is configured: there is nothing to sweep.' }));
    }
    const redacted: Array<string> = [];
    let retained = 0;
    let held = 0;
    for (const livemode of [false, true]) {
      for (const status of ['verified', 'canceled'] as const) {
        let startingAfter: string | undefined;
        for (;;) {
          const page = await runtime.readModel.listSessions({ livemode, status, limit: 100, ...(startingAfter === undefined ? {} : { starting_after: startingAfter }) });
          if (E.isLeft(page)) return page;
          for (const { session } of page.right.data) {
            if (session.redaction !== null || session.reports.length === 0) continue;
            const found = await verdictFor(session.id)();
            if (E.isLeft(found)) return found;
            if (found.right === undefined) continue;
            const verdict = found.right.verdict;
            if (verdict._tag === 'Refused') {
              if (verdict.refusal === 'legal_hold') held++;
              else retained++;
              continue;
            }
            const done = await run(
              verificationSessionDecider,
              sessionStream(session.id),
              { type: 'RedactVerificationSession', sessionId: session.id, livemode: session.livemode, now: nowSeconds(runtime), reason: `retention expired: ${policy.id}` },
              { actor: { type: 'system', component: 'retention' }, requestId: null, correlationId: runtime.ids.request(), causationId: null },
            )();
            if (E.isLeft(done)) return done;
            redacted.push(session.id);
          }
          const last = page.right.data[page.right.data.length - 1];
          if (!page.right.has_more || last === undefined) break;
          startingAfter = last.session.id;
        }
      }
    }
    return E.right({ redacted, retained, held });
  };

  /**
   * For the redaction job, just before it erases: a hold placed after the redaction was accepted
   * still wins (the job retries with backoff until the hold is lifted). Retention is not asked
   * again: it was decided when the redaction was accepted.
   */
  const erasureAllowed = (sessionId: string): Result<void> =>
    pipe(
      loadStream(runtime, verificationSessionDecider, sessionStream(sessionId)),
      TE.chain(({ state }) => {
        const customer = state._tag === 'Existing' ? state.session.relatedCustomer : null;
        return pipe(
          holdsOf(sessionId),
          TE.chain((own) => (customer === null ? TE.right(own) : pipe(holdsOf(customer), TE.map((theirs) => [...own, ...theirs])))),
        );
      }),
      TE.chain((holds) =>
        holds.length === 0
          ? TE.right(undefined)
          : TE.left(refusalError(sessionId, { refusal: 'legal_hold', holdIds: holds.map((hold) => hold.id), retentionPolicy: null, retainedUntil: null })),
      ),
    );

  return { guardRedaction, verdictFor, erasureAllowed, legalHolds: { place, lift, list }, retention: { sweep } };
};

export type ComplianceOperations = ReturnType<typeof createComplianceOperations>;
