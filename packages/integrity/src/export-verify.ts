import * as E from 'fp-ts/lib/Either.js';
import { fromBase64, fromHex, toHex } from './bytes.js';
import { GENESIS_HASH, SALT_LENGTH, eventHash, headerDigest, leafData, payloadCommitment } from './chain.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import {
  CHECKPOINT_NOTE,
  EVENTS_JSONL,
  MANIFEST,
  MANIFEST_SIGNATURE,
  consistencyProofName,
  digestHex,
  manifestSignatureText,
  type Manifest,
} from './export-format.js';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.js';
import { trustThroughRotations } from './key-rotation.js';
import { describeNoteError, openNote, type NoteVerifier } from './signed-note.js';
import { locate } from './export-locate.js';
import { bigintOf, describeRecord, parseConsistencyProof, parseManifest, parseRecord } from './export-parse.js';

/**
 * The offline verifier of an audit export: needs the bundle and a trusted public key, nothing
 * else. Every problem is a finding that names the file or the exact record (line, leaf index,
 * event id) and what is wrong with it: modified, removed, inserted, reordered, a broken chain,
 * a failed inclusion proof, a payload that does not match its commitment.
 */

export type FindingKind =
  | 'signature'
  | 'manifest'
  | 'file'
  | 'checkpoint'
  | 'modified'
  | 'removed'
  | 'inserted'
  | 'reordered'
  | 'malformed'
  | 'chain'
  | 'inclusion'
  | 'commitment'
  | 'consistency';

export interface Finding {
  readonly kind: FindingKind;
  /** The file, or `events.jsonl line N (leaf L, event ID)`. */
  readonly where: string;
  readonly message: string;
  /** The record concerned, when there is one. */
  readonly record?: { readonly line?: number; readonly leafIndex?: string; readonly eventId?: string };
}

export interface ExportVerification {
  readonly ok: boolean;
  readonly findings: ReadonlyArray<Finding>;
  readonly records: number;
  /** Records whose payload was checked against its commitment (including events without personal data). */
  readonly payloadsVerified: number;
  /** Records whose personal data was erased by redaction: commitment kept, payload gone. */
  readonly payloadsErased: number;
  /** Records whose personal data exists but was not exported. */
  readonly payloadsWithheld: number;
  readonly checkpoint?: Checkpoint;
  readonly signedBy: ReadonlyArray<string>;
}

const NO_PAYLOAD = toHex(payloadCommitment(new Uint8Array(SALT_LENGTH), null));
const GENESIS = toHex(GENESIS_HASH);

export interface VerifyExportOptions {
  /**
   * A checkpoint note the recipient already holds (from an earlier export or hand-off): the
   * export must prove that its log extends that one.
   */
  readonly previousCheckpoint?: string;
}

/** Never throws: whatever a hostile bundle holds becomes a finding. */
export const verifyExport = (
  files: ReadonlyMap<string, Uint8Array>,
  trustedVerifiers: ReadonlyArray<NoteVerifier>,
  options: VerifyExportOptions = {},
): ExportVerification => {
  try {
    return verifyBundle(files, trustedVerifiers, options);
  } catch (error) {
    const message = `the bundle could not be verified: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, findings: [{ kind: 'malformed', where: 'bundle', message }], records: 0, payloadsVerified: 0, payloadsErased: 0, payloadsWithheld: 0, signedBy: [] };
  }
};

const verifyBundle = (
  files: ReadonlyMap<string, Uint8Array>,
  trustedVerifiers: ReadonlyArray<NoteVerifier>,
  options: VerifyExportOptions,
): ExportVerification => {
  const findings: Array<Finding> = [];
  const fail = (kind: FindingKind, where: string, message: string, record?: Finding['record']) =>
    findings.push({ kind, where, message, ...(record === undefined ? {} : { record }) });
  const text = (name: string) => {
    const bytes = files.get(name);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  };
  const signedBy: Array<string> = [];

  // 0. Keys rotated since the ones trusted: each statement signed by a key already trusted.
  const rotationFiles = [...files.keys()]
    .map((name) => ({ name, serial: /^keys\/rotation-(\d+)\.note$/.exec(name)?.[1] }))
    .filter((entry): entry is { name: string; serial: string } => entry.serial !== undefined)
    .sort((a, b) => Number(a.serial) - Number(b.serial));
  const rotated = trustThroughRotations(
    rotationFiles.map(({ name }) => ({ name, note: text(name) ?? '' })),
    trustedVerifiers,
  );
  for (const problem of rotated.problems) fail('signature', problem.name, problem.message);
  const verifiers = rotated.verifiers;

  // 1. The manifest and its signature.
  const manifestBytes = files.get(MANIFEST);
  const signature = text(MANIFEST_SIGNATURE);
  let manifest: Manifest | undefined;
  if (manifestBytes === undefined) fail('manifest', MANIFEST, 'missing');
  else {
    const parsed = parseManifest(manifestBytes);
    if (E.isLeft(parsed)) fail('manifest', MANIFEST, parsed.left);
    else manifest = parsed.right;
    if (signature === undefined) fail('signature', MANIFEST_SIGNATURE, 'missing');
    else {
      const opened = openNote(signature, verifiers);
      if (E.isLeft(opened)) fail('signature', MANIFEST_SIGNATURE, describeNoteError(opened.left));
      else {
        signedBy.push(...opened.right.verifiedBy.map(({ name }) => name));
        if (opened.right.text !== manifestSignatureText(manifestBytes)) fail('manifest', MANIFEST, 'modified: its SHA-256 is not the one signed in manifest.json.sig');
      }
    }
  }

  // 2. Every file the manifest lists.
  for (const file of manifest?.files ?? []) {
    const bytes = files.get(file.name);
    if (bytes === undefined) fail('file', file.name, 'listed in the manifest but missing');
    else if (bytes.length !== file.size || digestHex(bytes) !== file.sha256) fail('file', file.name, 'modified: its size or SHA-256 differs from the manifest');
  }

  // 3. The checkpoint the proofs refer to.
  let checkpoint: Checkpoint | undefined;
  const note = text(CHECKPOINT_NOTE);
  if (note === undefined) fail('checkpoint', CHECKPOINT_NOTE, 'missing');
  else {
    const opened = openNote(note, verifiers);
    if (E.isLeft(opened)) fail('checkpoint', CHECKPOINT_NOTE, describeNoteError(opened.left));
    else {
      const parsed = parseCheckpoint(opened.right.text);
      if (E.isLeft(parsed)) fail('checkpoint', CHECKPOINT_NOTE, parsed.left);
      else checkpoint = parsed.right;
    }
  }
  if (checkpoint !== undefined && manifest !== undefined) {
    const listed = manifest.checkpoint;
    if (listed.origin !== checkpoint.origin || listed.size !== checkpoint.size.toString() || listed.root_hash !== toHex(checkpoint.rootHash)) {
      fail('checkpoint', CHECKPOINT_NOTE, 'differs from the checkpoint the manifest names');
    }
  }

  // 3b. Consistency with earlier checkpoints: each proof the bundle carries, and the one from the
  // checkpoint the recipient holds, if any (its root taken from the recipient's copy).
  if (checkpoint !== undefined) {
    const size = Number(checkpoint.size);
    for (const name of [...files.keys()].filter((file) => /^proofs\/consistency-\d+-\d+\.json$/.test(file))) {
      const proof = parseConsistencyProof(text(name));
      const holds =
        proof !== undefined &&
        Number(proof.second) === size &&
        proof.second_root === toHex(checkpoint.rootHash) &&
        verifyConsistency(Number(proof.first), size, proof.proof.map((element) => fromHex(element)!), fromHex(proof.first_root)!, checkpoint.rootHash);
      if (!holds) fail('consistency', name, 'does not prove that the checkpoint extends the earlier one it names');
    }
    if (options.previousCheckpoint !== undefined) {
      const held = E.flatMap(openNote(options.previousCheckpoint, verifiers), (opened) => E.mapLeft((reason: string) => ({ _tag: 'MalformedNote' as const, reason }))(parseCheckpoint(opened.text)));
      if (E.isLeft(held)) fail('consistency', 'previous checkpoint', `the checkpoint you hold does not open with the trusted keys: ${describeNoteError(held.left)}`);
      else if (held.right.origin !== checkpoint.origin) fail('consistency', 'previous checkpoint', `it is of another log (${held.right.origin})`);
      else {
        const first = Number(held.right.size);
        const proofName = consistencyProofName(first, size);
        const proof = parseConsistencyProof(text(proofName));
        // Every log extends the empty one (RFC 6962 has no proof for it: none is needed).
        const consistent =
          first === 0
            ? true
            : first === size
            ? toHex(held.right.rootHash) === toHex(checkpoint.rootHash)
            : first < size && proof !== undefined && verifyConsistency(first, size, proof.proof.map((element) => fromHex(element)!), held.right.rootHash, checkpoint.rootHash);
        if (!consistent) {
          fail('consistency', proofName, first > size ? `the checkpoint you hold (${first}) is ahead of this export's (${size})` : `this log is not shown to extend the one you hold at size ${first}`);
        }
      }
    }
  }

  // 4. Each record: where it is against the manifest, then its own chain, payload and proof.
  const body = text(EVENTS_JSONL);
  const lines = body === undefined || body.length === 0 ? [] : body.replace(/\n$/, '').split('\n');
  if (body === undefined) fail('file', EVENTS_JSONL, 'missing');
  if (manifest !== undefined) findings.push(...locate(lines, manifest.records));
  const wholeStreams = manifest !== undefined && manifest.query.from === undefined && manifest.query.to === undefined;
  const lastOfStream = new Map<string, { revision: bigint; hash: string }>();
  let payloadsVerified = 0;
  let payloadsErased = 0;
  let payloadsWithheld = 0;
  lines.forEach((line, index) => {
    try {
      const parsed = parseRecord(line);
      if (E.isLeft(parsed)) {
        fail('malformed', describeRecord(index + 1, {}), parsed.left, { line: index + 1 });
        return;
      }
      const record = parsed.right;
      const where = describeRecord(index + 1, { leaf_index: record.leaf_index, event_id: record.header.event_id });
      const ref = { line: index + 1, leafIndex: record.leaf_index, eventId: record.header.event_id };
      const revision = bigintOf(record.header.revision);
      const stream = record.header.stream;

      const recomputed = eventHash({
        streamId: stream,
        revision,
        previous: fromHex(record.previous)!,
        headerDigest: headerDigest(record.header),
        payloadCommitment: fromHex(record.commitment)!,
      });
      if (toHex(recomputed) !== record.hash) fail('chain', where, 'the event hash does not match its header, previous hash and commitment', ref);

      const last = lastOfStream.get(stream);
      if (revision === 0n && record.previous !== GENESIS) fail('chain', where, 'revision 0 does not chain onto the genesis hash', ref);
      if (last !== undefined) {
        if (revision <= last.revision) fail('chain', where, `revision ${revision} of ${stream} comes after revision ${last.revision}`, ref);
        else if (revision === last.revision + 1n && record.previous !== last.hash) fail('chain', where, `does not chain onto revision ${last.revision} of ${stream}`, ref);
        else if (wholeStreams && revision !== last.revision + 1n) fail('chain', where, `revisions ${last.revision + 1n}..${revision - 1n} of ${stream} are missing`, ref);
      } else if (wholeStreams && revision !== 0n) fail('chain', where, `revisions 0..${revision - 1n} of ${stream} are missing`, ref);
      lastOfStream.set(stream, { revision, hash: record.hash });

      const payload = record.payload;
      if (payload === 'none') {
        if (record.commitment !== NO_PAYLOAD) fail('commitment', where, 'marked as holding no personal data, but commits to some', ref);
        else payloadsVerified++;
      } else if (payload === 'erased') payloadsErased++;
      else if (payload === 'withheld') payloadsWithheld++;
      else {
        const salt = fromBase64(payload.salt);
        const matches = salt !== undefined && salt.length === SALT_LENGTH && toHex(payloadCommitment(salt, payload.data)) === record.commitment;
        if (!matches) fail('commitment', where, 'the personal data does not match its commitment', ref);
        else payloadsVerified++;
      }

      if (checkpoint !== undefined) {
        const leafIndex = Number(record.leaf_index);
        const leaf = leafHash(leafData(bigintOf(record.position), stream, revision, record.hash));
        const proof = record.inclusion_proof.map((element) => fromHex(element)!);
        if (!verifyInclusion(leaf, leafIndex, Number(checkpoint.size), proof, checkpoint.rootHash)) {
          fail('inclusion', where, `not included at leaf ${record.leaf_index} of the checkpoint's tree of ${checkpoint.size}`, ref);
        }
      }

    } catch (error) {
      // A value the encoders refuse (a number beyond any double, a lone surrogate): not a record this ledger could have written.
      fail('malformed', describeRecord(index + 1, {}), `the record cannot be hashed: ${error instanceof Error ? error.message : String(error)}`, { line: index + 1 });
    }
  });

  return {
    ok: findings.length === 0,
    findings,
    records: lines.length,
    payloadsVerified,
    payloadsErased,
    payloadsWithheld,
    ...(checkpoint === undefined ? {} : { checkpoint }),
    signedBy,
  };
};
