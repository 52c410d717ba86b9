import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import {
  applyMetadataUpdate,
  defineEvent,
  invalidRequest,
  makeEventDecoder,
  METADATA_MAX_KEYS,
  MetadataC,
  MetadataUpdateC,
  resourceMissing,
  tooManyMetadataKeys,
  type Decider,
  type EventOf,
  type IdentityError,
  type Metadata,
  type MetadataUpdate,
} from '@idledger/core/domain';

/**
 * A webhook endpoint is ledger state like any other: created, updated and deleted by events on
 * its own stream, decided by a pure decider. Its signing secret lives in its creation event,
 * because every later delivery must be signed with it.
 */

export const ENDPOINT_STREAM_PREFIX = 'webhook_endpoint-';
export const endpointStream = (id: string): string => `${ENDPOINT_STREAM_PREFIX}${id}`;

/** The six event types idledger emits; `redacted` only reaches endpoints that name it. */
export const WEBHOOK_EVENT_TYPES = [
  'identity.verification_session.canceled',
  'identity.verification_session.created',
  'identity.verification_session.processing',
  'identity.verification_session.redacted',
  'identity.verification_session.requires_input',
  'identity.verification_session.verified',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const EndpointStatusC = t.keyof({ enabled: null, disabled: null });

export const WebhookEndpointCreated = defineEvent(
  'WebhookEndpointCreated',
  1,
  t.intersection([
    t.type({
      id: t.string,
      livemode: t.boolean,
      created: t.number,
      url: t.string,
      enabled_events: t.array(t.string),
      description: t.union([t.string, t.null]),
      metadata: MetadataC,
      secret: t.string,
    }),
    t.partial({ api_version: t.string }),
  ]),
);
export const WebhookEndpointUpdated = defineEvent(
  'WebhookEndpointUpdated',
  1,
  t.partial({
    url: t.string,
    enabled_events: t.array(t.string),
    description: t.union([t.string, t.null]),
    metadata: MetadataUpdateC,
    status: EndpointStatusC,
  }),
);
export const WebhookEndpointDeleted = defineEvent('WebhookEndpointDeleted', 1, t.type({ deleted_at: t.number }));

export const endpointEvents = [WebhookEndpointCreated, WebhookEndpointUpdated, WebhookEndpointDeleted] as const;
export type EndpointEvent = EventOf<(typeof endpointEvents)[number]>;
export const decodeEndpointEvent = makeEventDecoder(endpointEvents);

export interface EndpointData {
  readonly id: string;
  readonly livemode: boolean;
  readonly created: number;
  readonly url: string;
  readonly enabled_events: ReadonlyArray<string>;
  readonly description: string | null;
  readonly metadata: Metadata;
  readonly secret: string;
  /** The API version the endpoint asked for; Identity renders the same in every version in use. */
  readonly api_version?: string;
  readonly status: 'enabled' | 'disabled';
  readonly deleted: boolean;
}

export type EndpointState = { readonly _tag: 'Absent' } | { readonly _tag: 'Existing'; readonly endpoint: EndpointData };

export interface EndpointChanges {
  readonly url?: string;
  readonly enabled_events?: ReadonlyArray<string>;
  readonly description?: string | null;
  readonly metadata?: MetadataUpdate;
  readonly status?: 'enabled' | 'disabled';
}

export type EndpointCommand =
  | {
      readonly type: 'CreateWebhookEndpoint';
      readonly id: string;
      readonly livemode: boolean;
      readonly now: number;
      readonly url: string;
      readonly enabledEvents: ReadonlyArray<string>;
      readonly description: string | null;
      readonly metadata: Metadata;
      readonly secret: string;
      readonly apiVersion?: string;
    }
  | { readonly type: 'UpdateWebhookEndpoint'; readonly id: string; readonly livemode: boolean; readonly changes: EndpointChanges }
  | { readonly type: 'DeleteWebhookEndpoint'; readonly id: string; readonly livemode: boolean; readonly now: number };

export const endpointNotFound = (id: string): IdentityError => resourceMissing('webhook endpoint', id);

/** Whether an endpoint wants an event type: by name, or through `*` (which never includes `redacted`). */
export const subscribes = (endpoint: Pick<EndpointData, 'enabled_events'>, type: string): boolean =>
  endpoint.enabled_events.includes(type) || (endpoint.enabled_events.includes('*') && type !== 'identity.verification_session.redacted');

const visible = (state: EndpointState, livemode: boolean): state is Extract<EndpointState, { _tag: 'Existing' }> =>
  state._tag === 'Existing' && !state.endpoint.deleted && state.endpoint.livemode === livemode;

const decide = (command: EndpointCommand, state: EndpointState): E.Either<IdentityError, ReadonlyArray<EndpointEvent>> => {
  switch (command.type) {
    case 'CreateWebhookEndpoint': {
      if (state._tag === 'Existing') return E.left(invalidRequest('resource_already_exists', `Webhook endpoint '${command.id}' already exists.`, 'id'));
      const { id, livemode, now: created, url, enabledEvents, description, metadata, secret, apiVersion } = command;
      const data = { id, livemode, created, url, enabled_events: [...enabledEvents], description, metadata, secret, ...(apiVersion === undefined ? {} : { api_version: apiVersion }) };
      return E.right([{ type: 'WebhookEndpointCreated', data }]);
    }
    case 'UpdateWebhookEndpoint': {
      if (!visible(state, command.livemode)) return E.left(endpointNotFound(command.id));
      if (command.changes.metadata !== undefined) {
        const keys = Object.keys(applyMetadataUpdate(state.endpoint.metadata, command.changes.metadata)).length;
        if (keys > METADATA_MAX_KEYS) return E.left(tooManyMetadataKeys(keys, METADATA_MAX_KEYS));
      }
      const changes = Object.fromEntries(Object.entries(command.changes).filter(([, value]) => value !== undefined));
      if (Object.keys(changes).length === 0) return E.right([]);
      return E.right([{ type: 'WebhookEndpointUpdated', data: changes as t.TypeOf<typeof WebhookEndpointUpdated.codec> }]);
    }
    case 'DeleteWebhookEndpoint':
      if (!visible(state, command.livemode)) return E.left(endpointNotFound(command.id));
      return E.right([{ type: 'WebhookEndpointDeleted', data: { deleted_at: command.now } }]);
  }
};

const evolve = (state: EndpointState, event: EndpointEvent): EndpointState => {
  switch (event.type) {
    case 'WebhookEndpointCreated':
      return { _tag: 'Existing', endpoint: { ...event.data, status: 'enabled', deleted: false } };
    case 'WebhookEndpointUpdated': {
      if (state._tag === 'Absent') return state;
      const { metadata, ...rest } = event.data;
      const current = state.endpoint;
      return {
        _tag: 'Existing',
        endpoint: { ...current, ...rest, metadata: metadata === undefined ? current.metadata : applyMetadataUpdate(current.metadata, metadata) },
      };
    }
    case 'WebhookEndpointDeleted':
      return state._tag === 'Absent' ? state : { _tag: 'Existing', endpoint: { ...state.endpoint, deleted: true } };
  }
};

export const endpointDecider: Decider<EndpointCommand, EndpointState, EndpointEvent> = { decide, evolve, initialState: { _tag: 'Absent' } };
