/**
 * Parameters of idledger's minimal Customer resource (spec section 18 item 8): `email`, `name`,
 * `metadata`. Lengths follow Stripe's Customer API (email ≤ 512, name ≤ 256 characters).
 * Customers have no expandable fields, so any `expand` path is rejected.
 */
import { requestDecoder, type ParamsDecoder } from './decode.js';
import { emailAddress } from './details.js';
import { CUSTOMER_EXPANDABLE_PATHS, CUSTOMER_LIST_EXPANDABLE_PATHS, expandParam } from './expand.js';
import { pageParamCodecs, pagedList, type ListCustomersParams } from './list.js';
import { createMetadata, updateMetadata, type Metadata, type MetadataUpdate } from './metadata.js';
import { emptiable, str, strictObject, type Codec } from './primitives.js';
import { expandOnly, type RetrieveParams } from './session.js';

export const CUSTOMER_EMAIL_MAX_LENGTH = 512;
export const CUSTOMER_NAME_MAX_LENGTH = 256;

export interface CreateCustomerParams {
  email?: string;
  name?: string;
  metadata?: Metadata;
  expand?: string[];
}

/** `email` / `name` sent as `''` or `null` clear the value (`null`). */
export interface UpdateCustomerParams {
  email?: string | null;
  name?: string | null;
  metadata?: MetadataUpdate;
  expand?: string[];
}

const customerEmail = emailAddress(CUSTOMER_EMAIL_MAX_LENGTH);
const customerName = str({ maxLength: CUSTOMER_NAME_MAX_LENGTH, sensitive: true });

export const createCustomerParams: Codec<CreateCustomerParams> = strictObject('CustomerCreateParams', {
  email: customerEmail,
  expand: expandParam(CUSTOMER_EXPANDABLE_PATHS),
  metadata: createMetadata,
  name: customerName,
});

export const updateCustomerParams: Codec<UpdateCustomerParams> = strictObject('CustomerUpdateParams', {
  email: emptiable(customerEmail),
  expand: expandParam(CUSTOMER_EXPANDABLE_PATHS),
  metadata: updateMetadata,
  name: emptiable(customerName),
});

/** `email` filters by exact address; it is not format-checked (a filter, not a write). */
export const listCustomersParams: Codec<ListCustomersParams> = pagedList(
  strictObject('CustomerListParams', {
    created: pageParamCodecs.created,
    email: str({ maxLength: CUSTOMER_EMAIL_MAX_LENGTH, sensitive: true }),
    ending_before: pageParamCodecs.ending_before,
    expand: expandParam(CUSTOMER_LIST_EXPANDABLE_PATHS),
    limit: pageParamCodecs.limit,
    starting_after: pageParamCodecs.starting_after,
  }),
  'CustomerListParams',
);

export const decodeCreateCustomerParams: ParamsDecoder<CreateCustomerParams> = requestDecoder(createCustomerParams);
export const decodeUpdateCustomerParams: ParamsDecoder<UpdateCustomerParams> = requestDecoder(updateCustomerParams);
export const decodeListCustomersParams: ParamsDecoder<ListCustomersParams> = requestDecoder(listCustomersParams);
export const decodeRetrieveCustomerParams: ParamsDecoder<RetrieveParams> = requestDecoder(
  expandOnly('CustomerRetrieveParams', CUSTOMER_EXPANDABLE_PATHS),
);
