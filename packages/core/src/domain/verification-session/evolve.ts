import { redactProvidedContact, redactReport, redactVerifiedOutputs } from '../redaction.js';
import { NOTHING_COLLECTED, type CollectedInputs } from '../shared/end-user-inputs.js';
import { applyMetadataUpdate, type SessionOptions } from '../shared/values.js';
import type { VerificationSessionEvent } from './events.js';
import type { SessionData, VerificationSessionState } from './state.js';

/** Folds one recorded fact into the state. Never fails: every stored event already happened. */
export const evolve = (state: VerificationSessionState, event: VerificationSessionEvent): VerificationSessionState => {
  if (event.type === 'VerificationSessionCreated') {
    const data = event.data;
    return {
      _tag: 'Existing',
      session: {
        id: data.id,
        livemode: data.livemode,
        type: data.type,
        created: data.created,
        status: 'requires_input',
        options: data.options,
        providedDetails: data.provided_details,
        providedIdentity: data.provided_identity,
        metadata: data.metadata,
        clientReferenceId: data.client_reference_id,
        relatedCustomer: data.related_customer,
        relatedCustomerAccount: data.related_customer_account,
        relatedPerson: data.related_person,
        returnUrl: data.return_url,
        lastError: null,
        lastVerificationReport: null,
        verifiedOutputs: null,
        redaction: null,
        secretGeneration: 0,
        secretMintedAt: data.created,
        attempt: 0,
        reports: [],
        collected: NOTHING_COLLECTED,
      },
    };
  }
  if (state._tag === 'Absent') return state;
  return { _tag: 'Existing', session: evolveSession(state.session, event) };
};

const evolveSession = (session: SessionData, event: VerificationSessionEvent): SessionData => {
  switch (event.type) {
    case 'VerificationSessionCreated':
      return session;
    case 'VerificationSessionUpdated': {
      const { data } = event;
      const type = data.type ?? session.type;
      return {
        ...session,
        type,
        options: nextOptions(session.options, type, data.options?.document),
        providedDetails: data.provided_details ? { ...session.providedDetails, ...data.provided_details } : session.providedDetails,
        providedIdentity: data.provided_identity
          ? { ...session.providedIdentity, ...data.provided_identity }
          : session.providedIdentity,
        metadata: data.metadata === undefined ? session.metadata : applyMetadataUpdate(session.metadata, data.metadata),
      };
    }
    case 'VerificationSessionSubmitted':
      return { ...session, status: 'processing', attempt: event.data.attempt };
    case 'VerificationSessionVerified':
      return {
        ...session,
        status: 'verified',
        lastError: null,
        lastVerificationReport: event.data.report.id,
        verifiedOutputs: event.data.verified_outputs,
        reports: [...session.reports, event.data.report],
      };
    case 'VerificationSessionChecksFailed':
      return {
        ...session,
        status: 'requires_input',
        lastError: event.data.last_error,
        lastVerificationReport: event.data.report.id,
        reports: [...session.reports, event.data.report],
        secretGeneration: session.secretGeneration + 1,
        secretMintedAt: event.data.failed_at,
      };
    case 'VerificationSessionUserFailureRecorded':
      return {
        ...session,
        ...(event.data.last_error.code === 'consent_declined' ? { collected: collect(session, { consentedAt: null }) } : {}),
        lastError: event.data.last_error,
        secretGeneration: session.secretGeneration + 1,
        secretMintedAt: event.data.failed_at,
      };
    case 'VerificationSessionCanceled':
      return { ...session, status: 'canceled', lastError: null };
    case 'VerificationSessionRedactionRequested':
      // Personal data stops being served the moment redaction is accepted, not when it completes.
      return { ...withoutPersonalData(session), redaction: { status: 'processing' } };
    case 'VerificationSessionRedacted':
      return { ...session, redaction: { status: 'redacted' } };
    case 'VerificationSessionDocumentProvided':
      return { ...session, collected: collect(session, { document: event.data.document }) };
    case 'VerificationSessionSelfieProvided':
      return { ...session, collected: collect(session, { selfie: event.data.selfie }) };
    case 'VerificationSessionIdNumberProvided':
      return { ...session, collected: collect(session, { idNumber: event.data.id_number }) };
    // The upload itself changes nothing the session shows; the file counts once an input names it.
    case 'VerificationSessionFileUploaded':
      return session;
    case 'VerificationSessionConsentGiven':
      return { ...session, collected: collect(session, { consentedAt: event.data.consented_at }) };
  }
};

/** Read-model rows stored before inputs were collected have no `collected`; they start from nothing. */
const collect = (session: SessionData, change: Partial<CollectedInputs>): CollectedInputs => ({ ...NOTHING_COLLECTED, ...session.collected, ...change });

/** The session with every personal value replaced by redaction's placeholders. */
export const withoutPersonalData = (session: SessionData): SessionData => ({
  ...session,
  metadata: {},
  // A return URL may carry the integrator's own personal references in its query.
  returnUrl: null,
  providedDetails: redactProvidedContact(session.providedDetails),
  providedIdentity: null,
  collected: NOTHING_COLLECTED,
  verifiedOutputs: session.verifiedOutputs === null ? null : redactVerifiedOutputs(session.verifiedOutputs),
  reports: session.reports.map(redactReport),
});

/** Switching to `id_number` drops the document options: they would no longer mean anything. */
const nextOptions = (
  current: SessionOptions,
  type: SessionData['type'],
  document: SessionOptions['document'] | null | undefined,
): SessionOptions => {
  const { document: currentDocument, ...rest } = current;
  const nextDocument = document === undefined ? currentDocument : document;
  if (type === 'id_number' || nextDocument === null || nextDocument === undefined) return rest;
  return { ...rest, document: nextDocument };
};
