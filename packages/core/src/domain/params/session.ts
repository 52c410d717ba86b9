/**
 * Parameters of the VerificationSession operations (spec sections 1, 3.1, 5.1, 5.2, 5.4).
 * Order of checks: unknown parameters, then each known parameter in declaration order (the spec's
 * alphabetical order), then the rules that combine several parameters.
 */
import { documentOptionsOnIdNumber } from '../verification-session/rules.js';
import * as E from 'fp-ts/lib/Either.js';
import { invalidParameter, missingParameter, resourceMissing, type IdentityError } from '../errors.js';
import { requestDecoder, type ParamsDecoder } from './decode.js';
import { providedDetails, type ProvidedDetails } from './details.js';
import { REPORT_EXPANDABLE_PATHS, SESSION_EXPANDABLE_PATHS, expandParam } from './expand.js';
import { createMetadata, updateMetadata, type Metadata, type MetadataUpdate } from './metadata.js';
import { bool, emptiable, list, oneOf, refine, str, strictObject, type Codec } from './primitives.js';
import { returnUrl } from './url.js';

import { DOCUMENT_TYPES, SESSION_TYPES as VERIFICATION_TYPES, type DocumentType, type SessionType as VerificationType } from '../shared/values.js';

export { VERIFICATION_TYPES, type VerificationType };


export interface DocumentOptions {
  allowed_types?: DocumentType[];
  require_id_number?: boolean;
  require_live_capture?: boolean;
  require_matching_selfie?: boolean;
}

/** `document: null` is `options[document]=''`: "no document options". */
export interface SessionOptionsParams {
  document?: DocumentOptions | null;
}

export interface RelatedPerson {
  account: string;
  person: string;
}

export interface CreateSessionParams {
  type: VerificationType;
  client_reference_id?: string;
  metadata?: Metadata;
  options?: SessionOptionsParams;
  provided_details?: ProvidedDetails;
  related_customer?: string;
  related_customer_account?: string;
  related_person?: RelatedPerson;
  /** Absolute http(s) URL; may contain the literal template `{VERIFICATION_SESSION_ID}`. */
  return_url?: string;
  expand?: string[];
}

export interface UpdateSessionParams {
  metadata?: MetadataUpdate;
  options?: SessionOptionsParams;
  provided_details?: ProvidedDetails;
  type?: VerificationType;
  expand?: string[];
}

export interface ExpandParams {
  expand?: string[];
}
export type RetrieveParams = ExpandParams;
export type CancelParams = ExpandParams;
export type RedactParams = ExpandParams;

export const documentOptions: Codec<DocumentOptions> = strictObject('options[document]', {
  allowed_types: list(oneOf(DOCUMENT_TYPES), { nonEmpty: true, unique: true }),
  require_id_number: bool,
  require_live_capture: bool,
  require_matching_selfie: bool,
});

/**
 * `options`: only `document` can be set. `options[id_number]` (the original description's
 * examples) is accepted when it is empty (`{}`, `''`) and dropped; any member inside it is unknown.
 */
export const sessionOptions: Codec<SessionOptionsParams> = refine(
  strictObject('options', {
    document: emptiable(documentOptions),
    id_number: emptiable(strictObject('options[id_number]', {})),
  }),
  'options',
  ({ id_number: _dropped, ...rest }) => E.right(rest),
);

const relatedPerson: Codec<RelatedPerson> = strictObject(
  'related_person',
  { account: str(), person: str() },
  ['account', 'person'],
);

const documentOptionsConflict = (type: VerificationType | undefined, options: SessionOptionsParams | undefined) =>
  type === 'id_number' && options?.document !== undefined && options.document !== null
    ? E.left(documentOptionsOnIdNumber())
    : E.right(undefined);

const createFields = strictObject('VerificationSessionCreateParams', {
  client_reference_id: str(),
  expand: expandParam(SESSION_EXPANDABLE_PATHS),
  metadata: createMetadata,
  options: sessionOptions,
  provided_details: providedDetails,
  related_customer: str(),
  related_customer_account: str(),
  related_person: relatedPerson,
  return_url: returnUrl,
  type: oneOf(VERIFICATION_TYPES),
  verification_flow: str(),
});

/**
 * `type` xor `verification_flow`: both → `parameters_exclusive` (param `verification_flow`);
 * neither → `parameter_missing` (param `type`); a flow alone → `resource_missing`, since idledger
 * has no Dashboard and so no flow can exist.
 */
export const createSessionParams: Codec<CreateSessionParams> = refine(
  createFields,
  'VerificationSessionCreateParams',
  ({ verification_flow, type, ...rest }): E.Either<IdentityError, CreateSessionParams> => {
    if (verification_flow !== undefined && type !== undefined) {
      return E.left(
        invalidParameter(
          'verification_flow',
          'You may only specify one of these parameters: type, verification_flow.',
          'parameters_exclusive',
        ),
      );
    }
    if (verification_flow !== undefined) return E.left(resourceMissing('verification flow', verification_flow, 'verification_flow'));
    if (type === undefined) return E.left(missingParameter('type'));
    return E.map(() => ({ type, ...rest }))(documentOptionsConflict(type, rest.options));
  },
);

export const updateSessionParams: Codec<UpdateSessionParams> = refine(
  strictObject('VerificationSessionUpdateParams', {
    expand: expandParam(SESSION_EXPANDABLE_PATHS),
    metadata: updateMetadata,
    options: sessionOptions,
    provided_details: providedDetails,
    type: oneOf(VERIFICATION_TYPES),
  }),
  'VerificationSessionUpdateParams',
  (params) => E.map(() => params)(documentOptionsConflict(params.type, params.options)),
);

export const expandOnly = (name: string, paths: readonly string[]): Codec<ExpandParams> =>
  strictObject(name, { expand: expandParam(paths) });

export const decodeCreateSessionParams: ParamsDecoder<CreateSessionParams> = requestDecoder(createSessionParams);
export const decodeUpdateSessionParams: ParamsDecoder<UpdateSessionParams> = requestDecoder(updateSessionParams);

/** Retrieve of a VerificationSession (also exported as `decodeRetrieveParams`). */
export const decodeRetrieveSessionParams: ParamsDecoder<RetrieveParams> = requestDecoder(
  expandOnly('VerificationSessionRetrieveParams', SESSION_EXPANDABLE_PATHS),
);
export const decodeRetrieveParams: ParamsDecoder<RetrieveParams> = decodeRetrieveSessionParams;
export const decodeCancelParams: ParamsDecoder<CancelParams> = requestDecoder(
  expandOnly('VerificationSessionCancelParams', SESSION_EXPANDABLE_PATHS),
);
export const decodeRedactParams: ParamsDecoder<RedactParams> = requestDecoder(
  expandOnly('VerificationSessionRedactParams', SESSION_EXPANDABLE_PATHS),
);
/** Retrieve of a VerificationReport: report expansion paths. */
export const decodeRetrieveReportParams: ParamsDecoder<RetrieveParams> = requestDecoder(
  expandOnly('VerificationReportRetrieveParams', REPORT_EXPANDABLE_PATHS),
);
