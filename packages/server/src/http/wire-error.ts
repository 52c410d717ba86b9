import type { IdentityError } from '@idledger/core';

/**
 * An error as it goes on the wire: Stripe's `{ error: { type, code, message, param } }` with its
 * HTTP status. Every ledger error is one; the server adds its own (authentication, routing,
 * malformed bodies) in the same shape.
 */
export interface WireError {
  readonly type: 'invalid_request_error' | 'idempotency_error' | 'api_error';
  readonly code: string;
  readonly message: string;
  readonly param?: string;
  readonly statusCode: number;
}

export const wireError = (statusCode: number, code: string, message: string, param?: string): WireError => ({
  type: statusCode >= 500 ? 'api_error' : 'invalid_request_error',
  code,
  message,
  statusCode,
  ...(param === undefined ? {} : { param }),
});

export const fromIdentityError = (error: IdentityError): WireError => ({
  type: error.type,
  code: error.code,
  message: error.message,
  statusCode: error.statusCode,
  ...(error.param === undefined ? {} : { param: error.param }),
});

const DOC_BASE = 'https://docs.idledger.dev/error-codes/';

/** The JSON body of an error response. */
export const errorBody = (error: WireError): { readonly error: Record<string, string> } => ({
  error: {
    type: error.type,
    code: error.code,
    message: error.message,
    ...(error.param === undefined ? {} : { param: error.param }),
    doc_url: `${DOC_BASE}${error.code.replaceAll('_', '-')}`,
  },
});

export const unrecognizedUrl = (method: string, path: string): WireError =>
  wireError(404, 'resource_missing', `Unrecognized request URL (${method}: ${path}).`);
