import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes.js';
import {
  EMPTY_RANGE,
  EMPTY_ROOT,
  appendLeaf,
  createMerkleTree,
  leafHash,
  rangeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const hex = (text: string) => fromHex(text)!;

// The Certificate Transparency test leaves (RFC 6962 test suites, transparency-dev/merkle testdata).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: ReadonlyArray<readonly [number, ReadonlyArray<string>]> = [
  [0, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];
const CONSISTENCY: ReadonlyArray<readonly [number, number, ReadonlyArray<string>]> = [
  [1, 8, INCLUSION[0]![1]],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];

const tree = createMerkleTree(LEAVES.map(leafHash));
const root = (size: number) => hex(ROOTS[size]!);

describe('RFC 6962 test vectors', () => {
  it('hashes each leaf with the 0x00 prefix', () => {
    expect(LEAVES.map((leaf) => toHex(leafHash(leaf)))).toEqual(LEAF_HASHES);
  });

  it('computes the root of every prefix, the empty tree included', () => {
    expect(toHex(EMPTY_ROOT)).toBe(ROOTS[0]);
    for (let size = 0; size <= 8; size++) expect(toHex(tree.root(size)), `size ${size}`).toBe(ROOTS[size]);
  });

  it('computes the same roots from a compact range grown one leaf at a time', () => {
    let range = EMPTY_RANGE;
    expect(toHex(rangeRoot(range))).toBe(ROOTS[0]);
    for (const leaf of LEAVES) {
      range = appendLeaf(range, leafHash(leaf));
      expect(toHex(rangeRoot(range)), `size ${range.size}`).toBe(ROOTS[range.size]);
    }
  });

  it.each(INCLUSION)('produces and verifies the inclusion proof of leaf %i in the tree of 8', (index, expected) => {
    expect(tree.inclusionProof(index).map(toHex)).toEqual(expected);
    expect(verifyInclusion(hex(LEAF_HASHES[index]!), index, 8, expected.map(hex), root(8))).toBe(true);
  });

  it.each(CONSISTENCY)('produces and verifies the consistency proof %i → %i', (first, second, expected) => {
    expect(tree.consistencyProof(first, second).map(toHex)).toEqual(expected);
    expect(verifyConsistency(first, second, expected.map(hex), root(first), root(second))).toBe(true);
  });
});

describe('adversarial proofs are refused', () => {
  const [index, path] = INCLUSION[1]!;
  const proof = path.map(hex);
  const leaf = hex(LEAF_HASHES[index]!);
  const flipped = (bytes: Uint8Array, at = 0) => bytes.map((byte, i) => (i === at ? byte ^ 1 : byte));

  it.each([
    ['a modified proof element', () => verifyInclusion(leaf, index, 8, [proof[0]!, flipped(proof[1]!), proof[2]!], root(8))],
    ['a truncated proof', () => verifyInclusion(leaf, index, 8, proof.slice(0, 2), root(8))],
    ['trailing garbage', () => verifyInclusion(leaf, index, 8, [...proof, proof[0]!], root(8))],
    ['preceding garbage', () => verifyInclusion(leaf, index, 8, [proof[2]!, ...proof], root(8))],
    ['reordered elements', () => verifyInclusion(leaf, index, 8, [proof[1]!, proof[0]!, proof[2]!], root(8))],
    ['the wrong index', () => verifyInclusion(leaf, index - 1, 8, proof, root(8))],
    ['an index at the size', () => verifyInclusion(leaf, 8, 8, proof, root(8))],
    ['a size one too large', () => verifyInclusion(leaf, index, 9, proof, root(8))],
    ['a smaller size', () => verifyInclusion(leaf, index, 6, proof, root(8))],
    ['the wrong root', () => verifyInclusion(leaf, index, 8, proof, root(7))],
    ['a short element', () => verifyInclusion(leaf, index, 8, [proof[0]!.slice(1), proof[1]!, proof[2]!], root(8))],
  ])('inclusion with %s', (_name, verify) => expect(verify()).toBe(false));

  const [first, second, consistency] = CONSISTENCY[1]!;
  const cproof = consistency.map(hex);
  it.each([
    ['swapped roots', () => verifyConsistency(first, second, cproof, root(second), root(first))],
    ['a modified element', () => verifyConsistency(first, second, [cproof[0]!, flipped(cproof[1]!, 31), cproof[2]!], root(first), root(second))],
    ['a truncated proof', () => verifyConsistency(first, second, cproof.slice(0, 2), root(first), root(second))],
    ['trailing garbage', () => verifyConsistency(first, second, [...cproof, cproof[0]!], root(first), root(second))],
    ['preceding garbage', () => verifyConsistency(first, second, [cproof[2]!, ...cproof], root(first), root(second))],
    ['an empty proof', () => verifyConsistency(first, second, [], root(first), root(second))],
    ['first = 0', () => verifyConsistency(0, second, cproof, root(0), root(second))],
    ['first > second', () => verifyConsistency(second, first, cproof, root(second), root(first))],
    ['size1 + 1', () => verifyConsistency(first + 1, second, cproof, root(first + 1), root(second))],
    ['equal sizes with a non-empty proof', () => verifyConsistency(8, 8, [root(8)], root(8), root(8))],
  ])('consistency with %s', (_name, verify) => expect(verify()).toBe(false));

  it('accepts equal sizes only with an empty proof and equal roots', () => {
    expect(verifyConsistency(8, 8, [], root(8), root(8))).toBe(true);
    expect(verifyConsistency(8, 8, [], root(8), root(7))).toBe(false);
  });
});

describe('properties over random trees of 1..40 leaves', () => {
  const leavesArb = fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 40 });

  it('every inclusion proof verifies, and flipping any byte of it breaks it', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), (leaves, pick, byte) => {
        const hashes = leaves.map(leafHash);
        const t = createMerkleTree(hashes);
        for (let size = 1; size <= hashes.length; size++) {
          for (let index = 0; index < size; index++) {
            const proof = t.inclusionProof(index, size);
            if (!verifyInclusion(hashes[index]!, index, size, proof, t.root(size))) return false;
          }
        }
        const size = hashes.length;
        const index = pick % size;
        const proof = t.inclusionProof(index, size);
        if (proof.length === 0) return true;
        const element = pick % proof.length;
        const at = byte % 32;
        const tampered = proof.map((p, i) => (i === element ? p.map((b, j) => (j === at ? b ^ 0x80 : b)) : p));
        return !verifyInclusion(hashes[index]!, index, size, tampered, t.root(size));
      }),
      { numRuns: 60 },
    );
  });

  it('every consistency proof verifies, and flipping any byte of it breaks it', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), (leaves, pick, byte) => {
        const t = createMerkleTree(leaves.map(leafHash));
        const size = t.size;
        for (let first = 1; first <= size; first++) {
          if (!verifyConsistency(first, size, t.consistencyProof(first, size), t.root(first), t.root(size))) return false;
        }
        if (size < 2) return true;
        const first = 1 + (pick % (size - 1));
        const proof = t.consistencyProof(first, size);
        const element = pick % proof.length;
        const at = byte % 32;
        const tampered = proof.map((p, i) => (i === element ? p.map((b, j) => (j === at ? b ^ 0x01 : b)) : p));
        return !verifyConsistency(first, size, tampered, t.root(first), t.root(size));
      }),
      { numRuns: 60 },
    );
  });

  it('a compact range grown leaf by leaf has the tree root at every size', () => {
    fc.assert(
      fc.property(leavesArb, (leaves) => {
        const hashes = leaves.map(leafHash);
        const t = createMerkleTree(hashes);
        let range = EMPTY_RANGE;
        return hashes.every((hash) => {
          range = appendLeaf(range, hash);
          return toHex(rangeRoot(range)) === toHex(t.root(range.size));
        });
      }),
    );
  });
});
