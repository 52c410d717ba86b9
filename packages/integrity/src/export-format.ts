import { sha256, toHex } from './bytes.js';

/**
 * The audit export bundle, as written by the ledger and read by the offline verifier:
 *
 *   manifest.json       what the bundle holds: the query, the checkpoint, every file's and every
 *                       record's SHA-256 (so a change is located, not just detected)
 *   manifest.json.sig   a signed note over the manifest's SHA-256
 *   checkpoint.note     the signed checkpoint the records' inclusion proofs refer to
 *   events.jsonl        one canonical JSON record per event (the record of the export)
 *   events.csv          the same for people (lossy; never the record)
 *   keys/<name>.pub     the verifier key of the signer
 *   keys/rotation-<n>.note  each signing-key succession, signed by the key it replaces
 *   proofs/consistency-<m>-<n>.json  from every earlier checkpoint to this one
 */

export const EXPORT_VERSION = 1;
export const MANIFEST = 'manifest.json';
export const MANIFEST_SIGNATURE = 'manifest.json.sig';
export const CHECKPOINT_NOTE = 'checkpoint.note';
export const EVENTS_JSONL = 'events.jsonl';
export const EVENTS_CSV = 'events.csv';

/** Personal data of a record: none held, held but not exported, erased by redaction, or included. */
export type ExportPayload = 'none' | 'withheld' | 'erased' | { readonly salt: string; readonly data: unknown };

export interface ExportRecord {
  readonly v: 1;
  /** Index of the event's leaf in the ledger's Merkle log (its place in global order). */
  readonly leaf_index: string;
  /** The store's global position. */
  readonly position: string;
  /** Hashed into the chain: envelope, stream, revision and the event's data without personal values. */
  readonly header: {
    readonly v: 1;
    readonly event_id: string;
    readonly type: string;
    readonly stream: string;
    readonly revision: string;
    readonly metadata: Record<string, unknown>;
    readonly data: unknown;
  };
  readonly previous: string;
  readonly commitment: string;
  readonly hash: string;
  readonly payload: ExportPayload;
  readonly recorded_at: string;
  /** Derived by replaying the stream (not hashed; covered by the manifest's record digests). */
  readonly status_before: string | null;
  readonly status_after: string | null;
  readonly inclusion_proof: ReadonlyArray<string>;
}

export interface ManifestFile {
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
}

export interface ManifestRecord {
  readonly leaf_index: string;
  readonly event_id: string;
  /** SHA-256 of the record's line in events.jsonl, without its newline. */
  readonly sha256: string;
}

export interface Manifest {
  readonly v: 1;
  readonly generator: string;
  readonly created_at: string;
  readonly query: Record<string, string>;
  readonly checkpoint: { readonly origin: string; readonly size: string; readonly root_hash: string };
  readonly signer: { readonly name: string; readonly key_id: string; readonly verifier_key: string };
  readonly files: ReadonlyArray<ManifestFile>;
  readonly records: ReadonlyArray<ManifestRecord>;
}

/** `proofs/consistency-<first>-<second>.json`: the log at `second` extends the log at `first`. */
export interface ConsistencyProofFile {
  readonly v: 1;
  readonly first: string;
  readonly second: string;
  readonly first_root: string;
  readonly second_root: string;
  readonly proof: ReadonlyArray<string>;
}

export const consistencyProofName = (first: number | bigint, second: number | bigint): string => `proofs/consistency-${first}-${second}.json`;

export const digestHex = (bytes: Uint8Array | string): string => toHex(sha256(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes));

/** The text the manifest signature covers: a fixed first line, then the manifest's SHA-256. */
export const manifestSignatureText = (manifestBytes: Uint8Array | string): string => `idledger audit export manifest v1\n${digestHex(manifestBytes)}\n`;
