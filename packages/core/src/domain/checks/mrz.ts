import { failed, verdict, type CheckOutcome } from './check-result.js';
import { compareDates as compare, type CalendarDate } from './dates.js';

/**
 * ICAO Doc 9303 machine-readable zones: TD1 (3 × 30), TD2 (2 × 36) and TD3 (2 × 44). `parseMrz`
 * judges layout and check digits only: whether the issuing state is a known or supported code
 * is a separate check, so ICAO's specimen state `UTO` parses.
 */

export type MrzFormat = 'TD1' | 'TD2' | 'TD3';

export interface Mrz {
  readonly format: MrzFormat;
  /** Without filler: `P`, `I`, `ID`, `A`, `C`. */
  readonly documentCode: string;
  readonly issuingState: string;
  readonly documentNumber: string;
  readonly nationality: string;
  /** `YYMMDD` as printed; see `mrzBirthDate` / `mrzExpiryDate` for the century. */
  readonly birthDate: string;
  readonly expiryDate: string;
  readonly sex: 'male' | 'female' | 'unspecified';
  readonly surname: string;
  readonly givenNames: string;
}

export const MRZ_CHECKS: Record<MrzFormat, string> = { TD1: 'mrz.td1@1', TD2: 'mrz.td2@1', TD3: 'mrz.td3@1' };
const LAYOUT_CHECK = 'mrz.layout@1';

const charValue = (c: string): number => {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  return 0;
};
const WEIGHTS = [7, 3, 1] as const;

/** Doc 9303 Part 3: values weighted 7, 3, 1 from the left, summed, modulo 10. */
export const mrzCheckDigit = (field: string): number =>
  [...field].reduce((sum, c, i) => sum + charValue(c) * WEIGHTS[i % 3]!, 0) % 10;

/** A check-digit position must hold the digit computed over its field. */
const digitMatches = (field: string, digit: string | undefined) => digit !== undefined && /^\d$/.test(digit) && Number(digit) === mrzCheckDigit(field);

const withoutFiller = (s: string) => s.replace(/<+$/g, '').replace(/^<+/, '');

const isYymmdd = (s: string) => {
  if (!/^\d{6}$/.test(s)) return false;
  const month = Number(s.slice(2, 4));
  const day = Number(s.slice(4, 6));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
};

const names = (field: string) => {
  const [surname = '', ...given] = field.replace(/<+$/, '').split('<<');
  return { surname: surname.replace(/</g, ' ').trim(), givenNames: given.join(' ').replace(/</g, ' ').trim() };
};

const sexOf = (c: string | undefined): Mrz['sex'] => (c === 'M' ? 'male' : c === 'F' ? 'female' : 'unspecified');

interface Fields {
  readonly documentNumber: string;
  readonly birth: string;
  readonly expiry: string;
  readonly sex: string;
}

/** Rules shared by every layout: date shapes and the sex position. */
const commonRules = ({ birth, expiry, sex }: Fields): string[] => [
  ...(isYymmdd(birth) ? [] : ['birth_date_format']),
  ...(isYymmdd(expiry) ? [] : ['expiry_date_format']),
  ...(['M', 'F', '<', 'X'].includes(sex) ? [] : ['sex']),
];

/** TD2 and TD3 share one layout up to the optional data; only the width and the personal number differ. */
const parseTwoLine = (format: 'TD2' | 'TD3', [l1, l2]: readonly [string, string]): CheckOutcome<Mrz> => {
  const width = l2.length;
  const fields = { documentNumber: l2.slice(0, 9), birth: l2.slice(13, 19), expiry: l2.slice(21, 27), sex: l2[20]! };
  const rules = [
    ...((format === 'TD3' ? ['P'] : ['I', 'A', 'C']).includes(l1[0]!) ? [] : ['document_code']),
    ...commonRules(fields),
    ...(digitMatches(fields.documentNumber, l2[9]) ? [] : ['document_number_check_digit']),
    ...(digitMatches(fields.birth, l2[19]) ? [] : ['birth_date_check_digit']),
    ...(digitMatches(fields.expiry, l2[27]) ? [] : ['expiry_date_check_digit']),
    ...(format === 'TD3' ? personalNumberRules(l2.slice(28, 42), l2[42]) : []),
    ...(digitMatches(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, width - 1), l2[width - 1]) ? [] : ['composite_check_digit']),
  ];
  return verdict(MRZ_CHECKS[format], rules, {
    format,
    documentCode: withoutFiller(l1.slice(0, 2)),
    issuingState: withoutFiller(l1.slice(2, 5)),
    documentNumber: withoutFiller(fields.documentNumber),
    nationality: withoutFiller(l2.slice(10, 13)),
    birthDate: fields.birth,
    expiryDate: fields.expiry,
    sex: sexOf(fields.sex),
    ...names(l1.slice(5)),
  });
};

/** TD3's personal number: an empty one may carry `<` or `0` as its check digit. */
const personalNumberRules = (personal: string, digit: string | undefined): string[] =>
  (/^<+$/.test(personal) && (digit === '<' || digit === '0')) || digitMatches(personal, digit) ? [] : ['personal_number_check_digit'];

/**
 * TD1 document numbers longer than nine characters: position 15 is `<` and the rest of the
 * number, then its check digit, continue in the optional data up to the next `<`.
 */
const td1DocumentNumber = (l1: string): { readonly number: string; readonly digit: string | undefined } => {
  if (l1[14] !== '<') return { number: l1.slice(5, 14), digit: l1[14] };
  const rest = l1.slice(15).split('<')[0] ?? '';
  return rest.length === 0 ? { number: l1.slice(5, 14), digit: undefined } : { number: l1.slice(5, 14) + rest.slice(0, -1), digit: rest.slice(-1) };
};

const parseTd1 = ([l1, l2, l3]: readonly [string, string, string]): CheckOutcome<Mrz> => {
  const number = td1DocumentNumber(l1);
  const fields = { documentNumber: number.number, birth: l2.slice(0, 6), expiry: l2.slice(8, 14), sex: l2[7]! };
  const rules = [
    ...(['I', 'A', 'C'].includes(l1[0]!) ? [] : ['document_code']),
    ...commonRules(fields),
    ...(digitMatches(fields.documentNumber, number.digit) ? [] : ['document_number_check_digit']),
    ...(digitMatches(fields.birth, l2[6]) ? [] : ['birth_date_check_digit']),
    ...(digitMatches(fields.expiry, l2[14]) ? [] : ['expiry_date_check_digit']),
    ...(digitMatches(l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29), l2[29]) ? [] : ['composite_check_digit']),
  ];
  return verdict(MRZ_CHECKS.TD1, rules, {
    format: 'TD1' as const,
    documentCode: withoutFiller(l1.slice(0, 2)),
    issuingState: withoutFiller(l1.slice(2, 5)),
    documentNumber: withoutFiller(fields.documentNumber),
    nationality: withoutFiller(l2.slice(15, 18)),
    birthDate: fields.birth,
    expiryDate: fields.expiry,
    sex: sexOf(fields.sex),
    ...names(l3),
  });
};

/** `parseMrz(lines)`: the fields of a TD1, TD2 or TD3 zone, or the rules it breaks. */
export const parseMrz = (input: ReadonlyArray<string> | string): CheckOutcome<Mrz> => {
  const lines = (typeof input === 'string' ? input.split(/\r?\n/) : [...input]).map((line) => line.trim().toUpperCase()).filter((line) => line !== '');
  if (lines.some((line) => !/^[A-Z0-9<]+$/.test(line))) return failed(LAYOUT_CHECK, 'charset');
  const lengths = lines.map((line) => line.length).join('x');
  if (lines.length === 3 && lengths === '30x30x30') return parseTd1(lines as [string, string, string]);
  if (lines.length === 2 && lengths === '36x36') return parseTwoLine('TD2', lines as [string, string]);
  if (lines.length === 2 && lengths === '44x44') return parseTwoLine('TD3', lines as [string, string]);
  return failed(LAYOUT_CHECK, lines.length === 2 || lines.length === 3 ? 'line_length' : 'line_count');
};

const partsOf = (yymmdd: string, century: number): CalendarDate => ({
  year: century + Number(yymmdd.slice(0, 2)),
  month: Number(yymmdd.slice(2, 4)),
  day: Number(yymmdd.slice(4, 6)),
});

/**
 * Century rule for dates of birth: the latest century that does not put the date after the
 * reference date (so on 2026-11-26, `261127` is 1926-11-27 and `261126` is 2026-11-26).
 */
export const mrzBirthDate = (yymmdd: string, reference: CalendarDate): CalendarDate => {
  const sameCentury = partsOf(yymmdd, Math.floor(reference.year / 100) * 100);
  return compare(sameCentury, reference) <= 0 ? sameCentury : { ...sameCentury, year: sameCentury.year - 100 };
};

/** Expiry dates are always in the 2000s (Doc 9303 documents did not expire before 2000). */
export const mrzExpiryDate = (yymmdd: string): CalendarDate => partsOf(yymmdd, 2000);

