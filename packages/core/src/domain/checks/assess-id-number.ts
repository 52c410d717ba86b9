import * as E from 'fp-ts/lib/Either.js';
import type { IdNumberCheck } from '../shared/report.js';
import type { IdNumberType } from '../shared/values.js';
import { checkIdNumberAgreement, checkReferenceSufficient, ID_NUMBER_AGREEMENT_CHECK, REFERENCE_CHECK, type Person } from './agreement.js';
import { checkIdNumber, ID_NUMBER_CHECKS, maskedIdNumber } from './id-number.js';
import { failed } from './check-result.js';
import { providerStep, step, type Step } from './finding.js';
import type { RegistryAnswer } from './provider-results.js';

/**
 * The ID-number check of one attempt: the number's validity by type, a reference person to
 * check it against (the document's holder, or the provided details), and the registry's holder.
 */

export const ID_REGISTRY_CHECK = 'provider.id_registry@1';

export const ID_NUMBER_PRIORITY = ['id_number_unverified_other', 'id_number_insufficient_document_data', 'id_number_mismatch'] as const;

/** `type: null`: a number of no recognisable type (or none at all), which fails its check. */
export interface IdNumberClaim {
  readonly type: IdNumberType | null;
  readonly number: string;
  readonly reference: Person;
}

const validityOf = (claim: IdNumberClaim) =>
  claim.type === null ? failed('id_number.type@1', claim.number === '' ? 'missing' : 'format') : checkIdNumber(claim.type, claim.number);

/** Whether the registry is worth asking: the number is valid and there is someone to compare. */
export interface RegistryQuestion {
  readonly type: IdNumberType;
  readonly number: string;
  readonly reference: Required<Person>;
}

export const registryQuestion = (claim: IdNumberClaim): RegistryQuestion | undefined => {
  const reference = checkReferenceSufficient(claim.reference);
  return claim.type !== null && E.isRight(validityOf(claim)) && E.isRight(reference)
    ? { type: claim.type, number: claim.number, reference: reference.right }
    : undefined;
};

export const assessIdNumber = (
  claim: IdNumberClaim,
  registry: RegistryAnswer | undefined,
): { readonly steps: ReadonlyArray<Step>; readonly section: Omit<IdNumberCheck, 'status' | 'error'> } => {
  const validity = validityOf(claim);
  const sufficient = checkReferenceSufficient(claim.reference);
  const steps: Step[] = [
    step(claim.type === null ? 'id_number.type@1' : ID_NUMBER_CHECKS[claim.type], validity, 'id_number_unverified_other'),
    step(REFERENCE_CHECK, sufficient, 'id_number_insufficient_document_data'),
  ];
  if (registry !== undefined && E.isRight(sufficient)) {
    if (!registry.found) steps.push(providerStep(ID_REGISTRY_CHECK, ['not_found'], 'id_number_unverified_other'));
    else {
      const { found: _found, ...holder } = registry;
      steps.push(step(ID_NUMBER_AGREEMENT_CHECK, checkIdNumberAgreement(holder, sufficient.right), 'id_number_mismatch'));
    }
  }
  return {
    steps,
    section: {
      dob: claim.reference.dob ?? null,
      first_name: claim.reference.first_name ?? null,
      last_name: claim.reference.last_name ?? null,
      id_number: claim.number === '' ? null : maskedIdNumber(claim.type, claim.number),
      id_number_type: claim.type,
    },
  };
};
