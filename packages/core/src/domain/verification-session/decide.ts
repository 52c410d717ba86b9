import * as E from 'fp-ts/lib/Either.js';
import { invalidRequest, tooManyMetadataKeys, type IdentityError } from '../errors.js';
import type { VerificationOutcome, VerificationSessionCommand } from './commands.js';
import { sessionEvent as event, type SessionEventData, type VerificationSessionEvent } from './events.js';
import { sameData } from '../shared/equal.js';
import { applyMetadataUpdate, METADATA_MAX_KEYS, USER_SIDE_ERROR_CODES } from '../shared/values.js';
import { decideEndUser, isEndUserCommand } from './end-user.js';
import { evolve } from './evolve.js';
import {
  documentOptionsOnIdNumber,
  notAUserSideFailure,
  redactedConflict,
  sessionNotFound,
  statusConflict,
  testOutcomeInLivemode,
} from './rules.js';
import type { SessionData, VerificationSessionState } from './state.js';

type Decision = E.Either<IdentityError, ReadonlyArray<VerificationSessionEvent>>;

const nothing: Decision = E.right([]);
const emit = (...events: ReadonlyArray<VerificationSessionEvent>): Decision => E.right(events);

/**
 * The whole lifecycle of a VerificationSession: given the state folded from its stream and a
 * command, the events that record what happened, or the reason it may not happen.
 */
export const decide = (command: VerificationSessionCommand, state: VerificationSessionState): Decision => {
  if (command.type === 'CreateVerificationSession') {
    if (state._tag === 'Existing') {
      return E.left(invalidRequest('resource_already_exists', `VerificationSession '${command.sessionId}' already exists.`, 'id'));
    }
    if (command.input.type === 'id_number' && command.input.options.document !== undefined) return E.left(documentOptionsOnIdNumber());
    return emit(
      event('VerificationSessionCreated', { ...command.input, id: command.sessionId, livemode: command.livemode, created: command.now }),
    );
  }
  if (state._tag === 'Absent') return E.left(sessionNotFound(command.sessionId));
  const session = state.session;
  if ('livemode' in command && command.livemode !== session.livemode) return E.left(sessionNotFound(command.sessionId));
  if (isEndUserCommand(command)) return decideEndUser(command, session);

  switch (command.type) {
    case 'UpdateVerificationSession':
      return decideUpdate(command, session);
    case 'SubmitVerificationSession':
      if (session.redaction !== null) return E.left(redactedConflict('submit'));
      if (session.status !== 'requires_input') return E.left(statusConflict('submit', session.status));
      if (command.testOutcome !== undefined && session.livemode) return E.left(testOutcomeInLivemode());
      return emit(
        event('VerificationSessionSubmitted', {
          attempt: session.attempt + 1,
          submitted_at: command.now,
          ...(command.testOutcome ? { test_outcome: command.testOutcome } : {}),
          ...(command.simulateDelay ? { simulate_delay: true } : {}),
        }),
      );
    case 'RecordVerificationOutcome':
      // A repeated or stale outcome (the same submission processed twice) changes nothing.
      if (session.status !== 'processing' || command.attempt !== session.attempt) return nothing;
      return command.outcome.kind === 'verified'
        ? emit(
            event('VerificationSessionVerified', {
              attempt: command.attempt,
              report: command.outcome.report,
              verified_outputs: command.outcome.verifiedOutputs,
              ...findingsOf(command.outcome),
            }),
          )
        : emit(
            event('VerificationSessionChecksFailed', {
              attempt: command.attempt,
              report: command.outcome.report,
              last_error: command.outcome.lastError,
              failed_at: command.now,
              ...findingsOf(command.outcome),
            }),
          );
    case 'RecordUserFailure':
      // A check's code needs a report behind it, which only processing a submission produces.
      if (!USER_SIDE_ERROR_CODES.includes(command.lastError.code)) return E.left(notAUserSideFailure(command.lastError.code));
      if (session.redaction !== null) return E.left(redactedConflict('record a failure for'));
      if (session.status !== 'requires_input') return E.left(statusConflict('record a failure for', session.status));
      return emit(event('VerificationSessionUserFailureRecorded', { last_error: command.lastError, failed_at: command.now }));
    case 'CancelVerificationSession':
      if (session.status === 'canceled') return nothing;
      if (session.status !== 'requires_input') return E.left(statusConflict('cancel', session.status));
      return emit(event('VerificationSessionCanceled', { canceled_at: command.now }));
    case 'RedactVerificationSession': {
      if (session.redaction !== null) return nothing;
      if (session.status === 'processing') return E.left(statusConflict('redact', session.status));
      const requested = event('VerificationSessionRedactionRequested', {
        requested_at: command.now,
        ...(command.reason === undefined ? {} : { reason: command.reason }),
      });
      return session.status === 'requires_input'
        ? emit(event('VerificationSessionCanceled', { canceled_at: command.now }), requested)
        : emit(requested);
    }
    case 'CompleteRedaction':
      if (session.redaction?.status !== 'processing') return nothing;
      return emit(event('VerificationSessionRedacted', { redacted_at: command.now }));
  }
};

const findingsOf = (outcome: VerificationOutcome) => (outcome.findings === undefined ? {} : { findings: [...outcome.findings] });

const decideUpdate = (
  command: Extract<VerificationSessionCommand, { type: 'UpdateVerificationSession' }>,
  session: SessionData,
): Decision => {
  if (session.redaction !== null) return E.left(redactedConflict('update'));
  const { changes } = command;
  const nextType = changes.type ?? session.type;
  if (nextType === 'id_number' && changes.documentOptions !== undefined && changes.documentOptions !== null) {
    return E.left(documentOptionsOnIdNumber());
  }
  const effective = withoutNoOps(session, {
    ...(changes.type !== undefined ? { type: changes.type } : {}),
    ...(changes.documentOptions !== undefined ? { options: { document: changes.documentOptions } } : {}),
    ...(changes.providedDetails !== undefined ? { provided_details: changes.providedDetails } : {}),
    ...(changes.providedIdentity !== undefined ? { provided_identity: changes.providedIdentity } : {}),
    ...(changes.metadata !== undefined ? { metadata: changes.metadata } : {}),
  });
  // An update that would change nothing records nothing, and so is never refused for the status.
  if (Object.keys(effective).length === 0) return nothing;
  if (effective.metadata !== undefined) {
    const keys = Object.keys(applyMetadataUpdate(session.metadata, effective.metadata)).length;
    if (keys > METADATA_MAX_KEYS) return E.left(tooManyMetadataKeys(keys, METADATA_MAX_KEYS));
  }
  const { metadata: _metadata, ...beyondMetadata } = effective;
  if (Object.keys(beyondMetadata).length > 0 && session.status !== 'requires_input') return E.left(statusConflict('update', session.status));
  return emit(event('VerificationSessionUpdated', effective));
};

type UpdateData = SessionEventData<'VerificationSessionUpdated'>;

/**
 * Keeps only the members that make a difference, so the recorded event says what really changed:
 * a member goes when the update without it leaves the session the same as the update with it.
 */
const withoutNoOps = (session: SessionData, data: UpdateData): UpdateData => {
  const apply = (update: UpdateData) => {
    const after = evolve({ _tag: 'Existing', session }, event('VerificationSessionUpdated', update));
    return after._tag === 'Existing' ? after.session : session;
  };
  const full = apply(data);
  if (sameData(full, session)) return {};
  return Object.fromEntries(
    Object.entries(data).filter(([key]) => {
      const { [key]: _dropped, ...rest } = data as Record<string, unknown>;
      return !sameData(apply(rest as UpdateData), full);
    }),
  );
};
