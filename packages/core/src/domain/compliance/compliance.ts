import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { invalidRequest, type IdentityError } from '../errors.js';
import type { Decider } from '../shared/decider.js';
import { defineEvent, makeEventDecoder, type EventOf } from '../shared/event-codec.js';

/**
 * The compliance record of one subject (a session or a customer), in a stream of its own beside
 * the subject's: legal holds placed and lifted, and every redaction refused because of a hold or
 * the retention period. Kept apart so that the session's own rules stay Stripe's.
 */

export const LegalHoldPlaced = defineEvent(
  'LegalHoldPlaced',
  1,
  t.type({ hold_id: t.string, reference: t.string, reason: t.string, placed_at: t.number }),
);

export const LegalHoldLifted = defineEvent('LegalHoldLifted', 1, t.type({ hold_id: t.string, reason: t.string, lifted_at: t.number }));

export const RedactionRefused = defineEvent(
  'RedactionRefused',
  1,
  t.type({
    session_id: t.string,
    /** `legal_hold` wins over `retention` when both apply. */
    refusal: t.union([t.literal('legal_hold'), t.literal('retention')]),
    hold_ids: t.array(t.string),
    retention_policy: t.union([t.string, t.null]),
    /** Unix seconds; null while the session has not ended (its clock has not started). */
    retained_until: t.union([t.number, t.null]),
    refused_at: t.number,
  }),
);

export const complianceEvents = [LegalHoldPlaced, LegalHoldLifted, RedactionRefused] as const;
export type ComplianceEvent = EventOf<(typeof complianceEvents)[number]>;
export const decodeComplianceEvent = makeEventDecoder(complianceEvents);

export interface LegalHold {
  readonly id: string;
  readonly reference: string;
  readonly reason: string;
  readonly placedAt: number;
}

export interface ComplianceState {
  readonly holds: ReadonlyArray<LegalHold>;
}

export type ComplianceCommand =
  | { readonly type: 'PlaceLegalHold'; readonly holdId: string; readonly reference: string; readonly reason: string; readonly now: number }
  | { readonly type: 'LiftLegalHold'; readonly holdId: string; readonly reason: string; readonly now: number }
  | { readonly type: 'RecordRedactionRefusal'; readonly sessionId: string; readonly verdict: Refused; readonly now: number };

const decide = (command: ComplianceCommand, state: ComplianceState): E.Either<IdentityError, ReadonlyArray<ComplianceEvent>> => {
  switch (command.type) {
    case 'PlaceLegalHold':
      // Placing the same hold again changes nothing: a retried request must not stack holds.
      if (state.holds.some((hold) => hold.id === command.holdId)) return E.right([]);
      return E.right([{ type: 'LegalHoldPlaced', data: { hold_id: command.holdId, reference: command.reference, reason: command.reason, placed_at: command.now } }]);
    case 'LiftLegalHold':
      if (!state.holds.some((hold) => hold.id === command.holdId)) {
        return E.left(invalidRequest('legal_hold_missing', `No active legal hold '${command.holdId}' on this subject.`, 'hold'));
      }
      return E.right([{ type: 'LegalHoldLifted', data: { hold_id: command.holdId, reason: command.reason, lifted_at: command.now } }]);
    case 'RecordRedactionRefusal':
      return E.right([
        {
          type: 'RedactionRefused',
          data: {
            session_id: command.sessionId,
            refusal: command.verdict.refusal,
            hold_ids: [...command.verdict.holdIds],
            retention_policy: command.verdict.retentionPolicy,
            retained_until: command.verdict.retainedUntil,
            refused_at: command.now,
          },
        },
      ]);
  }
};

const evolve = (state: ComplianceState, event: ComplianceEvent): ComplianceState => {
  switch (event.type) {
    case 'LegalHoldPlaced':
      return { holds: [...state.holds, { id: event.data.hold_id, reference: event.data.reference, reason: event.data.reason, placedAt: event.data.placed_at }] };
    case 'LegalHoldLifted':
      return { holds: state.holds.filter((hold) => hold.id !== event.data.hold_id) };
    case 'RedactionRefused':
      return state;
  }
};

export const complianceDecider: Decider<ComplianceCommand, ComplianceState, ComplianceEvent> = { decide, evolve, initialState: { holds: [] } };

/** Retention of verification records: opt-in; without it redaction is exactly Stripe's. */
export interface RetentionPolicy {
  /** Named in every decision it causes, e.g. `aml-5y`. */
  readonly id: string;
  /** How long a session's records are kept after the session ends. */
  readonly periodDays: number;
  /** Let a redaction request erase a session still under retention (legal holds always win). */
  readonly erasureWins: boolean;
}

export interface Refused {
  readonly refusal: 'legal_hold' | 'retention';
  readonly holdIds: ReadonlyArray<string>;
  readonly retentionPolicy: string | null;
  readonly retainedUntil: number | null;
}

export type RedactionVerdict = { readonly _tag: 'Allowed' } | ({ readonly _tag: 'Refused' } & Refused);

/**
 * Whether a session may be erased now. A session is a verification record once a check ran on it
 * (it has a report); its retention clock starts when it ends (verified or canceled), so a record
 * that has not ended is retained until it does, plus the period.
 */
export const redactionVerdict = (input: {
  readonly now: number;
  readonly holds: ReadonlyArray<LegalHold>;
  readonly policy: RetentionPolicy | undefined;
  readonly isRecord: boolean;
  readonly endedAt: number | null;
}): RedactionVerdict => {
  const retainedUntil = input.endedAt === null ? null : input.endedAt + (input.policy?.periodDays ?? 0) * 86_400;
  if (input.holds.length > 0) {
    return { _tag: 'Refused', refusal: 'legal_hold', holdIds: input.holds.map((hold) => hold.id), retentionPolicy: input.policy?.id ?? null, retainedUntil };
  }
  if (input.policy === undefined || !input.isRecord || input.policy.erasureWins) return { _tag: 'Allowed' };
  if (retainedUntil !== null && input.now >= retainedUntil) return { _tag: 'Allowed' };
  return { _tag: 'Refused', refusal: 'retention', holdIds: [], retentionPolicy: input.policy.id, retainedUntil };
};
