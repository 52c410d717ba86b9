import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stripe's webhook signatures: `Stripe-Signature: t=<unix seconds>,v1=<hex>`, where v1 is
 * HMAC-SHA256 keyed with the whole secret string (`whsec_` prefix included) over `${t}.${body}`.
 * `constructEvent` verifies exactly as stripe-node's `stripe.webhooks.constructEvent` does, with
 * its messages, so receivers that do not use the Stripe package check idledger's deliveries the
 * same way.
 */

export const DEFAULT_TOLERANCE_SECONDS = 300;

export class WebhookSignatureVerificationError extends Error {
  readonly type = 'StripeSignatureVerificationError';
  constructor(
    message: string,
    readonly header: string | undefined,
    readonly payload: string | undefined,
  ) {
    super(message);
    this.name = 'WebhookSignatureVerificationError';
  }
}

export const computeSignature = (payload: string, secret: string, timestamp: number): string =>
  createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');

/** The header value for one delivery attempt: signed afresh with that attempt's own time. */
export const signatureHeader = (payload: string, secret: string, timestamp: number): string =>
  `t=${timestamp},v1=${computeSignature(payload, secret, timestamp)}`;

const parseHeader = (header: string): { timestamp: number; signatures: string[] } | undefined => {
  let timestamp = -1;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't' && value !== undefined) timestamp = Number.parseInt(value, 10);
    if (key === 'v1' && value !== undefined) signatures.push(value);
  }
  return Number.isNaN(timestamp) || timestamp === -1 ? undefined : { timestamp, signatures };
};

const sameHex = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Verifies a delivery and returns the parsed event. `payload` must be the raw body (a string or
 * bytes, never a parsed object). `tolerance` is in seconds; 0 turns the age check off.
 */
export const constructEvent = (
  payload: string | Uint8Array,
  header: string | Uint8Array | undefined,
  secret: string,
  tolerance: number = DEFAULT_TOLERANCE_SECONDS,
  now: () => number = () => Math.floor(Date.now() / 1000),
): unknown => {
  const body = typeof payload === 'string' ? payload : payload instanceof Uint8Array ? Buffer.from(payload).toString('utf8') : undefined;
  const headerText = typeof header === 'string' ? header : header instanceof Uint8Array ? Buffer.from(header).toString('utf8') : undefined;
  if (body === undefined || body === '') throw new WebhookSignatureVerificationError('No webhook payload was provided.', headerText, body);
  if (headerText === undefined || headerText === '') throw new WebhookSignatureVerificationError('No stripe-signature header value was provided.', headerText, body);
  const parsed = parseHeader(headerText);
  if (parsed === undefined) throw new WebhookSignatureVerificationError('Unable to extract timestamp and signatures from header', headerText, body);
  if (parsed.signatures.length === 0) throw new WebhookSignatureVerificationError('No signatures found with expected scheme', headerText, body);
  if (typeof secret !== 'string' || secret === '') {
    throw new WebhookSignatureVerificationError('No webhook secret value was provided. It should start with `whsec_`', headerText, body);
  }
  const expected = computeSignature(body, secret, parsed.timestamp);
  if (!parsed.signatures.some((signature) => sameHex(signature, expected))) {
    throw new WebhookSignatureVerificationError(
      'No signatures found matching the expected signature for payload. Are you passing the raw request body you received from Stripe?',
      headerText,
      body,
    );
  }
  if (tolerance > 0 && now() - parsed.timestamp > tolerance) throw new WebhookSignatureVerificationError('Timestamp outside the tolerance zone', headerText, body);
  return JSON.parse(body);
};

/** `stripe.webhooks.generateTestHeaderString`'s counterpart, for receivers' own tests. */
export const generateTestHeaderString = (options: { readonly payload: string; readonly secret: string; readonly timestamp?: number }): string =>
  signatureHeader(options.payload, options.secret, options.timestamp ?? Math.floor(Date.now() / 1000));

export const webhooks = { constructEvent, generateTestHeaderString, signatureHeader };
