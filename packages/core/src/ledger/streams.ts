/** Stream naming: one stream per aggregate, `<aggregate>-<id>`. */
export const SESSION_STREAM_PREFIX = 'verification_session-';
export const CUSTOMER_STREAM_PREFIX = 'customer-';

export const sessionStream = (sessionId: string): string => `${SESSION_STREAM_PREFIX}${sessionId}`;
export const customerStream = (customerId: string): string => `${CUSTOMER_STREAM_PREFIX}${customerId}`;
export const idFromStream = (stream: string): string => stream.slice(stream.indexOf('-') + 1);
