import type { IdNumberType } from './values.js';

/**
 * The kind of an ID number from its shape alone, for `provided_details[id_number]` given without
 * `id_number_type`. Validity (check digits, reserved ranges) is a separate check.
 */
export const inferIdNumberType = (value: string): IdNumberType | undefined => {
  const compact = value.replace(/[\s.\-/]/g, '').toUpperCase();
  if (/^\d{9}$/.test(compact)) return 'us_ssn';
  if (/^\d{11}$/.test(compact)) return 'br_cpf';
  if (/^[STFGM]\d{7}[A-Z]$/.test(compact)) return 'sg_nric';
  return undefined;
};
