import * as t from 'io-ts';
import { defineEvent, makeEventDecoder, type EventOf } from '@idledger/core/domain';

/**
 * Every delivery attempt is an event on the stream of one (event, endpoint) pair, so what was
 * sent, when, and with which answer is part of the log, and pending deliveries are derived from
 * the log alone after a restart.
 */

export const DELIVERY_STREAM_PREFIX = 'webhook_delivery-';
export const deliveryStream = (eventId: string, endpointId: string): string => `${DELIVERY_STREAM_PREFIX}${eventId}.${endpointId}`;

export const WebhookDeliveryAttempted = defineEvent(
  'WebhookDeliveryAttempted',
  1,
  t.type({
    event: t.string,
    endpoint: t.string,
    /** 1 for the first attempt. */
    attempt: t.number,
    attempted_at_ms: t.number,
    /** The receiver's HTTP status, or null when no answer came (refused, timed out). */
    status_code: t.union([t.number, t.null]),
    /** Why no answer came (`ECONNREFUSED`, `timeout`), never the receiver's body. */
    error: t.union([t.string, t.null]),
    succeeded: t.boolean,
  }),
);

export const deliveryEvents = [WebhookDeliveryAttempted] as const;
export type DeliveryEvent = EventOf<(typeof deliveryEvents)[number]>;
export const decodeDeliveryEvent = makeEventDecoder(deliveryEvents);
