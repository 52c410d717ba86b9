import * as t from 'io-ts';
import { AddressC, DocumentTypeC, IdNumberTypeC } from './values.js';

/**
 * What the end user hands over through the verification flow, as stored in the session's
 * events: file references (never the bytes), the fields read from the document, the ID number,
 * consent. All of it is personal data; redaction removes it from the state and the views.
 */

export const CalendarDateC = t.type({ day: t.number, month: t.number, year: t.number });
export type CalendarDateValue = t.TypeOf<typeof CalendarDateC>;

export const DocumentFieldsC = t.partial({
  first_name: t.string,
  last_name: t.string,
  dob: CalendarDateC,
  number: t.string,
  issued_date: CalendarDateC,
  expiration_date: CalendarDateC,
  address: AddressC,
  sex: t.keyof({ female: null, male: null, unknown: null }),
  unparsed_place_of_birth: t.string,
  /** The machine-readable zone as printed, one string per line. */
  mrz: t.array(t.string),
});
export type DocumentFields = t.TypeOf<typeof DocumentFieldsC>;

export const ProvidedDocumentC = t.type({
  type: DocumentTypeC,
  /** ISO 3166-1 alpha-2, upper case. */
  issuing_country: t.string,
  front: t.string,
  back: t.union([t.string, t.null]),
  /** Whether the images came from the device camera (not an upload). */
  live_capture: t.boolean,
  fields: DocumentFieldsC,
});
export type ProvidedDocument = t.TypeOf<typeof ProvidedDocumentC>;

export const ProvidedSelfieC = t.type({ selfie: t.string, live_capture: t.boolean });
export type ProvidedSelfie = t.TypeOf<typeof ProvidedSelfieC>;

export const ProvidedIdNumberC = t.type({ id_number_type: IdNumberTypeC, id_number: t.string });
export type ProvidedIdNumber = t.TypeOf<typeof ProvidedIdNumberC>;

/** The inputs collected so far for the next submission. */
export interface CollectedInputs {
  readonly document: ProvidedDocument | null;
  readonly selfie: ProvidedSelfie | null;
  readonly idNumber: ProvidedIdNumber | null;
  /** Unix seconds of the end user's consent, `null` until given. */
  readonly consentedAt: number | null;
}

export const NOTHING_COLLECTED: CollectedInputs = { document: null, selfie: null, idNumber: null, consentedAt: null };
