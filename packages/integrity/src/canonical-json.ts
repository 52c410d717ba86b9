import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS): the one encoding every hashed or signed structure goes through, so that two
 * parties who hold the same value compute the same bytes. Inputs are plain JSON data; positions,
 * revisions and other large integers travel as decimal strings because JCS numbers are doubles.
 */
export const canonicalJson = (value: unknown): string => {
  assertJsonData(value, '$');
  const encoded = canonicalize(value);
  if (encoded === undefined) throw new TypeError('canonicalJson: value has no JSON encoding');
  return encoded;
};

export const canonicalBytes = (value: unknown): Uint8Array => new TextEncoder().encode(canonicalJson(value));

/**
 * `JSON.stringify` would quietly drop `undefined` members and turn NaN into null, and a bigint
 * would throw deep inside: refusing them up front names the offending path instead.
 */
const assertJsonData = (value: unknown, path: string): void => {
  switch (typeof value) {
    case 'string':
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) throw new TypeError(`canonicalJson: lone surrogate at ${path}`);
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
      return;
    case 'object':
      if (value === null) return;
      if (Array.isArray(value)) {
        value.forEach((item, index) => assertJsonData(item, `${path}[${index}]`));
        return;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw new TypeError(`canonicalJson: ${path} is not a plain object`);
      }
      for (const [key, member] of Object.entries(value)) assertJsonData(member, `${path}.${key}`);
      return;
    default:
      throw new TypeError(`canonicalJson: ${typeof value} at ${path} has no JSON encoding`);
  }
};
