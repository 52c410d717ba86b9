/**
 * `provided_details`: Stripe's `email` and `phone`, plus idledger's write-only extension
 * (`first_name`, `last_name`, `dob`, `id_number`, `id_number_type`; spec section 18 item 2).
 * All of it is personal data: error messages never echo the values.
 */
import * as E from 'fp-ts/lib/Either.js';
import { invalidParameter } from '../errors.js';
import { int, oneOf, refine, str, strictObject, type Codec } from './primitives.js';

import { ID_NUMBER_TYPES, type IdNumberType } from '../shared/values.js';

export interface DateOfBirth {
  day: number;
  month: number;
  year: number;
}

export interface ProvidedDetails {
  email?: string;
  /** E.164: `+` and 7–15 digits, separators already removed. */
  phone?: string;
  first_name?: string;
  last_name?: string;
  dob?: DateOfBirth;
  id_number?: string;
  id_number_type?: IdNumberType;
}

/**
 * A pragmatic address check: `local@domain.tld`, no whitespace, one `@`, a dotted domain with
 * non-empty labels. Deliverability is not checked.
 */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const emailAddress = (maxLength?: number): Codec<string> =>
  refine(str(maxLength === undefined ? { sensitive: true } : { maxLength, sensitive: true }), 'email', (email, param) =>
    EMAIL.test(email) ? E.right(email) : E.left(invalidParameter(param, `Invalid email address for ${param}`, 'email_invalid')),
  );

/**
 * Phone numbers must be in E.164 form: `+`, a country code not starting with 0, 7 to 15 digits in
 * all. Spaces, dashes, dots and parentheses are accepted as separators and removed, so
 * `+1 (415) 555-0100` is stored as `+14155550100`.
 */
const PHONE_SEPARATORS = /[\s\-.()]/g;
const E164 = /^\+[1-9]\d{6,14}$/;

export const phoneNumber: Codec<string> = refine(str({ sensitive: true }), 'phone', (raw, param) => {
  const phone = raw.replace(PHONE_SEPARATORS, '');
  return E164.test(phone)
    ? E.right(phone)
    : E.left(
        invalidParameter(
          param,
          `Invalid phone number for ${param}: use E.164 format, a '+' followed by 7 to 15 digits (e.g. +14155550100)`,
        ),
      );
});

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** A real Gregorian calendar date with a four-digit year (no clock: "not in the future" is not checked). */
export const isCalendarDate = ({ day, month, year }: DateOfBirth): boolean =>
  year >= 1000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);

const dateParts = strictObject(
  'provided_details[dob]',
  { day: int({ sensitive: true }), month: int({ sensitive: true }), year: int({ sensitive: true }) },
  ['day', 'month', 'year'],
);

export const dateOfBirth: Codec<DateOfBirth> = refine(dateParts, 'dob', (dob, param) =>
  isCalendarDate(dob)
    ? E.right(dob)
    : E.left(invalidParameter(param, `Invalid date for ${param}: not a real calendar date`, 'invalid_date')),
);

export const providedDetails: Codec<ProvidedDetails> = strictObject('provided_details', {
  email: emailAddress(),
  phone: phoneNumber,
  first_name: str({ sensitive: true }),
  last_name: str({ sensitive: true }),
  dob: dateOfBirth,
  id_number: str({ sensitive: true }),
  id_number_type: oneOf(ID_NUMBER_TYPES),
});
