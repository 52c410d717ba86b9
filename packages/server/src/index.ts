/** idledger over HTTP: Stripe Identity's wire API and signed webhooks. */
export { createIdentityServer, type IdentityServer, type IdentityServerConfig, type RequestLogEntry } from './server.js';
export type { WireError } from './http/wire-error.js';
export { startWebhooks, type Webhooks, type WebhooksConfig } from './webhooks/index.js';
export { constructEvent, generateTestHeaderString, webhooks, WebhookSignatureVerificationError } from './webhooks/signature.js';
export type { WebhookEndpointObject, EventObject } from './webhooks/render.js';
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhooks/endpoint.js';
