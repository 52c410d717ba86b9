export { canonicalBytes, canonicalJson } from './canonical-json.js';
export { fromBase64, fromHex, sameBytes, sha256, toBase64, toHex, type Digest } from './bytes.js';
export { GENESIS_HASH, SALT_LENGTH, eventHash, headerDigest, leafData, payloadCommitment, type ChainLink } from './chain.js';
export {
  EMPTY_RANGE,
  EMPTY_ROOT,
  appendLeaf,
  createMerkleTree,
  leafHash,
  nodeHash,
  rangeRoot,
  verifyConsistency,
  verifyInclusion,
  type CompactRange,
  type MerkleTree,
} from './merkle.js';
export {
  describeNoteError,
  ed25519Signer,
  generateSignerKey,
  keyIdOf,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  type NoteError,
  type NoteSigner,
  type NoteVerifier,
  type OpenedNote,
} from './signed-note.js';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.js';
export * from './export-format.js';
export { verifyExport, type ExportVerification, type Finding, type FindingKind, type VerifyExportOptions } from './export-verify.js';
export { rotationStatementText, signRotation, trustThroughRotations } from './key-rotation.js';
