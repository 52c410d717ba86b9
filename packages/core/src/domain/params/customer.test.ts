import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { expectError, ok } from '../../testing/either-assertions.js';
import type { IdentityError } from '../errors.js';
import {
  decodeCreateCustomerParams,
  decodeListCustomersParams,
  decodeObjectId,
  decodeRetrieveCustomerParams,
  decodeUpdateCustomerParams,
} from './index.js';


describe('customers', () => {
  it('decodes the onboarding example (seed)', () => {
    const create = { email: 'customer@example.com', metadata: { verification_status: 'pending' } };
    expect(ok(decodeCreateCustomerParams(create))).toEqual(create);
    const update = { metadata: { verification_status: 'verified', verification_session: 'vs_123' } };
    expect(ok(decodeUpdateCustomerParams(update))).toEqual(update);
  });

  it('validates create parameters', () => {
    expect(ok(decodeCreateCustomerParams({ name: 'Jenny Rosen', metadata: { n: 1 } }))).toEqual({
      name: 'Jenny Rosen',
      metadata: { n: '1' },
    });
    expectError(decodeCreateCustomerParams({ email: 'customer-at-example.com' }), 'email_invalid', 'email');
    expectError(decodeCreateCustomerParams({ email: `${'a'.repeat(501)}@example.com` }), 'string_too_long', 'email');
    expectError(decodeCreateCustomerParams({ name: 'x'.repeat(257) }), 'string_too_long', 'name');
    expectError(decodeCreateCustomerParams({ email: '' }), 'parameter_invalid_empty', 'email');
    expectError(decodeCreateCustomerParams({ phone: '+14155550100' }), 'parameter_unknown', 'phone');
    expectError(decodeCreateCustomerParams({ expand: ['sources'] }), 'invalid_value', 'expand');
  });

  it("clears email and name with '' or null on update", () => {
    expect(ok(decodeUpdateCustomerParams({ email: '', name: null, metadata: '' }))).toEqual({
      email: null,
      name: null,
      metadata: null,
    });
    expect(ok(decodeUpdateCustomerParams({ email: 'a@b.co' }))).toEqual({ email: 'a@b.co' });
    expectError(decodeUpdateCustomerParams({ email: 'nope' }), 'email_invalid', 'email');
    expectError(decodeUpdateCustomerParams({ description: 'x' }), 'parameter_unknown', 'description');
  });

  it('decodes list and retrieve parameters', () => {
    expect(ok(decodeListCustomersParams({ email: 'customer@example.com', limit: '2' }))).toEqual({
      email: 'customer@example.com',
      limit: 2,
    });
    expect(ok(decodeListCustomersParams({ created: { lt: 10 } }))).toEqual({ created: { lt: 10 }, limit: 10 });
    expectError(decodeListCustomersParams({ starting_after: 'cus_1', ending_before: 'cus_2' }), 'parameters_exclusive', 'ending_before');
    expectError(decodeListCustomersParams({ expand: ['data.verified_outputs'] }), 'invalid_value', 'expand');
    expect(ok(decodeRetrieveCustomerParams(undefined))).toEqual({});
    expectError(decodeRetrieveCustomerParams({ expand: ['x'] }), 'invalid_value', 'expand');
    expect(E.isRight(decodeObjectId('cus_', 'customer')('cus_123'))).toBe(true);
  });
});
