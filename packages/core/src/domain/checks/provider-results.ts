import type { DocumentFields } from '../shared/end-user-inputs.js';
import type { CalendarDate } from './dates.js';

/**
 * What outside providers answered for one attempt, as plain data: the pure assessment turns
 * these answers, with the collected inputs, into the report. How they were obtained (and
 * retried, and timed out) is the ledger's business.
 */

/** A document inspector's answer: whether the images show a genuine document, and what it read from them. */
export interface DocumentInspection {
  readonly authentic: boolean;
  /** Fields the provider read (OCR); each one given must agree with what the user provided. */
  readonly extracted?: Pick<DocumentFields, 'first_name' | 'last_name' | 'dob' | 'number'>;
}

export type FaceMatchOutcome = 'match' | 'mismatch' | 'document_missing_photo' | 'manipulated' | 'unverifiable';

/** An ID registry's answer about one number: its holder on record, or that it has none. */
export type RegistryAnswer =
  | { readonly found: false }
  | { readonly found: true; readonly first_name: string; readonly last_name: string; readonly dob: CalendarDate };

/** `file_missing`: a referenced file is gone from the file store (for example deleted by redaction). */
export type ProviderAnswer<A> = A | 'file_missing';
