import { sameBytes, sha256, type Digest } from './bytes.js';

/**
 * RFC 6962 §2.1 Merkle tree hashing, proofs, and their verification (RFC 9162 §2.1.3.2, §2.1.4.2).
 * The 0x00 leaf / 0x01 node prefixes are what stop a leaf being passed off as an interior node;
 * generic Merkle libraries omit them, hence this module.
 */

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);
const DIGEST_LENGTH = 32;

export const EMPTY_ROOT: Digest = sha256();

export const leafHash = (data: Uint8Array): Digest => sha256(LEAF_PREFIX, data);

export const nodeHash = (left: Digest, right: Digest): Digest => sha256(NODE_PREFIX, left, right);

/** k with k < n ≤ 2k, for n > 1: where RFC 6962 splits a tree of n leaves. */
const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0 && Number.isSafeInteger(n);

export interface MerkleTree {
  readonly size: number;
  /** MTH of the first `size` leaves (default: all). */
  readonly root: (size?: number) => Digest;
  /** PATH(index, D[size]). */
  readonly inclusionProof: (index: number, size?: number) => ReadonlyArray<Digest>;
  /** PROOF(first, D[second]); empty when first equals second. */
  readonly consistencyProof: (first: number, second?: number) => ReadonlyArray<Digest>;
}

/**
 * A tree over known leaf hashes. Every aligned power-of-two block is hashed once up front, so a
 * root or a proof for any prefix of the log costs O(log n) hashes, not O(n).
 */
export const createMerkleTree = (leafHashes: ReadonlyArray<Digest>): MerkleTree => {
  const levels: Array<ReadonlyArray<Digest>> = [leafHashes];
  for (let below = leafHashes; below.length > 1; ) {
    const level: Array<Digest> = [];
    for (let i = 0; i + 1 < below.length; i += 2) level.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(level);
    below = level;
  }

  const subtree = (lo: number, hi: number): Digest => {
    const n = hi - lo;
    if (n === 0) return EMPTY_ROOT;
    if (isPowerOfTwo(n) && lo % n === 0) return levels[Math.log2(n)]![lo / n]!;
    const k = splitPoint(n);
    return nodeHash(subtree(lo, lo + k), subtree(lo + k, hi));
  };

  const checkSize = (size: number) => {
    if (!Number.isSafeInteger(size) || size < 0 || size > leafHashes.length) throw new RangeError(`tree size ${size} is outside 0..${leafHashes.length}`);
  };

  const path = (index: number, lo: number, hi: number): Array<Digest> => {
    if (hi - lo === 1) return [];
    const k = splitPoint(hi - lo);
    return index < lo + k ? [...path(index, lo, lo + k), subtree(lo + k, hi)] : [...path(index, lo + k, hi), subtree(lo, lo + k)];
  };

  const subproof = (m: number, lo: number, hi: number, complete: boolean): Array<Digest> => {
    const n = hi - lo;
    if (m === n) return complete ? [] : [subtree(lo, hi)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, lo, lo + k, complete), subtree(lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), subtree(lo, lo + k)];
  };

  return {
    size: leafHashes.length,
    root: (size = leafHashes.length) => {
      checkSize(size);
      return subtree(0, size);
    },
    inclusionProof: (index, size = leafHashes.length) => {
      checkSize(size);
      if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
      return path(index, 0, size);
    },
    consistencyProof: (first, second = leafHashes.length) => {
      checkSize(second);
      if (!Number.isSafeInteger(first) || first <= 0 || first > second) throw new RangeError(`no consistency proof from size ${first} to ${second}`);
      return first === second ? [] : subproof(first, 0, second, true);
    },
  };
};

/**
 * A log's right edge: the roots of its perfect subtrees, largest first. Enough to extend the log
 * and compute its root without holding every leaf (what a sequencer persists between appends).
 */
export interface CompactRange {
  readonly size: number;
  readonly peaks: ReadonlyArray<Digest>;
}

export const EMPTY_RANGE: CompactRange = { size: 0, peaks: [] };

export const appendLeaf = (range: CompactRange, leaf: Digest): CompactRange => {
  const peaks = [...range.peaks, leaf];
  // Each trailing 1-bit of the old size is a peak the new leaf completes a pair with.
  for (let size = range.size; (size & 1) === 1; size = Math.floor(size / 2)) {
    const right = peaks.pop()!;
    const left = peaks.pop()!;
    peaks.push(nodeHash(left, right));
  }
  return { size: range.size + 1, peaks };
};

export const rangeRoot = (range: CompactRange): Digest => {
  if (range.peaks.length === 0) return EMPTY_ROOT;
  let root = range.peaks[range.peaks.length - 1]!;
  for (let i = range.peaks.length - 2; i >= 0; i--) root = nodeHash(range.peaks[i]!, root);
  return root;
};

const wellFormed = (proof: ReadonlyArray<Digest>) => proof.every((element) => element.length === DIGEST_LENGTH);

/** RFC 9162's `repeat { fn >>= 1; sn >>= 1 } until LSB(fn) == 1 or fn == 0`: climbs past the levels where the path runs along the tree's right border. */
const skipRightBorder = (fn: number, sn: number): [number, number] => {
  do {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  } while (fn % 2 === 0 && fn !== 0);
  return [fn, sn];
};

/** RFC 9162 §2.1.3.2. */
export const verifyInclusion = (leaf: Digest, index: number, size: number, proof: ReadonlyArray<Digest>, root: Digest): boolean => {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size || !wellFormed(proof)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) [fn, sn] = skipRightBorder(fn, sn);
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && sameBytes(r, root);
};

/** RFC 9162 §2.1.4.2, with first = second accepted only for an empty proof and equal roots. */
export const verifyConsistency = (
  first: number,
  second: number,
  proof: ReadonlyArray<Digest>,
  firstRoot: Digest,
  secondRoot: Digest,
): boolean => {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first <= 0 || first > second || !wellFormed(proof)) return false;
  if (first === second) return proof.length === 0 && sameBytes(firstRoot, secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) [fn, sn] = skipRightBorder(fn, sn);
    } else sr = nodeHash(sr, c);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sameBytes(fr, firstRoot) && sameBytes(sr, secondRoot) && sn === 0;
};
