import * as t from 'io-ts';
import { defineEvent, makeEventDecoder, type EventOf } from '../shared/event-codec.js';
import { ProvidedDocumentC, ProvidedIdNumberC, ProvidedSelfieC } from '../shared/end-user-inputs.js';
import { FindingC, ReportC } from '../shared/report.js';
import {
  DocumentOptionsC,
  LastErrorC,
  MetadataC,
  MetadataUpdateC,
  ProvidedContactC,
  ProvidedIdentityC,
  RelatedPersonC,
  SessionOptionsC,
  SessionTypeC,
  VerifiedOutputsC,
} from '../shared/values.js';

/** Everything that can happen to a VerificationSession, as facts in the past tense. */

const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

export const VerificationSessionCreated = defineEvent(
  'VerificationSessionCreated',
  1,
  t.type({
    id: t.string,
    livemode: t.boolean,
    type: SessionTypeC,
    created: t.number,
    options: SessionOptionsC,
    provided_details: nullable(ProvidedContactC),
    provided_identity: nullable(ProvidedIdentityC),
    metadata: MetadataC,
    client_reference_id: nullable(t.string),
    related_customer: nullable(t.string),
    related_customer_account: nullable(t.string),
    related_person: nullable(RelatedPersonC),
    return_url: nullable(t.string),
  }),
);

/** Only the changed parts; `options.document: null` removes the document options. */
export const VerificationSessionUpdated = defineEvent(
  'VerificationSessionUpdated',
  1,
  t.partial({
    type: SessionTypeC,
    options: t.partial({ document: nullable(DocumentOptionsC) }),
    provided_details: ProvidedContactC,
    provided_identity: ProvidedIdentityC,
    metadata: MetadataUpdateC,
  }),
);

/** The test outcome travels with the submission so that a restarted processor reaches the same result. */
export const TestOutcomeC = t.union([
  t.type({ kind: t.literal('verified') }),
  t.type({ kind: t.literal('unverified'), last_error: LastErrorC }),
]);
export type TestOutcome = t.TypeOf<typeof TestOutcomeC>;

export const VerificationSessionSubmitted = defineEvent(
  'VerificationSessionSubmitted',
  1,
  t.intersection([
    t.type({ attempt: t.number, submitted_at: t.number }),
    // `source: 'end_user'`: submitted through the verification flow, so the real checks run.
    t.partial({ test_outcome: TestOutcomeC, simulate_delay: t.boolean, source: t.literal('end_user') }),
  ]),
);

/** `findings`: every check that ran, with the rules that failed (never the checked values). */
const Findings = t.partial({ findings: t.array(FindingC) });

export const VerificationSessionVerified = defineEvent(
  'VerificationSessionVerified',
  1,
  t.intersection([t.type({ attempt: t.number, report: ReportC, verified_outputs: VerifiedOutputsC }), Findings]),
);

export const VerificationSessionChecksFailed = defineEvent(
  'VerificationSessionChecksFailed',
  1,
  t.intersection([t.type({ attempt: t.number, report: ReportC, last_error: LastErrorC, failed_at: t.number }), Findings]),
);

/** End-user inputs: each replaces the previous one of its kind. */
export const VerificationSessionDocumentProvided = defineEvent(
  'VerificationSessionDocumentProvided',
  1,
  t.type({ document: ProvidedDocumentC, provided_at: t.number }),
);

export const VerificationSessionSelfieProvided = defineEvent(
  'VerificationSessionSelfieProvided',
  1,
  t.type({ selfie: ProvidedSelfieC, provided_at: t.number }),
);

export const VerificationSessionIdNumberProvided = defineEvent(
  'VerificationSessionIdNumberProvided',
  1,
  t.type({ id_number: ProvidedIdNumberC, provided_at: t.number }),
);

/**
 * A file the end user uploaded for this session, recorded before its bytes are stored, so that
 * redaction finds every file of the session, including those never referenced by an input.
 */
export const VerificationSessionFileUploaded = defineEvent(
  'VerificationSessionFileUploaded',
  1,
  t.type({ file: t.string, purpose: t.keyof({ identity_document: null, selfie: null }), uploaded_at: t.number }),
);

export const VerificationSessionConsentGiven = defineEvent('VerificationSessionConsentGiven', 1, t.type({ consented_at: t.number }));

export const VerificationSessionUserFailureRecorded = defineEvent(
  'VerificationSessionUserFailureRecorded',
  1,
  t.type({ last_error: LastErrorC, failed_at: t.number }),
);

export const VerificationSessionCanceled = defineEvent(
  'VerificationSessionCanceled',
  1,
  t.type({ canceled_at: t.number }),
);

export const VerificationSessionRedactionRequested = defineEvent(
  'VerificationSessionRedactionRequested',
  1,
  t.intersection([t.type({ requested_at: t.number }), t.partial({ reason: t.string })]),
);

/** The tombstone: from here on no personal data of the session is served anywhere. */
export const VerificationSessionRedacted = defineEvent(
  'VerificationSessionRedacted',
  1,
  t.type({ redacted_at: t.number }),
);

export const verificationSessionEvents = [
  VerificationSessionCreated,
  VerificationSessionUpdated,
  VerificationSessionSubmitted,
  VerificationSessionVerified,
  VerificationSessionChecksFailed,
  VerificationSessionUserFailureRecorded,
  VerificationSessionCanceled,
  VerificationSessionRedactionRequested,
  VerificationSessionRedacted,
  VerificationSessionDocumentProvided,
  VerificationSessionSelfieProvided,
  VerificationSessionIdNumberProvided,
  VerificationSessionConsentGiven,
  VerificationSessionFileUploaded,
] as const;

export type VerificationSessionEvent = EventOf<(typeof verificationSessionEvents)[number]>;
export type VerificationSessionEventType = VerificationSessionEvent['type'];
export type SessionEventData<T extends VerificationSessionEventType> = Extract<VerificationSessionEvent, { type: T }>['data'];

export const decodeVerificationSessionEvent = makeEventDecoder(verificationSessionEvents);

export const sessionEvent = <T extends VerificationSessionEventType>(type: T, data: SessionEventData<T>): VerificationSessionEvent =>
  ({ type, data }) as VerificationSessionEvent;
