import type { VerificationSessionEvent } from './events.js';
import { evolve, withoutPersonalData } from './evolve.js';
import { initialState, type VerificationSessionState } from './state.js';

/**
 * The session as it was after its first `count` events: what an investigator or an idempotent
 * replay sees. If the session has been redacted since, its personal data is gone from the past
 * too, while everything else (status, options, reports' results) is as it was then.
 */
export const sessionAsOf = (events: ReadonlyArray<VerificationSessionEvent>, count: number): VerificationSessionState => {
  const state = events.slice(0, count).reduce(evolve, initialState);
  const redactedSince = events.slice(count).some((event) => event.type === 'VerificationSessionRedactionRequested');
  return redactedSince && state._tag === 'Existing' ? { _tag: 'Existing', session: withoutPersonalData(state.session) } : state;
};
