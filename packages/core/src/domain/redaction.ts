import type { DocumentCheck, IdNumberCheck, Report } from './shared/report.js';
import type { Address, DateParts, ProvidedContact, VerifiedOutputs } from './shared/values.js';

/**
 * What redaction leaves behind (Stripe's documented placeholders): personal strings become
 * "[redacted]", dates become 1/1/1, `address.country`, `id_number_type`, ids, statuses and error
 * codes are kept, and a value that was null stays null.
 */

export const REDACTED = '[redacted]';
/** The placeholder of any redacted date; typed as a full calendar date so every date field takes it. */
export const REDACTED_CALENDAR_DATE = { day: 1, month: 1, year: 1 } as const;
export const REDACTED_DATE: DateParts = REDACTED_CALENDAR_DATE;

const redactString = (value: string | null): string | null => (value === null ? null : REDACTED);
const redactDate = (value: DateParts | null): DateParts | null => (value === null ? null : REDACTED_DATE);

export const redactAddress = (address: Address | null): Address | null =>
  address === null
    ? null
    : {
        city: redactString(address.city),
        country: address.country,
        line1: redactString(address.line1),
        line2: redactString(address.line2),
        postal_code: redactString(address.postal_code),
        state: redactString(address.state),
      };

export const redactVerifiedOutputs = (outputs: VerifiedOutputs): VerifiedOutputs => ({
  address: redactAddress(outputs.address),
  dob: redactDate(outputs.dob),
  email: redactString(outputs.email),
  first_name: redactString(outputs.first_name),
  last_name: redactString(outputs.last_name),
  id_number: redactString(outputs.id_number),
  id_number_type: outputs.id_number_type,
  phone: redactString(outputs.phone),
  sex: outputs.sex === null ? null : REDACTED,
  unparsed_place_of_birth: redactString(outputs.unparsed_place_of_birth),
  unparsed_sex: redactString(outputs.unparsed_sex),
});

export const redactProvidedContact = (details: ProvidedContact | null): ProvidedContact | null =>
  details === null
    ? null
    : Object.fromEntries(Object.entries(details).map(([key, value]) => [key, value === undefined ? value : REDACTED]));

const redactDocumentCheck = (check: DocumentCheck): DocumentCheck => ({
  ...check,
  address: redactAddress(check.address),
  dob: redactDate(check.dob),
  expiration_date: redactDate(check.expiration_date),
  issued_date: redactDate(check.issued_date),
  first_name: redactString(check.first_name),
  last_name: redactString(check.last_name),
  number: redactString(check.number),
  sex: redactString(check.sex),
  unparsed_place_of_birth: redactString(check.unparsed_place_of_birth),
  unparsed_sex: redactString(check.unparsed_sex),
});

const redactIdNumberCheck = (check: IdNumberCheck): IdNumberCheck => ({
  ...check,
  dob: redactDate(check.dob),
  first_name: redactString(check.first_name),
  last_name: redactString(check.last_name),
  id_number: redactString(check.id_number),
});

/** File ids are kept (their contents are destroyed by the file store); check results are kept. */
export const redactReport = (report: Report): Report => ({
  ...report,
  ...(report.document ? { document: redactDocumentCheck(report.document) } : {}),
  ...(report.id_number ? { id_number: redactIdNumberCheck(report.id_number) } : {}),
});
