import * as E from 'fp-ts/lib/Either.js';
import { invalidParameter, params, type IdentityError } from '@idledger/core/domain';
import { WEBHOOK_EVENT_TYPES } from './endpoint.js';

/**
 * Parameters of `/v1/webhook_endpoints` and `/v1/events`, closed like every parameter set: an
 * unknown member is `parameter_unknown`, a bad one names itself in bracket form.
 */

const { strictObject, str, list, oneOf, bool, emptiable, refine, requestDecoder, expandParam, createMetadata, updateMetadata, pagedList, pageParamCodecs, isAbsoluteHttpUrl } =
  params;

const endpointUrl = refine(str(), 'url', (value, param): E.Either<IdentityError, string> =>
  isAbsoluteHttpUrl(value) ? E.right(value) : E.left(invalidParameter(param, `Invalid URL: ${param} must be an absolute http(s) URL.`, 'url_invalid')),
);

const enabledEvents = list(oneOf([...WEBHOOK_EVENT_TYPES, '*']), { nonEmpty: true, unique: true });
const noExpansion = expandParam([]);

export const decodeCreateEndpointParams = requestDecoder(
  strictObject(
    'WebhookEndpointCreateParams',
    { url: endpointUrl, enabled_events: enabledEvents, api_version: str({ maxLength: 100 }), description: str(), metadata: createMetadata, expand: noExpansion },
    ['url', 'enabled_events'],
  ),
);

export const decodeUpdateEndpointParams = requestDecoder(
  strictObject('WebhookEndpointUpdateParams', {
    url: endpointUrl,
    enabled_events: enabledEvents,
    description: emptiable(str()),
    metadata: updateMetadata,
    disabled: bool,
    expand: noExpansion,
  }),
);

export const decodeRetrieveParams = requestDecoder(strictObject('RetrieveParams', { expand: noExpansion }));
export const decodeDeleteParams = requestDecoder(strictObject('DeleteParams', {}));

export const decodeListEndpointsParams = requestDecoder(
  pagedList(
    strictObject('WebhookEndpointListParams', {
      ending_before: pageParamCodecs.ending_before,
      expand: expandParam([]),
      limit: pageParamCodecs.limit,
      starting_after: pageParamCodecs.starting_after,
    }),
    'WebhookEndpointListParams',
  ),
);

/** `type` may end in `*` (`identity.verification_session.*`), as on Stripe. */
const eventTypeFilter = str({ maxLength: 5000 });

export const decodeListEventsParams = requestDecoder(
  pagedList(
    strictObject('EventListParams', {
      created: pageParamCodecs.created,
      delivery_success: bool,
      ending_before: pageParamCodecs.ending_before,
      expand: expandParam([]),
      limit: pageParamCodecs.limit,
      starting_after: pageParamCodecs.starting_after,
      type: eventTypeFilter,
      types: list(eventTypeFilter, { nonEmpty: true }),
    }),
    'EventListParams',
  ),
);

export const matchesType = (type: string, pattern: string): boolean =>
  pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
