import type { IdentityError, IdentityLedger, VerificationSessionObject } from '@idledger/core';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { EndpointData } from './endpoint.js';
import type { EventRow, WebhookOutbox } from './outbox.js';

/** The API version events are rendered in; Identity renders identically across the versions in use. */
export const API_VERSION = '2026-10-28.endive';

export interface WebhookEndpointObject {
  readonly id: string;
  readonly object: 'webhook_endpoint';
  readonly api_version: string | null;
  readonly application: null;
  readonly created: number;
  readonly description: string | null;
  readonly enabled_events: ReadonlyArray<string>;
  readonly livemode: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  /** Only in the answer to the create that made it, as on Stripe. */
  readonly secret?: string;
  readonly status: 'enabled' | 'disabled';
  readonly url: string;
}

export const renderEndpoint = (endpoint: EndpointData, options: { readonly withSecret: boolean }): WebhookEndpointObject => ({
  id: endpoint.id,
  object: 'webhook_endpoint',
  api_version: endpoint.api_version ?? null,
  application: null,
  created: endpoint.created,
  description: endpoint.description,
  enabled_events: endpoint.enabled_events,
  livemode: endpoint.livemode,
  metadata: endpoint.metadata,
  ...(options.withSecret ? { secret: endpoint.secret } : {}),
  status: endpoint.status,
  url: endpoint.url,
});

export const renderDeletedEndpoint = (id: string) => ({ id, object: 'webhook_endpoint' as const, deleted: true as const });

export interface EventObject {
  readonly id: string;
  readonly object: 'event';
  readonly api_version: string;
  readonly created: number;
  readonly data: { readonly object: VerificationSessionObject };
  readonly livemode: boolean;
  readonly pending_webhooks: number;
  readonly request: EventRow['request'];
  readonly type: string;
}

/** A key of the event's mode, for reading its session: it only selects the mode, nothing is written. */
const readerKey = (livemode: boolean): string => (livemode ? 'sk_live_webhook_outbox' : 'sk_test_webhook_outbox');

/**
 * An Event as Stripe sends it. `data.object` is the session as it stood right after the event,
 * rendered without includable fields and without its url / client_secret (bearer credentials),
 * read from the log through the ledger's history: personal data redacted since is not shown.
 */
export const renderEvent =
  (ledger: IdentityLedger, outbox: WebhookOutbox) =>
  (row: EventRow): TE.TaskEither<IdentityError, EventObject> =>
    pipe(
      ledger.fp.history.sessionHistory(row.sessionId, { revision: row.sessionRevision }, { apiKey: readerKey(row.livemode) }),
      TE.map(({ session }) => ({
        id: row.id,
        object: 'event' as const,
        api_version: API_VERSION,
        created: row.created,
        data: { object: session },
        livemode: row.livemode,
        pending_webhooks: outbox.deliveriesOf(row.id).filter((delivery) => !delivery.succeeded).length,
        request: row.request,
        type: row.type,
      })),
    );
