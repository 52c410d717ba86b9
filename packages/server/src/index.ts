/** idledger over HTTP: Stripe Identity's wire API and signed webhooks. */
export { createIdentityServer, type IdentityServer, type IdentityServerConfig, type RequestLogEntry } from './server.js';
export type { WireError } from './http/wire-error.js';
