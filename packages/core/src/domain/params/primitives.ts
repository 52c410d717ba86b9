/**
 * Building blocks shared by every parameter codec.
 *
 * Input comes from JS callers (booleans, numbers, arrays, nested objects) or from a form body
 * parsed by `qs` (every leaf a string, arrays possibly as `{"0": …, "1": …}`), so each leaf codec
 * accepts both spellings and normalises to the JS one. Conventions, the same everywhere:
 * - `undefined` members are absent; `null` is treated like `''`.
 * - `''` / `null` means "unset / clear" only where a codec is wrapped in `emptiable`; anywhere else
 *   it is `parameter_invalid_empty` (integers: `parameter_invalid_integer`).
 * - Objects reject unknown members (`parameter_unknown`) before looking at known ones; known members
 *   are then validated in declaration order and the first failure is reported.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { invalidParameter, invalidRequest, missingParameter, unknownParameter, type IdentityError } from '../errors.js';
import { bracketPath, child, fail, makeCodec, pathOf, segmentsOf } from './decode.js';

/** Stripe's limit on string parameters. */
export const MAX_STRING_LENGTH = 5000;

export type Codec<A> = t.Type<A, A, unknown>;

export const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

export const isEmptyValue = (u: unknown): u is '' | null => u === '' || u === null;

export const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/** An own member of an object, `undefined` when absent. */
export const member = (o: Record<string, unknown>, key: string): unknown => (hasOwn(o, key) ? o[key] : undefined);

/** Own keys whose value is not `undefined`, in the object's key order. */
export const presentKeys = (o: Record<string, unknown>): string[] => Object.keys(o).filter((k) => o[k] !== undefined);

export const kindOf = (u: unknown): string => {
  if (u === null) return 'null';
  if (Array.isArray(u)) return 'an array';
  switch (typeof u) {
    case 'object':
      return 'an object';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'undefined':
      return 'nothing';
    default:
      return `a ${typeof u}`;
  }
};

/** Length in characters (code points), so one emoji counts once. */
export const charLength = (s: string): number => (s.length <= 1 ? s.length : [...s].length);

export const emptyNotAllowed = (param: string): IdentityError =>
  invalidParameter(
    param,
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; ` +
      `however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    'parameter_invalid_empty',
  );

export const tooLong = (param: string, max: number): IdentityError =>
  invalidParameter(param, `Invalid ${param}: must be at most ${max} characters long`, 'string_too_long');

export interface StringOptions {
  readonly maxLength?: number;
  /** Personal data: never echo the value in an error message. */
  readonly sensitive?: boolean;
}

/** A non-empty string of at most `maxLength` (default 5000) characters. */
export const str = (options: StringOptions = {}): Codec<string> => {
  const max = options.maxLength ?? MAX_STRING_LENGTH;
  return makeCodec<string>('string', (u, c) => {
    const param = pathOf(c);
    if (isEmptyValue(u)) return fail(u, c, emptyNotAllowed(param));
    if (typeof u !== 'string') {
      return fail(u, c, invalidParameter(param, `Invalid string: ${param} must be a string, got ${kindOf(u)}`));
    }
    if (u.length > max && charLength(u) > max) return fail(u, c, tooLong(param, max));
    return t.success(u);
  });
};

/** `true` / `false`, as booleans or as the strings a form sends. */
export const bool: Codec<boolean> = makeCodec<boolean>('boolean', (u, c) => {
  const param = pathOf(c);
  if (u === true || u === 'true') return t.success(true);
  if (u === false || u === 'false') return t.success(false);
  if (isEmptyValue(u)) return fail(u, c, emptyNotAllowed(param));
  const message =
    typeof u === 'string'
      ? `Invalid boolean: ${u}`
      : `Invalid boolean: ${param} must be true or false, got ${kindOf(u)}`;
  return fail(u, c, invalidParameter(param, message));
});

const DECIMAL = /^-?\d+$/;

/** A safe integer, as a number or as a decimal string; anything else is `parameter_invalid_integer`. */
export const int = (options: { readonly sensitive?: boolean } = {}): Codec<number> =>
  makeCodec<number>('integer', (u, c) => {
    const param = pathOf(c);
    if (typeof u === 'number' && Number.isSafeInteger(u)) return t.success(u + 0); // -0 → 0
    if (typeof u === 'string' && DECIMAL.test(u) && Number.isSafeInteger(Number(u))) return t.success(Number(u) + 0);
    let message: string;
    if (isEmptyValue(u)) message = `Invalid integer: ${param} cannot be empty`;
    else if (options.sensitive) message = `Invalid integer: ${param} must be an integer`;
    else if (typeof u === 'string' || typeof u === 'number') message = `Invalid integer: ${String(u)}`;
    else message = `Invalid integer: ${param} must be an integer, got ${kindOf(u)}`;
    return fail(u, c, invalidParameter(param, message, 'parameter_invalid_integer'));
  });

/** One of a fixed set of strings (io-ts `keyof`), with a message listing the choices. */
export const oneOf = <V extends string>(values: readonly V[]): Codec<V> => {
  const keys = t.keyof(Object.fromEntries(values.map((v) => [v, null])) as Record<V, null>);
  return makeCodec<V>(keys.name, (u, c) => {
    const param = pathOf(c);
    if (keys.is(u)) return t.success(u);
    if (isEmptyValue(u)) return fail(u, c, emptyNotAllowed(param));
    return fail(u, c, invalidParameter(param, `Invalid value for ${param}: must be one of ${values.join(', ')}`));
  });
};

/** `''` or `null` decodes to `null` ("unset / clear"); anything else goes to `codec`. */
export const emptiable = <A>(codec: Codec<A>): Codec<A | null> =>
  makeCodec<A | null>(`${codec.name} | ''`, (u, c) => (isEmptyValue(u) ? t.success(null) : codec.validate(u, c)));

/** Validates with `codec`, then checks or transforms the result; a `Left` fails at the same param. */
export const refine = <A, B>(
  codec: Codec<A>,
  name: string,
  check: (a: A, param: string, u: unknown) => E.Either<IdentityError, B>,
): Codec<B> =>
  makeCodec<B>(name, (u, c) => {
    const decoded = codec.validate(u, c);
    if (E.isLeft(decoded)) return decoded;
    const checked = check(decoded.right, pathOf(c), u);
    return E.isLeft(checked) ? fail(u, c, checked.left) : t.success(checked.right);
  });

const INDEX = /^(0|[1-9]\d{0,8})$/;

export interface ArrayOptions<A> {
  readonly nonEmpty?: boolean;
  /** Reject repeated items (compared by `key`, default the item itself). */
  readonly unique?: boolean;
  readonly key?: (a: A) => unknown;
}

/**
 * A list: a JS array, or the object with numeric keys that `qs` produces for long or sparse
 * indexed lists (`{"0": "a", "3": "b"}`, read in index order). A bad item is reported at
 * `param[index]` using the index as sent.
 */
export const list = <A>(item: Codec<A>, options: ArrayOptions<A> = {}): Codec<A[]> =>
  makeCodec<A[]>(`Array<${item.name}>`, (u, c) => {
    const param = pathOf(c);
    if (isEmptyValue(u)) return fail(u, c, emptyNotAllowed(param));
    let entries: Array<readonly [string, unknown]>;
    if (Array.isArray(u)) {
      entries = Array.from(u as unknown[], (v, i) => [String(i), v] as const);
    } else if (isPlainObject(u) && presentKeys(u).length > 0 && presentKeys(u).every((k) => INDEX.test(k))) {
      entries = presentKeys(u)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => [k, u[k]] as const);
    } else {
      return fail(u, c, invalidParameter(param, `Invalid array: ${param} must be a list, got ${kindOf(u)}`));
    }
    if (options.nonEmpty === true && entries.length === 0) {
      return fail(u, c, invalidParameter(param, `Invalid ${param}: must contain at least one item`));
    }
    const out: A[] = [];
    const seen = new Set<unknown>();
    for (const [key, value] of entries) {
      const itemContext = child(c, key, item, value);
      const decoded = item.validate(value, itemContext);
      if (E.isLeft(decoded)) return decoded;
      if (options.unique === true) {
        const k = options.key ? options.key(decoded.right) : decoded.right;
        if (seen.has(k)) {
          const itemParam = pathOf(itemContext);
          return fail(value, itemContext, invalidParameter(itemParam, `Invalid ${itemParam}: duplicate value ${String(k)}`));
        }
        seen.add(k);
      }
      out.push(decoded.right);
    }
    return t.success(out);
  });

type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ObjectOutput<P extends t.Props, R extends keyof P> = Simplify<
  { [K in R]: t.TypeOf<P[K]> } & { [K in Exclude<keyof P, R>]?: t.TypeOf<P[K]> }
>;

export const unknownMember = (c: t.Context, key: string): IdentityError =>
  unknownParameter(bracketPath([...segmentsOf(c), key]));

/**
 * A closed object (Stripe's `additionalProperties: false`): unknown members are
 * `parameter_unknown`, then `required` members are checked for presence, then members are
 * validated in the declaration order of `props`. Absent members stay absent in the output.
 * At the root (the whole request) the message of a non-object says so instead of naming a param.
 */
export const strictObject = <P extends t.Props, R extends keyof P & string = never>(
  name: string,
  props: P,
  required: readonly R[] = [],
): Codec<ObjectOutput<P, NoInfer<R>>> =>
  makeCodec<ObjectOutput<P, R>>(name, (u, c) => {
    const param = pathOf(c);
    if (param !== '' && isEmptyValue(u)) return fail(u, c, emptyNotAllowed(param));
    if (!isPlainObject(u)) {
      const message =
        param === ''
          ? `Invalid request: parameters must be an object, got ${kindOf(u)}`
          : `Invalid object: ${param} must be an object, got ${kindOf(u)}`;
      return fail(u, c, param === '' ? invalidRequest('invalid_value', message) : invalidParameter(param, message));
    }
    const present = presentKeys(u);
    const unknown = present.find((k) => !hasOwn(props, k));
    if (unknown !== undefined) return fail(u, c, unknownMember(c, unknown));
    const missing = required.find((k) => member(u, k) === undefined);
    if (missing !== undefined) return fail(u, c, missingParameter(bracketPath([...segmentsOf(c), missing])));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(props)) {
      const value = member(u, key);
      if (value === undefined) continue;
      const codec = props[key] as t.Mixed;
      const decoded = codec.validate(value, child(c, key, codec, value));
      if (E.isLeft(decoded)) return decoded;
      out[key] = decoded.right;
    }
    return t.success(out as ObjectOutput<P, R>);
  });
