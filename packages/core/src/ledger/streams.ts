/** Stream naming: one stream per aggregate, `<aggregate>-<id>`. */
export const SESSION_STREAM_PREFIX = 'verification_session-';
export const CUSTOMER_STREAM_PREFIX = 'customer-';
/** The signed checkpoints of the ledger's Merkle log: one stream for the whole ledger. */
export const CHECKPOINT_STREAM = 'ledger_checkpoints';
/** Legal holds and refused redactions of one subject (a session or a customer), beside its own stream. */
export const COMPLIANCE_STREAM_PREFIX = 'compliance-';

export const complianceStream = (subjectId: string): string => `${COMPLIANCE_STREAM_PREFIX}${subjectId}`;

export const sessionStream = (sessionId: string): string => `${SESSION_STREAM_PREFIX}${sessionId}`;
export const customerStream = (customerId: string): string => `${CUSTOMER_STREAM_PREFIX}${customerId}`;
export const idFromStream = (stream: string): string => stream.slice(stream.indexOf('-') + 1);
