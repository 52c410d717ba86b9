import type { IdNumberType } from '../shared/values.js';
import { failed, verdict, type CheckOutcome } from './check-result.js';

/**
 * Validity of an ID number by its type: US SSN structure (no check digit exists), Brazilian CPF
 * mod-11 check digits, Singapore NRIC/FIN check letter. Pure: no registry, no clock.
 */

export interface ValidIdNumber {
  readonly type: IdNumberType;
  /** Separators removed, letters upper-cased. */
  readonly normalized: string;
}

export const SSN_CHECK = 'ssn.structure@1';
export const CPF_CHECK = 'cpf.checksum@1';
export const NRIC_CHECK = 'nric.checksum@1';

export const ID_NUMBER_CHECKS: Record<IdNumberType, string> = { us_ssn: SSN_CHECK, br_cpf: CPF_CHECK, sg_nric: NRIC_CHECK };

const normalize = (value: string, separators: RegExp) => value.trim().toUpperCase().replace(separators, '');

/** Published numbers that were never valid SSNs (a wallet sample card, an SSA pamphlet, advertising). */
const KNOWN_INVALID_SSNS = new Set(['078051120', '219099999', '457555462']);

/** 987-65-4320 to 987-65-4329: reserved for advertising, though its group lies in the ITIN ranges. */
const isAdvertisingBlock = (digits: string) => digits.startsWith('98765432');

/** ITIN group ranges (area 9xx); group 93 is an ATIN. */
const isItinGroup = (group: number) =>
  (group >= 50 && group <= 65) || (group >= 70 && group <= 88) || (group >= 90 && group <= 92) || (group >= 94 && group <= 99);

export const checkSsn = (value: string): CheckOutcome<ValidIdNumber> => {
  const digits = normalize(value, /[-\s]/g);
  if (!/^\d{9}$/.test(digits)) return failed(SSN_CHECK, 'format');
  const area = digits.slice(0, 3);
  const group = digits.slice(3, 5);
  const rules: string[] = [];
  if (area === '000') rules.push('area_000');
  if (area === '666') rules.push('area_666');
  if (area.startsWith('9')) rules.push(isItinGroup(Number(group)) && !isAdvertisingBlock(digits) ? 'area_9xx_itin_range' : 'area_9xx');
  if (group === '00') rules.push('group_00');
  if (digits.slice(5) === '0000') rules.push('serial_0000');
  if (KNOWN_INVALID_SSNS.has(digits)) rules.push('known_invalid');
  const detail = !area.startsWith('9')
    ? undefined
    : isAdvertisingBlock(digits)
      ? 'reserved for advertising'
      : group === '93'
        ? 'an ATIN, not an SSN'
        : 'not an SSN';
  return verdict(SSN_CHECK, rules, { type: 'us_ssn' as const, normalized: digits }, detail);
};

const mod11Digit = (sum: number) => (sum % 11 < 2 ? 0 : 11 - (sum % 11));

/** The two check digits of a CPF's nine-digit base. */
export const cpfCheckDigits = (base: string): string => {
  const d = [...base].map(Number);
  const dv1 = mod11Digit(d.reduce((sum, digit, i) => sum + digit * (10 - i), 0));
  const dv2 = mod11Digit([...d, dv1].reduce((sum, digit, i) => sum + digit * (11 - i), 0));
  return `${dv1}${dv2}`;
};

export const checkCpf = (value: string): CheckOutcome<ValidIdNumber> => {
  const digits = normalize(value, /[.\-\s]/g);
  if (!/^\d{11}$/.test(digits)) return failed(CPF_CHECK, 'format');
  const expected = cpfCheckDigits(digits.slice(0, 9));
  const rules: string[] = [];
  if (digits[9] !== expected[0]) rules.push('check_digit_1');
  if (digits[10] !== expected[1]) rules.push('check_digit_2');
  if (/^(\d)\1{10}$/.test(digits)) rules.push('all_digits_equal');
  return verdict(CPF_CHECK, rules, { type: 'br_cpf' as const, normalized: digits });
};

const NRIC_WEIGHTS = [2, 7, 6, 5, 4, 3, 2] as const;
const NRIC_LETTERS: Record<string, string> = {
  S: 'JZIHGFEDCBA',
  T: 'JZIHGFEDCBA',
  F: 'XWUTRQPNMLK',
  G: 'XWUTRQPNMLK',
  M: 'XWUTRQPNJLK',
};
const NRIC_OFFSET: Record<string, number> = { S: 0, T: 4, F: 0, G: 4, M: 3 };

/** The check letter of an NRIC/FIN from its prefix and seven digits. */
export const nricCheckLetter = (prefix: string, digits: string): string => {
  const sum = [...digits].reduce((acc, digit, i) => acc + Number(digit) * NRIC_WEIGHTS[i]!, NRIC_OFFSET[prefix] ?? 0);
  return NRIC_LETTERS[prefix]![sum % 11]!;
};

export const checkNric = (value: string): CheckOutcome<ValidIdNumber> => {
  const normalized = value.trim().toUpperCase();
  if (!/^[STFGM]\d{7}[A-Z]$/.test(normalized)) return failed(NRIC_CHECK, 'format');
  const expected = nricCheckLetter(normalized[0]!, normalized.slice(1, 8));
  return verdict(NRIC_CHECK, normalized[8] === expected ? [] : ['check_letter'], { type: 'sg_nric' as const, normalized });
};

/** `checkIdNumber(type, value)`: the validity check of an ID number of the given type. */
export const checkIdNumber = (type: IdNumberType, value: string): CheckOutcome<ValidIdNumber> => {
  switch (type) {
    case 'us_ssn':
      return checkSsn(value);
    case 'br_cpf':
      return checkCpf(value);
    case 'sg_nric':
      return checkNric(value);
  }
};

/** What a report may show of an ID number: an SSN only by its last four digits. */
export const maskedIdNumber = (type: IdNumberType | null, value: string): string =>
  type === 'us_ssn' ? value.replace(/\D/g, '').slice(-4) : value;
