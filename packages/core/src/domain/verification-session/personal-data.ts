import { REDACTED, REDACTED_CALENDAR_DATE, redactAddress, redactProvidedContact, redactReport, redactVerifiedOutputs } from '../redaction.js';
import type { DocumentFields } from '../shared/end-user-inputs.js';
import type { ProvidedIdentity } from '../shared/values.js';
import type { VerificationSessionEvent } from './events.js';

/**
 * Each event as it reads once the session's personal data is gone: what storage keeps in clear
 * beside the sealed original. Placeholders keep every field present (and non-null where it was),
 * so a replay after redaction folds into the same views and names the same changed fields.
 */
export const redactSessionEvent = (event: VerificationSessionEvent): VerificationSessionEvent => {
  switch (event.type) {
    case 'VerificationSessionCreated': {
      const { data } = event;
      return {
        ...event,
        data: {
          ...data,
          provided_details: redactProvidedContact(data.provided_details),
          provided_identity: data.provided_identity === null ? null : redactProvidedIdentity(data.provided_identity),
          metadata: {},
          return_url: data.return_url === null ? null : REDACTED,
        },
      };
    }
    case 'VerificationSessionUpdated': {
      const { provided_details, provided_identity, metadata, ...rest } = event.data;
      return {
        ...event,
        data: {
          ...rest,
          ...(provided_details === undefined ? {} : { provided_details: redactProvidedContact(provided_details) ?? {} }),
          ...(provided_identity === undefined ? {} : { provided_identity: redactProvidedIdentity(provided_identity) }),
          // Clearing every key: what the session's metadata is after redaction anyway.
          ...(metadata === undefined ? {} : { metadata: null }),
        },
      };
    }
    case 'VerificationSessionVerified':
      return { ...event, data: { ...event.data, report: redactReport(event.data.report), verified_outputs: redactVerifiedOutputs(event.data.verified_outputs) } };
    case 'VerificationSessionChecksFailed':
      return { ...event, data: { ...event.data, report: redactReport(event.data.report) } };
    case 'VerificationSessionDocumentProvided':
      return { ...event, data: { ...event.data, document: { ...event.data.document, fields: redactDocumentFields(event.data.document.fields) } } };
    case 'VerificationSessionIdNumberProvided':
      return { ...event, data: { ...event.data, id_number: { ...event.data.id_number, id_number: REDACTED } } };
    // File ids, capture flags, the document's kind and country, consent: kept, as in a redacted report.
    case 'VerificationSessionSelfieProvided':
    case 'VerificationSessionFileUploaded':
    case 'VerificationSessionConsentGiven':
    case 'VerificationSessionSubmitted':
    case 'VerificationSessionUserFailureRecorded':
    case 'VerificationSessionCanceled':
    case 'VerificationSessionRedactionRequested':
    case 'VerificationSessionRedacted':
      return event;
  }
};

const redactDocumentFields = (fields: DocumentFields): DocumentFields => {
  const date = REDACTED_CALENDAR_DATE;
  return {
    ...(fields.first_name === undefined ? {} : { first_name: REDACTED }),
    ...(fields.last_name === undefined ? {} : { last_name: REDACTED }),
    ...(fields.dob === undefined ? {} : { dob: date }),
    ...(fields.number === undefined ? {} : { number: REDACTED }),
    ...(fields.issued_date === undefined ? {} : { issued_date: date }),
    ...(fields.expiration_date === undefined ? {} : { expiration_date: date }),
    ...(fields.address === undefined ? {} : { address: redactAddress(fields.address)! }),
    ...(fields.sex === undefined ? {} : { sex: 'unknown' as const }),
    ...(fields.unparsed_place_of_birth === undefined ? {} : { unparsed_place_of_birth: REDACTED }),
    ...(fields.mrz === undefined ? {} : { mrz: fields.mrz.map(() => REDACTED) }),
  };
};

const redactProvidedIdentity = (identity: ProvidedIdentity): ProvidedIdentity => ({
  ...(identity.first_name === undefined ? {} : { first_name: REDACTED }),
  ...(identity.last_name === undefined ? {} : { last_name: REDACTED }),
  ...(identity.dob === undefined ? {} : { dob: REDACTED_CALENDAR_DATE }),
  ...(identity.id_number === undefined ? {} : { id_number: REDACTED }),
  ...(identity.id_number_type === undefined ? {} : { id_number_type: identity.id_number_type }),
});
