import { invalidRequest, resourceMissing, type IdentityError } from '../errors.js';
import type { SessionStatus } from '../shared/values.js';

/** The refusals of the session state machine, with Stripe's wording where it is known. */

export const sessionNotFound = (id: string): IdentityError => resourceMissing('VerificationSession', id);

const STATUS_RULE: Record<string, string> = {
  cancel: 'Only a VerificationSession in "requires_input" status may be canceled.',
  update: 'Only a VerificationSession in "requires_input" status may be updated; metadata may be updated in any status.',
  submit: 'Only a VerificationSession in "requires_input" status may be submitted.',
  redact: 'Wait until processing finishes before redacting it.',
};

/** One stable code (`session_status_invalid`) for every "not allowed in this status" refusal. */
export const statusConflict = (verb: 'cancel' | 'update' | 'submit' | 'redact', status: SessionStatus): IdentityError =>
  invalidRequest(
    'session_status_invalid',
    `You cannot ${verb} this VerificationSession because it has a status of "${status}". ${STATUS_RULE[verb]}`,
  );

export const redactedConflict = (verb: 'update' | 'submit'): IdentityError =>
  invalidRequest('session_redacted', `You cannot ${verb} this VerificationSession because it has been redacted.`);

export const documentOptionsOnIdNumber = (): IdentityError =>
  invalidRequest(
    'invalid_value',
    'Document options cannot be set on a VerificationSession of type "id_number".',
    'options[document]',
  );

export const testOutcomeInLivemode = (): IdentityError =>
  invalidRequest('livemode_mismatch', 'Test outcomes can only be chosen for test-mode VerificationSessions.');
