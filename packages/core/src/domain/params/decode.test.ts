import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { expectError, ok } from '../../testing/either-assertions.js';
import type { IdentityError } from '../errors.js';
import {
  SESSION_EXPANDABLE_PATHS,
  bool,
  bracketPath,
  decodeCreateSessionParams,
  decoderOf,
  int,
  list,
  requestDecoder,
  str,
  strictObject,
} from './index.js';


describe('translation of io-ts failures', () => {
  it('writes paths in bracket form', () => {
    expect(bracketPath(['options', 'document', 'allowed_types', '0'])).toBe('options[document][allowed_types][0]');
    expect(bracketPath(['metadata'])).toBe('metadata');
    expect(bracketPath([])).toBe('');
  });

  it('translates a plain io-ts codec failure using the path of the failing key', () => {
    const decode = requestDecoder(strictObject('Example', { outer: strictObject('outer', { inner: t.string }) }));
    const e = expectError(decode({ outer: { inner: 5 } }), 'invalid_value', 'outer[inner]');
    expect(e.message).toBe('Invalid value for outer[inner]: expected string');
    expect(e.statusCode).toBe(400);
  });

  it('reports the first failure only, deterministically', () => {
    const decode = decoderOf(strictObject('Example', { a: int(), b: bool, c: list(str()) }));
    expectError(decode({ c: [1], b: 'x', a: 'y' }), 'parameter_invalid_integer', 'a');
    expectError(decode({ c: ['ok', 5], b: 'true' }), 'invalid_value', 'c[1]');
    expectError(decode({ zz: 1, a: 'y' }), 'parameter_unknown', 'zz');
  });

  it('treats inherited names as unknown parameters', () => {
    const withProto: Record<string, unknown> = JSON.parse('{"type":"document","__proto__":"x"}');
    expectError(decodeCreateSessionParams(withProto), 'parameter_unknown', '__proto__');
    expectError(decodeCreateSessionParams({ type: 'document', constructor: 'x' }), 'parameter_unknown', 'constructor');
    expectError(decodeCreateSessionParams({ type: 'document', toString: 'x' }), 'parameter_unknown', 'toString');
  });

  it('keeps `is` guards honest about decoded form', () => {
    expect(bool.is(true)).toBe(true);
    expect(bool.is('true')).toBe(false);
    expect(int().is(3)).toBe(true);
    expect(int().is('3')).toBe(false);
  });
});

describe('integers', () => {
  const decode = decoderOf(strictObject('Example', { n: int() }));
  it('accepts integer numbers and decimal strings only', () => {
    expect(ok(decode({ n: '007' }))).toEqual({ n: 7 });
    expect(ok(decode({ n: '-12' }))).toEqual({ n: -12 });
    expect(ok(decode({ n: -0 })).n).toBe(0);
    for (const bad of ['1.0', ' 1', '+1', '0x10', '1e3', '9007199254740993', 1.5, Number.NaN, Infinity, true, [1], {}]) {
      expectError(decode({ n: bad }), 'parameter_invalid_integer', 'n');
    }
  });
});

describe('metadata', () => {
  const create = (metadata: unknown) => decodeCreateSessionParams({ type: 'document', metadata });

  it('stringifies numbers and drops empty values on create', () => {
    expect(ok(create({ a: 1, b: 2.5, c: '', d: null, e: 'x', f: undefined })).metadata).toEqual({ a: '1', b: '2.5', e: 'x' });
    expect(ok(create('')).metadata).toEqual({});
    expect(ok(create(null)).metadata).toEqual({});
  });

  it('keeps keys that name Object.prototype members', () => {
    const metadata: Record<string, unknown> = JSON.parse('{"__proto__":"p","constructor":"c"}');
    const decoded = ok(create(metadata)).metadata ?? {};
    expect(Object.keys(decoded)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('enforces the limits with code metadata_invalid and the offending path', () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(Object.keys(ok(create(fifty)).metadata ?? {})).toHaveLength(50);
    expectError(create({ ...fifty, k50: 'v' }), 'metadata_invalid', 'metadata');
    expect(Object.keys(ok(create({ ...fifty, k50: '' })).metadata ?? {})).toHaveLength(50);
    expect(ok(create({ ['k'.repeat(40)]: 'v'.repeat(500) })).metadata).toEqual({ ['k'.repeat(40)]: 'v'.repeat(500) });
    expectError(create({ ['k'.repeat(41)]: 'v' }), 'metadata_invalid', `metadata[${'k'.repeat(41)}]`);
    expectError(create({ ok: 'v'.repeat(501) }), 'metadata_invalid', 'metadata[ok]');
    expectError(create({ 'a[b]': 'v' }), 'metadata_invalid', 'metadata[a[b]]');
    expectError(create({ '': 'v' }), 'metadata_invalid', 'metadata[]');
    expectError(create({ a: { nested: 'x' } }), 'metadata_invalid', 'metadata[a]');
    expectError(create({ a: true }), 'metadata_invalid', 'metadata[a]');
    expectError(create({ a: Infinity }), 'metadata_invalid', 'metadata[a]');
    expectError(create(['x']), 'metadata_invalid', 'metadata');
    expectError(create(5), 'metadata_invalid', 'metadata');
  });
});

describe('expandable paths', () => {
  it('lists the session paths of spec section 9', () => {
    expect(SESSION_EXPANDABLE_PATHS).toEqual([
      'verified_outputs',
      'verified_outputs.dob',
      'verified_outputs.id_number',
      'verified_outputs.sex',
      'verified_outputs.unparsed_place_of_birth',
      'verified_outputs.unparsed_sex',
      'last_verification_report',
      'last_verification_report.document.dob',
      'last_verification_report.document.number',
      'last_verification_report.document.sex',
      'last_verification_report.document.unparsed_place_of_birth',
      'last_verification_report.document.unparsed_sex',
      'last_verification_report.document.expiration_date',
      'last_verification_report.id_number.dob',
      'last_verification_report.id_number.id_number',
    ]);
    expect(Object.isFrozen(SESSION_EXPANDABLE_PATHS)).toBe(true);
    for (const path of SESSION_EXPANDABLE_PATHS) expect(path.split('.').length).toBeLessThanOrEqual(3);
  });
});
