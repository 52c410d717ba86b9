import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { IdentityError } from '../domain/errors.js';
import { sessionAsOf } from '../domain/verification-session/as-of.js';
import { verificationSessionDecider } from '../domain/verification-session/decider.js';
import type { VerificationSessionEvent } from '../domain/verification-session/events.js';
import { sessionNotFound } from '../domain/verification-session/rules.js';
import { loadStream } from '../ledger/command-handler.js';
import type { AuditEntry } from '../ledger/projections/audit-view.js';
import { sessionStream } from '../ledger/streams.js';
import type { VerificationSessionObject } from './objects.js';
import { renderSession } from './render.js';
import { callerOf, reading, type LedgerRuntime, type RequestOptions } from './runtime.js';

/**
 * What an investigator asks: the audit trail of a session, and the session as it was at a
 * revision or a moment, from the events alone. Scoped to the caller's mode like every read;
 * personal data redacted since is not shown for the past either.
 */

export interface SessionHistory {
  /** The session as it was at that point, rendered as the API would have (without credentials). */
  readonly session: VerificationSessionObject;
  /** The revision the session is shown at. */
  readonly revision: bigint;
  /** Every event up to that point, with its actor, request and the fields it changed. */
  readonly events: ReadonlyArray<AuditEntry>;
}

export interface HistoryQuery {
  /** 0-based revision of the session's stream. */
  readonly revision?: bigint;
  /** The session as it stood at this moment (by each event's occurred-at time). */
  readonly asOf?: Date;
  readonly expand?: ReadonlyArray<string>;
}

export const createHistoryOperations = (runtime: LedgerRuntime) => {
  const audit = (sessionId: string, options?: RequestOptions): TE.TaskEither<IdentityError, ReadonlyArray<AuditEntry>> =>
    pipe(
      TE.fromEither(callerOf(runtime, options)),
      TE.chain((caller) => reading(async () => {
        const row = await runtime.readModel.session(sessionId, caller.livemode);
        return row === undefined ? E.left(sessionNotFound(sessionId)) : E.right(await runtime.readModel.audit(sessionId));
      })),
    );

  const sessionHistory = (sessionId: string, query: HistoryQuery = {}, options?: RequestOptions): TE.TaskEither<IdentityError, SessionHistory> =>
    pipe(
      audit(sessionId, options),
      TE.chain((entries) =>
        pipe(
          loadStream(runtime, verificationSessionDecider, sessionStream(sessionId)),
          TE.chainEitherK(({ history }) => {
            // Stop at the first event past the point: writers' clocks may disagree, so a later
            // revision can carry an earlier time, and the past is always a prefix of the stream.
            const past = history.findIndex(
              ({ envelope }) =>
                (query.revision !== undefined && envelope.revision > query.revision) ||
                (query.asOf !== undefined && envelope.occurredAt.getTime() > query.asOf.getTime()),
            );
            const included = past === -1 ? history : history.slice(0, past);
            const state = sessionAsOf(
              history.map(({ event }) => event as VerificationSessionEvent),
              included.length,
            );
            const last = included[included.length - 1];
            if (state._tag === 'Absent' || last === undefined) return E.left(sessionNotFound(sessionId));
            return E.right({
              session: renderSession(state.session, runtime.render, query.expand ?? [], { forEvent: true }),
              revision: last.envelope.revision,
              events: entries.filter((entry) => entry.revision <= last.envelope.revision),
            });
          }),
        ),
      ),
    );

  return { audit, sessionHistory };
};
