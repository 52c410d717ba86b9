import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { REDACTED } from '../redaction.js';
import { invalidRequest, resourceMissing, tooManyMetadataKeys, type IdentityError } from '../errors.js';
import type { Decider } from '../shared/decider.js';
import { defineEvent, makeEventDecoder, type EventOf } from '../shared/event-codec.js';
import { applyMetadataUpdate, METADATA_MAX_KEYS, MetadataC, MetadataUpdateC, type Metadata, type MetadataUpdate } from '../shared/values.js';

/**
 * A minimal Customer (email, name, metadata): just enough for `related_customer` and the
 * onboarding flow to work as they do against Stripe.
 */

const nullableString = t.union([t.string, t.null]);

export const CustomerCreated = defineEvent(
  'CustomerCreated',
  1,
  t.type({ id: t.string, livemode: t.boolean, created: t.number, email: nullableString, name: nullableString, metadata: MetadataC }),
);
export const CustomerUpdated = defineEvent(
  'CustomerUpdated',
  1,
  t.partial({ email: nullableString, name: nullableString, metadata: MetadataUpdateC }),
);

export const customerEvents = [CustomerCreated, CustomerUpdated] as const;
export type CustomerEvent = EventOf<(typeof customerEvents)[number]>;
export const decodeCustomerEvent = makeEventDecoder(customerEvents);

export interface CustomerData {
  readonly id: string;
  readonly livemode: boolean;
  readonly created: number;
  readonly email: string | null;
  readonly name: string | null;
  readonly metadata: Metadata;
}
export type CustomerState = { readonly _tag: 'Absent' } | { readonly _tag: 'Existing'; readonly customer: CustomerData };

export type CustomerCommand =
  | {
      readonly type: 'CreateCustomer';
      readonly customerId: string;
      readonly livemode: boolean;
      readonly now: number;
      readonly email: string | null;
      readonly name: string | null;
      readonly metadata: Metadata;
    }
  | {
      readonly type: 'UpdateCustomer';
      readonly customerId: string;
      readonly livemode: boolean;
      readonly changes: { readonly email?: string | null; readonly name?: string | null; readonly metadata?: MetadataUpdate };
    };

export const customerNotFound = (id: string, param = 'id'): IdentityError => resourceMissing('customer', id, param);

const decide = (command: CustomerCommand, state: CustomerState): E.Either<IdentityError, ReadonlyArray<CustomerEvent>> => {
  switch (command.type) {
    case 'CreateCustomer': {
      if (state._tag === 'Existing') return E.left(invalidRequest('resource_already_exists', `Customer '${command.customerId}' already exists.`, 'id'));
      const { customerId: id, livemode, now: created, email, name, metadata } = command;
      return E.right([{ type: 'CustomerCreated', data: { id, livemode, created, email, name, metadata } }]);
    }
    case 'UpdateCustomer': {
      if (state._tag === 'Absent' || state.customer.livemode !== command.livemode) return E.left(customerNotFound(command.customerId));
      const changes = Object.fromEntries(Object.entries(command.changes).filter(([, value]) => value !== undefined));
      if (command.changes.metadata !== undefined) {
        const keys = Object.keys(applyMetadataUpdate(state.customer.metadata, command.changes.metadata)).length;
        if (keys > METADATA_MAX_KEYS) return E.left(tooManyMetadataKeys(keys, METADATA_MAX_KEYS));
      }
      return Object.keys(changes).length === 0 ? E.right([]) : E.right([{ type: 'CustomerUpdated', data: changes }]);
    }
  }
};

const evolve = (state: CustomerState, event: CustomerEvent): CustomerState => {
  switch (event.type) {
    case 'CustomerCreated':
      return { _tag: 'Existing', customer: event.data };
    case 'CustomerUpdated': {
      if (state._tag === 'Absent') return state;
      const { email, name, metadata } = event.data;
      const current = state.customer;
      return {
        _tag: 'Existing',
        customer: {
          ...current,
          ...(email !== undefined ? { email } : {}),
          ...(name !== undefined ? { name } : {}),
          metadata: metadata === undefined ? current.metadata : applyMetadataUpdate(current.metadata, metadata),
        },
      };
    }
  }
};

export const customerDecider: Decider<CustomerCommand, CustomerState, CustomerEvent> = {
  decide,
  evolve,
  initialState: { _tag: 'Absent' },
};

/** A customer's events with email, name and metadata replaced by placeholders (see `redactSessionEvent`). */
export const redactCustomerEvent = (event: CustomerEvent): CustomerEvent => {
  const placeholder = (value: string | null | undefined) => (value === null || value === undefined ? value : REDACTED);
  switch (event.type) {
    case 'CustomerCreated':
      return { ...event, data: { ...event.data, email: placeholder(event.data.email) ?? null, name: placeholder(event.data.name) ?? null, metadata: {} } };
    case 'CustomerUpdated': {
      const { email, name, metadata, ...rest } = event.data;
      return {
        ...event,
        data: {
          ...rest,
          ...(email === undefined ? {} : { email: placeholder(email) ?? null }),
          ...(name === undefined ? {} : { name: placeholder(name) ?? null }),
          ...(metadata === undefined ? {} : { metadata: null }),
        },
      };
    }
  }
};
