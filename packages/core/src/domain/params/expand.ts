/**
 * `expand[]` (spec section 9). The lists are exported so that the renderer honours exactly the
 * paths the decoders accept. An unknown path fails with code `invalid_value`, param `expand`,
 * naming the path; a malformed item (not a string, empty, over 5000 characters) is reported at
 * `expand[i]`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { invalidParameter } from '../errors.js';
import { list, refine, str, type Codec } from './primitives.js';

/** Report paths that are only rendered when expanded (`document.expiration_date` is accepted too). */
export const REPORT_EXPANDABLE_PATHS = Object.freeze([
  'document.dob',
  'document.number',
  'document.sex',
  'document.unparsed_place_of_birth',
  'document.unparsed_sex',
  'document.expiration_date',
  'id_number.dob',
  'id_number.id_number',
] as const);

export type ReportExpandPath = (typeof REPORT_EXPANDABLE_PATHS)[number];

export const VERIFIED_OUTPUTS_EXPANDABLE_PATHS = Object.freeze([
  'verified_outputs',
  'verified_outputs.dob',
  'verified_outputs.id_number',
  'verified_outputs.sex',
  'verified_outputs.unparsed_place_of_birth',
  'verified_outputs.unparsed_sex',
] as const);

export type SessionExpandPath =
  | (typeof VERIFIED_OUTPUTS_EXPANDABLE_PATHS)[number]
  | 'last_verification_report'
  | `last_verification_report.${ReportExpandPath}`;

export const SESSION_EXPANDABLE_PATHS: readonly SessionExpandPath[] = Object.freeze([
  ...VERIFIED_OUTPUTS_EXPANDABLE_PATHS,
  'last_verification_report' as const,
  ...REPORT_EXPANDABLE_PATHS.map((p) => `last_verification_report.${p}` as const),
]);

const listPaths = <P extends string>(paths: readonly P[]): ReadonlyArray<`data.${P}`> =>
  Object.freeze(paths.map((p) => `data.${p}` as const));

export const SESSION_LIST_EXPANDABLE_PATHS = listPaths(SESSION_EXPANDABLE_PATHS);
export const REPORT_LIST_EXPANDABLE_PATHS = listPaths(REPORT_EXPANDABLE_PATHS);
/** Customers have no expandable fields. */
export const CUSTOMER_EXPANDABLE_PATHS: readonly string[] = Object.freeze([]);
export const CUSTOMER_LIST_EXPANDABLE_PATHS: readonly string[] = Object.freeze([]);

/** `expand` for one operation: a list of strings, each one of `allowed`. Duplicates are kept. */
export const expandParam = (allowed: readonly string[]): Codec<string[]> => {
  const known = new Set(allowed);
  return refine(list(str()), 'expand', (paths, param) => {
    const bad = paths.find((p) => !known.has(p));
    if (bad === undefined) return E.right(paths);
    const hint = allowed.length === 0 ? 'This object has no expandable fields.' : `Expandable paths: ${allowed.join(', ')}.`;
    return E.left(invalidParameter(param, `This property cannot be expanded (${bad}). ${hint}`));
  });
};
