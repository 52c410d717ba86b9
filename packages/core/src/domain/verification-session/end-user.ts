import * as E from 'fp-ts/lib/Either.js';
import type { IdentityError } from '../errors.js';
import { LAST_ERROR_REASONS } from '../shared/error-reasons.js';
import type { VerificationSessionCommand } from './commands.js';
import { sessionEvent as event, type VerificationSessionEvent } from './events.js';
import { clientSecretInvalid, inputNotRequested, inputsMissing, redactedConflict, statusConflict, type MissingInput } from './rules.js';
import type { SessionData } from './state.js';

/**
 * What the end user may do in the verification flow: hand over a document, a selfie, an ID
 * number, consent (or decline), and submit. Authorisation by client_secret happens before a
 * command gets here; these rules are about the session alone.
 */

type EndUserCommand = Extract<
  VerificationSessionCommand,
  { type: 'ProvideDocument' | 'ProvideSelfie' | 'ProvideIdNumber' | 'RecordConsent' | 'SubmitCollectedInputs' | 'RecordFileUpload' }
>;
type Decision = E.Either<IdentityError, ReadonlyArray<VerificationSessionEvent>>;

export const isEndUserCommand = (command: VerificationSessionCommand): command is EndUserCommand =>
  ['ProvideDocument', 'ProvideSelfie', 'ProvideIdNumber', 'RecordConsent', 'SubmitCollectedInputs', 'RecordFileUpload'].includes(command.type);

const collectsIdNumber = (session: SessionData) => session.type === 'id_number' || session.options.document?.require_id_number === true;
const collectsSelfie = (session: SessionData) => session.type === 'document' && session.options.document?.require_matching_selfie === true;

/** The ID number may come from the flow or from `provided_details` given at create / update. */
const hasIdNumber = (session: SessionData) => session.collected.idNumber !== null || session.providedIdentity?.id_number !== undefined;

/** What a submission still lacks, in the order the flow asks for it. */
export const missingInputs = (session: SessionData): ReadonlyArray<MissingInput> => [
  ...(session.collected.consentedAt === null ? (['consent'] as const) : []),
  ...(session.type === 'document' && session.collected.document === null ? (['document'] as const) : []),
  ...(collectsSelfie(session) && session.collected.selfie === null ? (['selfie'] as const) : []),
  ...(collectsIdNumber(session) && !hasIdNumber(session) ? (['id_number'] as const) : []),
];

export const decideEndUser = (command: EndUserCommand, session: SessionData): Decision => {
  if (command.secretGeneration !== session.secretGeneration) return E.left(clientSecretInvalid());
  const verb = command.type === 'SubmitCollectedInputs' ? 'submit' : 'collect input for';
  if (session.redaction !== null) return E.left(redactedConflict(verb));
  if (session.status !== 'requires_input') return E.left(statusConflict(verb, session.status));
  switch (command.type) {
    case 'ProvideDocument':
      if (session.type !== 'document') return E.left(inputNotRequested('document', 'its type is id_number'));
      return E.right([event('VerificationSessionDocumentProvided', { document: command.document, provided_at: command.now })]);
    case 'ProvideSelfie':
      if (!collectsSelfie(session)) return E.left(inputNotRequested('selfie', 'options[document][require_matching_selfie] is not set'));
      return E.right([event('VerificationSessionSelfieProvided', { selfie: command.selfie, provided_at: command.now })]);
    case 'ProvideIdNumber':
      if (!collectsIdNumber(session)) return E.left(inputNotRequested('id_number', 'options[document][require_id_number] is not set'));
      return E.right([event('VerificationSessionIdNumberProvided', { id_number: command.idNumber, provided_at: command.now })]);
    case 'RecordConsent':
      if (!command.granted) {
        return E.right([
          event('VerificationSessionUserFailureRecorded', {
            last_error: { code: 'consent_declined', reason: LAST_ERROR_REASONS.consent_declined },
            failed_at: command.now,
          }),
        ]);
      }
      return session.collected.consentedAt === null ? E.right([event('VerificationSessionConsentGiven', { consented_at: command.now })]) : E.right([]);
    case 'RecordFileUpload':
      return E.right([event('VerificationSessionFileUploaded', { file: command.file, purpose: command.purpose, uploaded_at: command.now })]);
    case 'SubmitCollectedInputs': {
      const missing = missingInputs(session);
      if (missing.length > 0) return E.left(inputsMissing(missing));
      return E.right([event('VerificationSessionSubmitted', { attempt: session.attempt + 1, submitted_at: command.now, source: 'end_user' })]);
    }
  }
};
