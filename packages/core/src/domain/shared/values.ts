import * as t from 'io-ts';

/** Value codecs shared by events and views: the stored shape of Stripe's sub-objects. */

export const DocumentTypeC = t.keyof({ driving_license: null, id_card: null, passport: null });
export type DocumentType = t.TypeOf<typeof DocumentTypeC>;
export const DOCUMENT_TYPES = Object.keys(DocumentTypeC.keys) as ReadonlyArray<DocumentType>;

export const IdNumberTypeC = t.keyof({ br_cpf: null, sg_nric: null, us_ssn: null });
export type IdNumberType = t.TypeOf<typeof IdNumberTypeC>;
export const ID_NUMBER_TYPES = Object.keys(IdNumberTypeC.keys) as ReadonlyArray<IdNumberType>;

export const SessionTypeC = t.keyof({ document: null, id_number: null });
export type SessionType = t.TypeOf<typeof SessionTypeC>;
export const SESSION_TYPES = Object.keys(SessionTypeC.keys) as ReadonlyArray<SessionType>;

export const SessionStatusC = t.keyof({ requires_input: null, processing: null, verified: null, canceled: null });
export type SessionStatus = t.TypeOf<typeof SessionStatusC>;
export const SESSION_STATUSES = Object.keys(SessionStatusC.keys) as ReadonlyArray<SessionStatus>;

/** Stripe's limits: at most 50 keys, keys of at most 40 characters, values of at most 500. */
export const METADATA_MAX_KEYS = 50;
export const METADATA_MAX_KEY_LENGTH = 40;
export const METADATA_MAX_VALUE_LENGTH = 500;

export const MetadataC = t.record(t.string, t.string);
export type Metadata = t.TypeOf<typeof MetadataC>;

/** `null` clears every key; a key mapped to `null` is deleted; other keys are merged. */
export const MetadataUpdateC = t.union([t.null, t.record(t.string, t.union([t.string, t.null]))]);
export type MetadataUpdate = t.TypeOf<typeof MetadataUpdateC>;

export const applyMetadataUpdate = (current: Metadata, update: MetadataUpdate): Metadata => {
  if (update === null) return {};
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
};

export const DatePartsC = t.type({ day: t.union([t.number, t.null]), month: t.union([t.number, t.null]), year: t.union([t.number, t.null]) });
export type DateParts = t.TypeOf<typeof DatePartsC>;

const NullableString = t.union([t.string, t.null]);
export const AddressC = t.type({
  city: NullableString,
  country: NullableString,
  line1: NullableString,
  line2: NullableString,
  postal_code: NullableString,
  state: NullableString,
});
export type Address = t.TypeOf<typeof AddressC>;

export const DocumentOptionsC = t.partial({
  allowed_types: t.array(DocumentTypeC),
  require_id_number: t.boolean,
  require_live_capture: t.boolean,
  require_matching_selfie: t.boolean,
});
export type DocumentOptions = t.TypeOf<typeof DocumentOptionsC>;

/** Session options as echoed on the object: only the keys that were set. */
export const SessionOptionsC = t.partial({ document: DocumentOptionsC, id_number: t.type({}) });
export type SessionOptions = t.TypeOf<typeof SessionOptionsC>;

/** What Stripe renders as `provided_details`: shown to the end user, so not secret, but personal. */
export const ProvidedContactC = t.partial({ email: t.string, phone: t.string });
export type ProvidedContact = t.TypeOf<typeof ProvidedContactC>;

/**
 * idledger's extension of `provided_details` (names, dob, id number): write-only input of the
 * ID-number check, never rendered on the session object.
 */
export const ProvidedIdentityC = t.partial({
  first_name: t.string,
  last_name: t.string,
  dob: t.type({ day: t.number, month: t.number, year: t.number }),
  id_number: t.string,
  id_number_type: IdNumberTypeC,
});
export type ProvidedIdentity = t.TypeOf<typeof ProvidedIdentityC>;

export const RelatedPersonC = t.type({ account: t.string, person: t.string });
export type RelatedPerson = t.TypeOf<typeof RelatedPersonC>;

export const LastErrorCodeC = t.keyof({
  abandoned: null,
  consent_declined: null,
  country_not_supported: null,
  device_not_supported: null,
  under_supported_age: null,
  document_expired: null,
  document_type_not_supported: null,
  document_unverified_other: null,
  selfie_document_missing_photo: null,
  selfie_face_mismatch: null,
  selfie_manipulated: null,
  selfie_unverified_other: null,
  id_number_insufficient_document_data: null,
  id_number_mismatch: null,
  id_number_unverified_other: null,
  email_unverified_other: null,
  email_verification_declined: null,
  phone_unverified_other: null,
  phone_verification_declined: null,
});
export type LastErrorCode = t.TypeOf<typeof LastErrorCodeC>;
export const LAST_ERROR_CODES = Object.keys(LastErrorCodeC.keys) as ReadonlyArray<LastErrorCode>;

/** Failures that happen on the user's side before any check runs: no report is produced. */
export const USER_SIDE_ERROR_CODES: ReadonlyArray<LastErrorCode> = [
  'abandoned',
  'consent_declined',
  'country_not_supported',
  'device_not_supported',
  'under_supported_age',
];

export const LastErrorC = t.type({ code: LastErrorCodeC, reason: t.string });
export type LastError = t.TypeOf<typeof LastErrorC>;

export const VerifiedOutputsC = t.type({
  address: t.union([AddressC, t.null]),
  dob: t.union([DatePartsC, t.null]),
  email: NullableString,
  first_name: NullableString,
  last_name: NullableString,
  id_number: NullableString,
  id_number_type: t.union([IdNumberTypeC, t.null]),
  phone: NullableString,
  sex: t.union([t.keyof({ '[redacted]': null, female: null, male: null, unknown: null }), t.null]),
  unparsed_place_of_birth: NullableString,
  unparsed_sex: NullableString,
});
export type VerifiedOutputs = t.TypeOf<typeof VerifiedOutputsC>;
