/**
 * Errors are data shaped like Stripe's API errors: never thrown inside the domain and never
 * recognised by `instanceof`; discriminate on `_tag`, then on `type` / `code`.
 */

export type IdentityErrorType = 'invalid_request_error' | 'idempotency_error' | 'api_error';

export type IdentityErrorCode =
  | 'resource_missing'
  | 'parameter_unknown'
  | 'parameter_missing'
  | 'parameter_invalid_empty'
  | 'parameter_invalid_integer'
  | 'parameter_invalid_string_empty'
  | 'parameters_exclusive'
  | 'invalid_value'
  | 'string_too_long'
  | 'url_invalid'
  | 'email_invalid'
  | 'invalid_date'
  | 'metadata_invalid'
  | 'session_status_invalid'
  | 'session_redacted'
  | 'verification_inputs_missing'
  | 'client_secret_invalid'
  | 'file_invalid'
  | 'file_too_large'
  | 'session_under_legal_hold'
  | 'session_under_retention'
  | 'legal_hold_missing'
  | 'idempotency_key_in_use'
  | 'idempotency_key_reused'
  | 'livemode_mismatch'
  | 'secret_key_required'
  | 'concurrent_modification'
  | 'resource_already_exists'
  | 'store_unavailable'
  | 'api_error';

export interface IdentityError {
  readonly _tag: 'IdentityError';
  readonly type: IdentityErrorType;
  readonly code: IdentityErrorCode;
  readonly message: string;
  /** The offending parameter in Stripe's bracket form, e.g. `options[document][allowed_types][0]`. */
  readonly param?: string;
  readonly statusCode: number;
}

export const identityError = (
  fields: Omit<IdentityError, '_tag' | 'statusCode'> & { readonly statusCode?: number },
): IdentityError => ({
  _tag: 'IdentityError',
  statusCode: fields.statusCode ?? (fields.type === 'api_error' ? 500 : 400),
  ...withoutUndefinedParam(fields),
});

const withoutUndefinedParam = <T extends { param?: string }>(fields: T): T => {
  if (fields.param !== undefined) return fields;
  const { param: _omitted, ...rest } = fields;
  return rest as T;
};

export const isIdentityError = (u: unknown): u is IdentityError =>
  typeof u === 'object' && u !== null && (u as { _tag?: unknown })._tag === 'IdentityError';

export const invalidRequest = (code: IdentityErrorCode, message: string, param?: string): IdentityError =>
  identityError({ type: 'invalid_request_error', code, message, ...(param === undefined ? {} : { param }) });

export const resourceMissing = (objectName: string, id: string, param = 'id'): IdentityError =>
  identityError({
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${objectName}: '${id}'`,
    param,
    statusCode: param === 'id' ? 404 : 400,
  });

export const unknownParameter = (param: string): IdentityError =>
  invalidRequest('parameter_unknown', `Received unknown parameter: ${param}`, param);

export const missingParameter = (param: string): IdentityError =>
  invalidRequest('parameter_missing', `Missing required param: ${param}.`, param);

export const invalidParameter = (param: string, message: string, code: IdentityErrorCode = 'invalid_value'): IdentityError =>
  invalidRequest(code, message, param);

/** An update whose merged metadata would break the key limit. */
export const tooManyMetadataKeys = (count: number, max: number): IdentityError =>
  invalidRequest('metadata_invalid', `Invalid metadata: at most ${max} keys are allowed, the update would leave ${count}`, 'metadata');

export const apiError = (message: string, code: IdentityErrorCode = 'api_error'): IdentityError =>
  identityError({ type: 'api_error', code, message });
