/**
 * Parameters of the end-user commands of the verification flow (documents, selfies, ID
 * numbers, consent). Every value is personal data: error messages never echo it.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { invalidParameter } from '../errors.js';
import type { ProvidedDocument, ProvidedIdNumber, ProvidedSelfie } from '../shared/end-user-inputs.js';
import { inferIdNumberType } from '../shared/id-number.js';
import { DOCUMENT_TYPES, ID_NUMBER_TYPES, type Address } from '../shared/values.js';
import { requestDecoder, type ParamsDecoder } from './decode.js';
import { isCalendarDate } from './details.js';
import { bool, int, list, oneOf, refine, str, strictObject, type Codec } from './primitives.js';

const FILE_ID = /^file_[A-Za-z0-9]+$/;

const fileId: Codec<string> = refine(str({ maxLength: 100 }), 'file id', (id, param) =>
  FILE_ID.test(id) ? E.right(id) : E.left(invalidParameter(param, `Invalid ${param}: expected a file id (file_…) from uploadFile`)),
);

const calendarDate = (name: string) =>
  refine(
    strictObject(name, { day: int({ sensitive: true }), month: int({ sensitive: true }), year: int({ sensitive: true }) }, ['day', 'month', 'year']),
    'date',
    (date, param) => (isCalendarDate(date) ? E.right(date) : E.left(invalidParameter(param, `Invalid date for ${param}: not a real calendar date`, 'invalid_date'))),
  );

const sensitive = str({ sensitive: true });

const address: Codec<Address> = refine(
  strictObject('address', { line1: sensitive, line2: sensitive, city: sensitive, state: sensitive, postal_code: sensitive, country: sensitive }),
  'address',
  (a) => E.right({ line1: a.line1 ?? null, line2: a.line2 ?? null, city: a.city ?? null, state: a.state ?? null, postal_code: a.postal_code ?? null, country: a.country ?? null }),
);

const countryCode: Codec<string> = refine(str({ maxLength: 3 }), 'country', (code, param) =>
  /^([A-Za-z]{2}|UTO)$/i.test(code) ? E.right(code.toUpperCase()) : E.left(invalidParameter(param, `Invalid ${param}: expected an ISO 3166-1 alpha-2 country code (or UTO, ICAO's specimen state)`)),
);

const documentParams = strictObject(
  'ProvideDocumentParams',
  {
    type: oneOf(DOCUMENT_TYPES),
    issuing_country: countryCode,
    front: fileId,
    back: fileId,
    live_capture: bool,
    first_name: sensitive,
    last_name: sensitive,
    dob: calendarDate('dob'),
    number: sensitive,
    issued_date: calendarDate('issued_date'),
    expiration_date: calendarDate('expiration_date'),
    address,
    sex: oneOf(['female', 'male', 'unknown'] as const),
    unparsed_place_of_birth: sensitive,
    mrz: list(str({ maxLength: 44, sensitive: true }), { nonEmpty: true }),
  },
  ['type', 'issuing_country', 'front'],
);

export const decodeProvideDocumentParams: ParamsDecoder<ProvidedDocument> = (input) =>
  E.map(({ type, issuing_country, front, back, live_capture, ...fields }: t.TypeOf<typeof documentParams>) => ({
    type,
    issuing_country,
    front,
    back: back ?? null,
    live_capture: live_capture ?? false,
    fields,
  }))(requestDecoder(documentParams)(input));

export const decodeProvideSelfieParams: ParamsDecoder<ProvidedSelfie> = (input) =>
  E.map(({ selfie, live_capture }: { selfie: string; live_capture?: boolean }) => ({ selfie, live_capture: live_capture ?? false }))(
    requestDecoder(strictObject('ProvideSelfieParams', { selfie: fileId, live_capture: bool }, ['selfie']))(input),
  );

/**
 * The type is inferred from the number's shape when not given (spec: the formats do not
 * overlap). A declared type the value does not fit is a parameter error; a number of the right
 * shape with wrong check digits is not: that is the ID-number check's finding.
 */
export const decodeProvideIdNumberParams: ParamsDecoder<ProvidedIdNumber> = requestDecoder(
  refine(
    strictObject('ProvideIdNumberParams', { id_number: str({ maxLength: 20, sensitive: true }), id_number_type: oneOf(ID_NUMBER_TYPES) }, ['id_number']),
    'id number',
    ({ id_number, id_number_type }) => {
      const shape = inferIdNumberType(id_number);
      if (id_number_type === undefined && shape === undefined) {
        return E.left(invalidParameter('id_number', 'Invalid id_number: not shaped like a US SSN, a Brazilian CPF or a Singapore NRIC/FIN; pass id_number_type if it is one of them'));
      }
      if (id_number_type !== undefined && shape !== id_number_type) {
        return E.left(invalidParameter('id_number', `Invalid id_number: its format does not fit id_number_type ${id_number_type}`));
      }
      return E.right({ id_number, id_number_type: (id_number_type ?? shape)! });
    },
  ),
);

export const decodeConsentParams: ParamsDecoder<{ granted: boolean }> = requestDecoder(strictObject('ConsentParams', { granted: bool }, ['granted']));

export const decodeEndUserSubmitParams: ParamsDecoder<Record<string, never>> = requestDecoder(strictObject('SubmitParams', {}));

export const FILE_PURPOSES = ['identity_document', 'selfie'] as const;
export type FilePurpose = (typeof FILE_PURPOSES)[number];
