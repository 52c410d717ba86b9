import type { LastErrorCode } from './values.js';

/** Reason texts that may be shown to the end user; Stripe's where known. */
export const LAST_ERROR_REASONS: Record<LastErrorCode, string> = {
  abandoned: 'The verification was abandoned before it was submitted.',
  consent_declined: 'The user declined to be verified.',
  country_not_supported: "The document's issuing country is not supported.",
  device_not_supported: 'The device has no camera, or camera access was denied.',
  under_supported_age: 'The user is under the supported age.',
  document_expired: 'The document is expired.',
  document_type_not_supported: 'The document type is not allowed for this verification.',
  document_unverified_other: 'The document is invalid.',
  selfie_document_missing_photo: 'The document has no face photo to compare the selfie with.',
  selfie_face_mismatch: 'The selfie does not match the face on the document.',
  selfie_manipulated: 'The selfie appears to be manipulated.',
  selfie_unverified_other: 'The selfie could not be verified.',
  id_number_insufficient_document_data: 'The document lacks the data needed to verify the ID number.',
  id_number_mismatch: 'The ID number does not match the name and date of birth.',
  id_number_unverified_other: 'The ID number could not be verified.',
  email_unverified_other: 'The email address could not be verified.',
  email_verification_declined: 'The email verification was declined.',
  phone_unverified_other: 'The phone number could not be verified.',
  phone_verification_declined: 'The phone verification was declined.',
};

export type CheckName = 'document' | 'selfie' | 'id_number' | 'email' | 'phone' | 'user';

/** Which check an error code belongs to (`user`: a failure before any check ran). */
export const checkOfErrorCode = (code: LastErrorCode): CheckName => {
  if (code.startsWith('document_')) return 'document';
  if (code.startsWith('selfie_')) return 'selfie';
  if (code.startsWith('id_number_')) return 'id_number';
  if (code.startsWith('email_')) return 'email';
  if (code.startsWith('phone_')) return 'phone';
  return 'user';
};

/** The checks a session runs: spec section 4, "Which checks run". */
export const checksOf = (session: {
  readonly type: 'document' | 'id_number';
  readonly options: { readonly document?: { readonly require_id_number?: boolean; readonly require_matching_selfie?: boolean } };
}): ReadonlyArray<'document' | 'selfie' | 'id_number'> =>
  session.type === 'id_number'
    ? ['id_number']
    : [
        'document',
        ...(session.options.document?.require_matching_selfie ? (['selfie'] as const) : []),
        ...(session.options.document?.require_id_number ? (['id_number'] as const) : []),
      ];
