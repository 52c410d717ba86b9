import { describe, expect, it } from 'vitest';
import { deciderSpecification } from '@idledger/core/testing';
import { endpointDecider, subscribes, type EndpointCommand, type EndpointEvent } from './endpoint.js';

const spec = deciderSpecification(endpointDecider);

const created: EndpointEvent = {
  type: 'WebhookEndpointCreated',
  data: { id: 'we_1', livemode: false, created: 1_700_000_000, url: 'https://example.com/hooks', enabled_events: ['*'], description: null, metadata: { team: 'kyc' }, secret: 'whsec_1' },
};

const create: EndpointCommand = {
  type: 'CreateWebhookEndpoint',
  id: 'we_1',
  livemode: false,
  now: 1_700_000_000,
  url: 'https://example.com/hooks',
  enabledEvents: ['*'],
  description: null,
  metadata: { team: 'kyc' },
  secret: 'whsec_1',
};

const update = (changes: Extract<EndpointCommand, { type: 'UpdateWebhookEndpoint' }>['changes'], livemode = false): EndpointCommand => ({
  type: 'UpdateWebhookEndpoint',
  id: 'we_1',
  livemode,
  changes,
});

const remove: EndpointCommand = { type: 'DeleteWebhookEndpoint', id: 'we_1', livemode: false, now: 1_700_000_100 };

describe('webhook endpoint decider', () => {
  it('creates an endpoint with its secret', () => spec().when(create).then([created]));

  it('refuses to create one twice', () => spec(created).when(create).thenFails({ code: 'resource_already_exists' }));

  it('updates only what changes, and nothing when nothing does', () => {
    spec(created).when(update({ status: 'disabled', description: undefined })).then([{ type: 'WebhookEndpointUpdated', data: { status: 'disabled' } }]);
    spec(created).when(update({})).thenNothingHappened();
  });

  it('refuses an update that would leave more than 50 metadata keys', () => {
    const metadata = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`k${index}`, 'v']));
    spec(created).when(update({ metadata })).thenFails({ code: 'metadata_invalid', param: 'metadata' });
  });

  it('an endpoint of the other mode, an absent or a deleted one is not found', () => {
    spec().when(update({ url: 'https://example.com/other' })).thenFails({ statusCode: 404, code: 'resource_missing' });
    spec(created).when(update({ url: 'https://example.com/other' }, true)).thenFails({ statusCode: 404 });
    spec(created).when(remove).then([{ type: 'WebhookEndpointDeleted', data: { deleted_at: 1_700_000_100 } }]);
    spec(created, { type: 'WebhookEndpointDeleted', data: { deleted_at: 1_700_000_100 } }).when(remove).thenFails({ statusCode: 404 });
  });
});

describe('subscriptions', () => {
  it('* takes every type but redacted, which is only delivered by name', () => {
    expect(subscribes({ enabled_events: ['*'] }, 'identity.verification_session.verified')).toBe(true);
    expect(subscribes({ enabled_events: ['*'] }, 'identity.verification_session.redacted')).toBe(false);
    expect(subscribes({ enabled_events: ['identity.verification_session.redacted'] }, 'identity.verification_session.redacted')).toBe(true);
    expect(subscribes({ enabled_events: ['identity.verification_session.created'] }, 'identity.verification_session.verified')).toBe(false);
  });
});
