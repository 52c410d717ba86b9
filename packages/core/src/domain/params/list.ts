/**
 * List parameters (spec section 8.2): `limit` 1..100 (default 10), the exclusive cursors
 * `starting_after` / `ending_before`, and the `created` filter.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { invalidParameter, type IdentityError } from '../errors.js';
import { requestDecoder, makeCodec, fail, pathOf, type ParamsDecoder } from './decode.js';
import { REPORT_LIST_EXPANDABLE_PATHS, SESSION_LIST_EXPANDABLE_PATHS, expandParam } from './expand.js';
import { int, isPlainObject, oneOf, refine, str, strictObject, type Codec } from './primitives.js';
import { VERIFICATION_TYPES, type VerificationType } from './session.js';

export const LIST_LIMIT_MIN = 1;
export const LIST_LIMIT_MAX = 100;
export const LIST_LIMIT_DEFAULT = 10;

import { SESSION_STATUSES, type SessionStatus } from '../shared/values.js';

/** Unix seconds. `created=123` decodes to `{gte: 123, lte: 123}`. */
export interface CreatedFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface PageParams {
  limit: number;
  starting_after?: string;
  ending_before?: string;
  created?: CreatedFilter;
  expand?: string[];
}

export interface ListSessionsParams extends PageParams {
  status?: SessionStatus;
  related_customer?: string;
  related_customer_account?: string;
  client_reference_id?: string;
}

export interface ListReportsParams extends PageParams {
  type?: VerificationType;
  verification_session?: string;
  client_reference_id?: string;
}

export interface ListCustomersParams extends PageParams {
  email?: string;
}

/** Non-integers: `parameter_invalid_integer`; integers outside 1..100: `invalid_value`. */
export const limitParam: Codec<number> = refine(int(), 'limit', (limit, param) =>
  limit >= LIST_LIMIT_MIN && limit <= LIST_LIMIT_MAX
    ? E.right(limit)
    : E.left(
        invalidParameter(param, `Invalid ${param}: must be between ${LIST_LIMIT_MIN} and ${LIST_LIMIT_MAX}, got ${limit}`),
      ),
);

const createdRange = refine(
  strictObject('created', { gt: int(), gte: int(), lt: int(), lte: int() }),
  'created',
  (range, param): E.Either<IdentityError, CreatedFilter> =>
    Object.keys(range).length > 0
      ? E.right(range)
      : E.left(invalidParameter(param, `Invalid ${param}: a range needs at least one of gt, gte, lt, lte`)),
);

/** An integer (exact match) or a range object with any of `gt`, `gte`, `lt`, `lte`. */
export const createdFilter: Codec<CreatedFilter> = makeCodec('created', (u, c) => {
  if (isPlainObject(u)) return createdRange.validate(u, c);
  const exact = int().validate(u, c);
  if (E.isLeft(exact)) {
    const message = `Invalid ${pathOf(c)}: must be an integer or a range object with gt, gte, lt or lte`;
    return typeof u === 'boolean' || Array.isArray(u)
      ? fail(u, c, invalidParameter(pathOf(c), message, 'parameter_invalid_integer'))
      : exact;
  }
  return t.success({ gte: exact.right, lte: exact.right });
});

const pageProps = {
  created: createdFilter,
  ending_before: str(),
  limit: limitParam,
  starting_after: str(),
};

/** Cursors are exclusive (`parameters_exclusive`, param `ending_before`); `limit` defaults to 10. */
const paged = <A extends { limit?: number; starting_after?: string; ending_before?: string }>(
  codec: Codec<A>,
  name: string,
): Codec<A & { limit: number }> =>
  refine(codec, name, (params) =>
    params.starting_after !== undefined && params.ending_before !== undefined
      ? E.left(
          invalidParameter(
            'ending_before',
            'You may only specify one of these parameters: starting_after, ending_before.',
            'parameters_exclusive',
          ),
        )
      : E.right({ ...params, limit: params.limit ?? LIST_LIMIT_DEFAULT }),
  );

export const listSessionsParams: Codec<ListSessionsParams> = paged(
  strictObject('VerificationSessionListParams', {
    client_reference_id: str(),
    created: pageProps.created,
    ending_before: pageProps.ending_before,
    expand: expandParam(SESSION_LIST_EXPANDABLE_PATHS),
    limit: pageProps.limit,
    related_customer: str(),
    related_customer_account: str(),
    starting_after: pageProps.starting_after,
    status: oneOf(SESSION_STATUSES),
  }),
  'VerificationSessionListParams',
);

export const listReportsParams: Codec<ListReportsParams> = paged(
  strictObject('VerificationReportListParams', {
    client_reference_id: str(),
    created: pageProps.created,
    ending_before: pageProps.ending_before,
    expand: expandParam(REPORT_LIST_EXPANDABLE_PATHS),
    limit: pageProps.limit,
    starting_after: pageProps.starting_after,
    type: oneOf(VERIFICATION_TYPES),
    verification_session: str(),
  }),
  'VerificationReportListParams',
);

/** Shared by the customer list (see `customer.ts`). */
export const pagedList = paged;
export const pageParamCodecs = pageProps;

export const decodeListSessionsParams: ParamsDecoder<ListSessionsParams> = requestDecoder(listSessionsParams);
export const decodeListReportsParams: ParamsDecoder<ListReportsParams> = requestDecoder(listReportsParams);
