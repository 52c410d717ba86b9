import * as t from 'io-ts';
import { AddressC, DatePartsC, DocumentTypeC, IdNumberTypeC, SessionOptionsC, SessionTypeC } from './values.js';

/**
 * A VerificationReport as processing produces it: one per submission attempt, recorded inside the
 * session event that ends the attempt, so a report never exists without its outcome.
 */

const NullableString = t.union([t.string, t.null]);
const CheckStatusC = t.keyof({ verified: null, unverified: null });
const CheckErrorC = t.union([t.type({ code: t.string, reason: t.string }), t.null]);

export const DocumentCheckC = t.type({
  status: CheckStatusC,
  error: CheckErrorC,
  address: t.union([AddressC, t.null]),
  dob: t.union([DatePartsC, t.null]),
  expiration_date: t.union([DatePartsC, t.null]),
  issued_date: t.union([DatePartsC, t.null]),
  files: t.union([t.array(t.string), t.null]),
  first_name: NullableString,
  last_name: NullableString,
  issuing_country: NullableString,
  number: NullableString,
  sex: NullableString,
  type: t.union([DocumentTypeC, t.null]),
  unparsed_place_of_birth: NullableString,
  unparsed_sex: NullableString,
});
export type DocumentCheck = t.TypeOf<typeof DocumentCheckC>;

export const IdNumberCheckC = t.type({
  status: CheckStatusC,
  error: CheckErrorC,
  dob: t.union([DatePartsC, t.null]),
  first_name: NullableString,
  last_name: NullableString,
  id_number: NullableString,
  id_number_type: t.union([IdNumberTypeC, t.null]),
});
export type IdNumberCheck = t.TypeOf<typeof IdNumberCheckC>;

export const SelfieCheckC = t.type({
  status: CheckStatusC,
  error: CheckErrorC,
  document: NullableString,
  selfie: NullableString,
});
export type SelfieCheck = t.TypeOf<typeof SelfieCheckC>;

export const ReportC = t.intersection([
  t.type({
    id: t.string,
    created: t.number,
    type: SessionTypeC,
    options: SessionOptionsC,
  }),
  t.partial({ document: DocumentCheckC, id_number: IdNumberCheckC, selfie: SelfieCheckC }),
]);
export type Report = t.TypeOf<typeof ReportC>;

/** One check's verdict as the ledger records it: the check's versioned id and the rules that failed. */
export const FindingC = t.type({ check: t.string, valid: t.boolean, failed_rules: t.array(t.string) });
export type Finding = t.TypeOf<typeof FindingC>;
