import { identityError, invalidRequest, resourceMissing, type IdentityError } from '../errors.js';
import type { SessionStatus } from '../shared/values.js';

/** The refusals of the session state machine, with Stripe's wording where it is known. */

export const sessionNotFound = (id: string): IdentityError => resourceMissing('VerificationSession', id);

const STATUS_RULE: Record<string, string> = {
  cancel: 'Only a VerificationSession in "requires_input" status may be canceled.',
  update: 'Only a VerificationSession in "requires_input" status may be updated; metadata may be updated in any status.',
  submit: 'Only a VerificationSession in "requires_input" status may be submitted.',
  'record a failure for': 'Only a VerificationSession in "requires_input" status can fail on the user\'s side.',
  redact: 'Wait until processing finishes before redacting it.',
  'collect input for': 'Only a VerificationSession in "requires_input" status accepts input from the user.',
};

/** One stable code (`session_status_invalid`) for every "not allowed in this status" refusal. */
export const statusConflict = (verb: 'cancel' | 'update' | 'submit' | 'redact' | 'record a failure for' | 'collect input for', status: SessionStatus): IdentityError =>
  invalidRequest(
    'session_status_invalid',
    `You cannot ${verb} this VerificationSession because it has a status of "${status}". ${STATUS_RULE[verb]}`,
  );

export const redactedConflict = (verb: 'update' | 'submit' | 'record a failure for' | 'collect input for'): IdentityError =>
  invalidRequest('session_redacted', `You cannot ${verb} this VerificationSession because it has been redacted.`);

export const documentOptionsOnIdNumber = (): IdentityError =>
  invalidRequest(
    'invalid_value',
    "options[document] cannot be set when type is 'id_number'; remove it or send options[document]= to clear it.",
    'options[document]',
  );

export const testOutcomeInLivemode = (): IdentityError =>
  invalidRequest('livemode_mismatch', 'Test outcomes can only be chosen for test-mode VerificationSessions.');

export const notAUserSideFailure = (code: string): IdentityError =>
  invalidRequest(
    'invalid_value',
    `${code} is the error of a check, not a user-side failure; only abandoned, consent_declined, country_not_supported, device_not_supported and under_supported_age can be recorded without a submission.`,
    'last_error[code]',
  );

/** An input the session's type and options do not ask for is refused rather than silently kept. */
export const inputNotRequested = (input: 'document' | 'selfie' | 'id_number', requirement: string): IdentityError =>
  invalidRequest('invalid_value', `This VerificationSession does not collect ${input === 'id_number' ? 'an ID number' : `a ${input}`}: ${requirement}.`, input);

const MISSING_INPUT_NAMES = { consent: "the user's consent", document: 'a document', selfie: 'a selfie', id_number: 'an ID number' } as const;
export type MissingInput = keyof typeof MISSING_INPUT_NAMES;

/** Submission before the session's options are met names everything still missing; `param` is the first. */
export const inputsMissing = (missing: ReadonlyArray<MissingInput>): IdentityError =>
  invalidRequest(
    'verification_inputs_missing',
    `You cannot submit this VerificationSession yet: it still needs ${missing.map((name) => MISSING_INPUT_NAMES[name]).join(', ')}.`,
    missing[0],
  );

/** The same answer for an unknown session and for a replaced secret, so a secret reveals nothing. */
export const clientSecretInvalid = (): IdentityError =>
  identityError({
    type: 'invalid_request_error',
    code: 'client_secret_invalid',
    message: 'Invalid client_secret: it belongs to no VerificationSession, or it has been replaced after a failed attempt.',
    param: 'client_secret',
    statusCode: 401,
  });
