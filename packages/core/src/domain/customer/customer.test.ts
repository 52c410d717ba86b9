import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { deciderSpecification } from '../../testing/decider-specification.js';
import type { IdentityError } from '../errors.js';
import { fold } from '../shared/decider.js';
import { customerDecider, customerNotFound, decodeCustomerEvent, type CustomerCommand, type CustomerEvent } from './customer.js';

const CREATED_AT = 1_700_000_000;

const created = (overrides: Partial<Extract<CustomerEvent, { type: 'CustomerCreated' }>['data']> = {}): CustomerEvent => ({
  type: 'CustomerCreated',
  data: { id: 'cus_1', livemode: false, created: CREATED_AT, email: 'jenny@example.com', name: 'Jenny Rosen', metadata: {}, ...overrides },
});
const updated = (data: Extract<CustomerEvent, { type: 'CustomerUpdated' }>['data']): CustomerEvent => ({ type: 'CustomerUpdated', data });

const create = (overrides: Partial<Extract<CustomerCommand, { type: 'CreateCustomer' }>> = {}): CustomerCommand => ({
  type: 'CreateCustomer',
  customerId: 'cus_1',
  livemode: false,
  now: CREATED_AT,
  email: 'jenny@example.com',
  name: 'Jenny Rosen',
  metadata: {},
  ...overrides,
});
const update = (changes: Extract<CustomerCommand, { type: 'UpdateCustomer' }>['changes'], livemode = false, customerId = 'cus_1'): CustomerCommand => ({
  type: 'UpdateCustomer',
  customerId,
  livemode,
  changes,
});

const given = (...history: ReadonlyArray<CustomerEvent>) => ({
  when: (command: CustomerCommand) => ({
    ...deciderSpecification(customerDecider)(...history).when(command),
    thenRefusedWith: (expected: IdentityError) => expect(customerDecider.decide(command, fold(customerDecider, history))).toStrictEqual(E.left(expected)),
  }),
});

const notFound = (id: string): IdentityError => ({
  _tag: 'IdentityError',
  type: 'invalid_request_error',
  code: 'resource_missing',
  message: `No such customer: '${id}'`,
  param: 'id',
  statusCode: 404,
});

const customerAfter = (...events: ReadonlyArray<CustomerEvent>) => {
  const state = fold(customerDecider, events);
  if (state._tag !== 'Existing') throw new Error('expected an existing customer');
  return state.customer;
};

describe('create customer', () => {
  it('records the customer with the caller’s id, mode and time', () => {
    given()
      .when(create({ livemode: true, email: null, name: 'Ada', metadata: { k: 'v' } }))
      .then([created({ livemode: true, email: null, name: 'Ada', metadata: { k: 'v' } })]);
  });

  it('refuses an id that already exists', () => {
    given(created())
      .when(create())
      .thenRefusedWith({
        _tag: 'IdentityError',
        type: 'invalid_request_error',
        code: 'resource_already_exists',
        message: "Customer 'cus_1' already exists.",
        param: 'id',
        statusCode: 400,
      });
  });
});

describe('update customer', () => {
  it('records only the members that were given, clearing with null', () => {
    given(created()).when(update({ email: 'new@example.com' })).then([updated({ email: 'new@example.com' })]);
    given(created()).when(update({ name: null, metadata: { k: null } })).then([updated({ name: null, metadata: { k: null } })]);
    given(created()).when(update({ metadata: null })).then([updated({ metadata: null })]);
  });

  it('records nothing when no member was given', () => {
    given(created()).when(update({})).thenNothingHappened();
    given(created()).when(update({ email: undefined, name: undefined })).thenNothingHappened();
  });

  it('does not find an unknown customer, nor one of the other mode', () => {
    given().when(update({ email: 'a@example.com' }, false, 'cus_x')).thenRefusedWith(notFound('cus_x'));
    given(created()).when(update({ email: 'a@example.com' }, true)).thenRefusedWith(notFound('cus_1'));
    given(created({ livemode: true })).when(update({ email: 'a@example.com' }, false)).thenRefusedWith(notFound('cus_1'));
  });

  it('emits events their codecs accept', () => {
    const result = customerDecider.decide(update({ email: null, name: 'Ada', metadata: { a: 'b', c: null } }), fold(customerDecider, [created()]));
    if (E.isLeft(result)) throw new Error(result.left.message);
    for (const event of result.right) expect(decodeCustomerEvent(event.type, 1, JSON.parse(JSON.stringify(event.data)))).toEqual(E.right(event));
  });
});

describe('customer evolve', () => {
  it('creates the customer from its first event', () => {
    expect(customerAfter(created({ metadata: { a: '1' } }))).toStrictEqual({
      id: 'cus_1',
      livemode: false,
      created: CREATED_AT,
      email: 'jenny@example.com',
      name: 'Jenny Rosen',
      metadata: { a: '1' },
    });
  });

  it('applies the given members only, null clearing a value', () => {
    expect(customerAfter(created(), updated({ email: null }))).toMatchObject({ email: null, name: 'Jenny Rosen' });
    expect(customerAfter(created(), updated({ name: 'Ada' }))).toMatchObject({ email: 'jenny@example.com', name: 'Ada' });
  });

  it('merges metadata, deletes keys mapped to null and clears everything on null', () => {
    const base = created({ metadata: { a: '1', b: '2' } });
    expect(customerAfter(base, updated({ metadata: { b: null, c: '3' } })).metadata).toStrictEqual({ a: '1', c: '3' });
    expect(customerAfter(base, updated({ metadata: null })).metadata).toStrictEqual({});
    expect(customerAfter(base, updated({ email: 'x@example.com' })).metadata).toStrictEqual({ a: '1', b: '2' });
  });

  it('ignores an update of a customer that does not exist', () => {
    expect(fold(customerDecider, [updated({ email: 'x@example.com' })])).toEqual({ _tag: 'Absent' });
  });
});

describe('customerNotFound', () => {
  it('is a 404 on the id, and a 400 when another parameter names the customer', () => {
    expect(customerNotFound('cus_9')).toStrictEqual(notFound('cus_9'));
    expect(customerNotFound('cus_9', 'related_customer')).toStrictEqual({ ...notFound('cus_9'), param: 'related_customer', statusCode: 400 });
  });
});
