import type { VerificationSessionEvent } from '../../domain/verification-session/events.js';
import { evolve } from '../../domain/verification-session/evolve.js';
import type { SessionData } from '../../domain/verification-session/state.js';
import type { LedgerEvent } from '../envelope.js';

/** The sessions view: the decider's own fold, plus where in the log the session was created. */
export interface SessionRow {
  readonly session: SessionData;
  /** Tie-break for sessions created in the same second: the ledger's order, never the id's. */
  readonly createdPosition: bigint;
  readonly revision: bigint;
}

export const projectSession = (row: SessionRow | undefined, { event, envelope }: LedgerEvent<VerificationSessionEvent>): SessionRow | undefined => {
  const next = evolve(row ? { _tag: 'Existing', session: row.session } : { _tag: 'Absent' }, event);
  if (next._tag === 'Absent') return row;
  return {
    session: next.session,
    createdPosition: row?.createdPosition ?? envelope.position,
    revision: envelope.revision,
  };
};
