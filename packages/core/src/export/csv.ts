import { stringify } from 'csv-stringify/sync';

/**
 * CSV for people, safe to open in a spreadsheet: RFC 4180 quoting by csv-stringify (told to quote
 * a field with a bare LF too, which it only does for its own record delimiter), and every
 * field whose first character a spreadsheet would read as a formula (=, +, -, @, TAB, CR, NUL)
 * prefixed with a single quote (OWASP ASVS 5.0 1.2.10). That changes such values, negative
 * numbers included; the JSONL beside it is the record.
 */
const FORMULA_START = /^[=+\-@\t\r\u0000]/;

export const neutralizeFormula = (field: string): string => (FORMULA_START.test(field) ? `'${field}` : field);

export const toCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  stringify([header, ...rows].map((row) => row.map(neutralizeFormula)), { record_delimiter: '\r\n', bom: true, quoted_match: [/[\r\n]/] });
