import type { Report } from '../../domain/shared/report.js';
import type { VerificationSessionEvent } from '../../domain/verification-session/events.js';
import type { SessionData } from '../../domain/verification-session/state.js';
import type { LedgerEvent } from '../envelope.js';

/** The reports view: one row per processed attempt, redacted together with its session. */
export interface ReportRow {
  readonly report: Report;
  readonly sessionId: string;
  readonly livemode: boolean;
  readonly clientReferenceId: string | null;
  readonly createdPosition: bigint;
}

/**
 * `session` is the session after the event; its `reports` are already redacted by the
 * decider's fold, so this view takes them from there rather than redacting a second time.
 */
export const projectReports = (
  rows: ReadonlyArray<ReportRow>,
  { event, envelope }: LedgerEvent<VerificationSessionEvent>,
  session: SessionData,
): ReadonlyArray<ReportRow> => {
  switch (event.type) {
    case 'VerificationSessionVerified':
    case 'VerificationSessionChecksFailed':
      return [
        ...rows,
        {
          report: event.data.report,
          sessionId: session.id,
          livemode: session.livemode,
          clientReferenceId: session.clientReferenceId,
          createdPosition: envelope.position,
        },
      ];
    case 'VerificationSessionRedactionRequested':
      return rows.map((row) => ({ ...row, report: session.reports.find((report) => report.id === row.report.id) ?? row.report }));
    default:
      return rows;
  }
};
