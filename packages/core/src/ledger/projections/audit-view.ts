import type { SessionStatus } from '../../domain/shared/values.js';
import type { VerificationSessionEvent } from '../../domain/verification-session/events.js';
import type { Actor, LedgerEvent } from '../envelope.js';

/**
 * The audit trail of one session: every event with who caused it, under which request, and the
 * status before and after. It names the fields an event changed but never their values, so it
 * holds no personal data and needs no redaction.
 */
export interface AuditEntry {
  readonly event_id: string;
  readonly type: VerificationSessionEvent['type'];
  readonly revision: bigint;
  readonly position: bigint;
  readonly occurred_at: Date;
  readonly recorded_at: Date;
  readonly actor: Actor;
  readonly request_id: string | null;
  readonly idempotency_key: string | null;
  readonly correlation_id: string;
  readonly causation_id: string | null;
  readonly status_before: SessionStatus | null;
  readonly status_after: SessionStatus;
  readonly changed_fields: ReadonlyArray<string>;
}

export const projectAudit = (
  entries: ReadonlyArray<AuditEntry>,
  { event, envelope }: LedgerEvent<VerificationSessionEvent>,
  statusAfter: SessionStatus,
): ReadonlyArray<AuditEntry> => [
  ...entries,
  {
    event_id: envelope.eventId,
    type: event.type,
    revision: envelope.revision,
    position: envelope.position,
    occurred_at: envelope.occurredAt,
    recorded_at: envelope.recordedAt,
    actor: envelope.actor,
    request_id: envelope.requestId,
    idempotency_key: envelope.idempotencyKey,
    correlation_id: envelope.correlationId,
    causation_id: envelope.causationId,
    status_before: entries[entries.length - 1]?.status_after ?? null,
    status_after: statusAfter,
    changed_fields: changedFields(event),
  },
];

const changedFields = (event: VerificationSessionEvent): ReadonlyArray<string> => {
  switch (event.type) {
    case 'VerificationSessionCreated':
      return ['status', ...Object.entries(event.data).filter(([, value]) => value !== null).map(([key]) => key)];
    // Metadata key names are the integrator's text and outlive a redaction here, so only
    // `metadata` is named, never its keys.
    case 'VerificationSessionUpdated':
      return Object.keys(event.data);
    case 'VerificationSessionSubmitted':
      return ['status'];
    case 'VerificationSessionVerified':
      return ['status', 'last_verification_report', 'verified_outputs', 'last_error'];
    case 'VerificationSessionChecksFailed':
      return ['status', 'last_verification_report', 'last_error', 'url', 'client_secret'];
    case 'VerificationSessionUserFailureRecorded':
      return ['last_error', 'url', 'client_secret'];
    case 'VerificationSessionCanceled':
      return ['status', 'last_error', 'url', 'client_secret'];
    case 'VerificationSessionRedactionRequested':
      return ['redaction'];
    case 'VerificationSessionRedacted':
      return ['redaction'];
    // Inputs of the verification flow: named by kind, never by value.
    case 'VerificationSessionDocumentProvided':
      return ['document'];
    case 'VerificationSessionSelfieProvided':
      return ['selfie'];
    case 'VerificationSessionIdNumberProvided':
      return ['id_number'];
    case 'VerificationSessionConsentGiven':
      return ['consent'];
    case 'VerificationSessionFileUploaded':
      return ['files'];
  }
};
