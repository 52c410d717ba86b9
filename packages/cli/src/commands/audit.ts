import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describeNoteError, parseVerifierKey, verifyExport } from '@idledger/integrity';
import * as E from 'fp-ts/lib/Either.js';
import { cliFailure, withLedger, type Command } from '../context.js';
import { toJson } from '../output.js';

export interface ExportOptions {
  readonly out: string;
  readonly session?: string;
  readonly customer?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly includePersonalData?: boolean;
}

/** `idledger audit export`: a signed, verifiable bundle of the selected events. */
export const auditExport: Command<ExportOptions> = async (options, io) => {
  if (existsSync(options.out) && readdirSync(options.out).length > 0) throw cliFailure(`${options.out} is not empty: choose a new directory for the export.`, 2);
  await withLedger(options, 'write', async (ledger) => {
    const bundle = await ledger.exportAudit({
      ...(options.session === undefined ? {} : { session: options.session }),
      ...(options.customer === undefined ? {} : { customer: options.customer }),
      ...(options.from === undefined ? {} : { from: options.from }),
      ...(options.to === undefined ? {} : { to: options.to }),
      ...(options.includePersonalData ? { includePersonalData: true } : {}),
    });
    if (E.isLeft(bundle)) {
      // A refused query is a usage error, like a non-empty --out: nothing was recorded.
      if (bundle.left._tag === 'InvalidExportQuery') throw cliFailure(`--${bundle.left.param}: ${bundle.left.message}`, 2);
      throw cliFailure(`The export failed: ${toJson(bundle.left)}`);
    }
    for (const [name, bytes] of bundle.right.files) {
      const path = join(options.out, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
    }
    const { records, checkpoint } = bundle.right;
    if (options.json) io.out(toJson({ out: options.out, records, checkpoint, files: [...bundle.right.files.keys()] }));
    else {
      io.out(`Exported ${records} events to ${options.out} (${[...bundle.right.files.keys()].join(', ')}).`);
      io.out(`Checkpoint: ${checkpoint.origin}, ${checkpoint.size} events, root ${checkpoint.rootHash}.`);
      io.out(`Verify with: idledger audit verify ${options.out} --public-key <file holding '${ledger.signer().verifierKey}'>`);
    }
  });
};

/**
 * The bundle's regular files. Links, devices and pipes are skipped, not followed: a hostile
 * bundle must not make the verifier read `/dev/zero` or hang on a FIFO. A file a manifest lists
 * but that is not a regular file is then reported missing.
 */
const filesUnder = (dir: string): Map<string, Uint8Array> => {
  const files = new Map<string, Uint8Array>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(relative(dir, path).split('\\').join('/'), new Uint8Array(readFileSync(path)));
    }
  };
  walk(dir);
  return files;
};

/** `idledger audit verify`: offline, with the bundle and a trusted public key only; exit 1 on any failure. */
export const auditVerify =
  (dir: string): Command<{ readonly publicKey: string; readonly previousCheckpoint?: string }> =>
  async (options, io) => {
    if (!existsSync(dir)) throw cliFailure(`No export at ${dir}.`, 2);
    if (!existsSync(options.publicKey)) throw cliFailure(`No public key file at ${options.publicKey}.`, 2);
    const keys = readFileSync(options.publicKey, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
    const verifiers = [];
    for (const key of keys) {
      const parsed = parseVerifierKey(key);
      if (E.isLeft(parsed)) throw cliFailure(`${options.publicKey}: ${describeNoteError(parsed.left)}`, 2);
      verifiers.push(parsed.right);
    }
    if (options.previousCheckpoint !== undefined && !existsSync(options.previousCheckpoint)) throw cliFailure(`No checkpoint file at ${options.previousCheckpoint}.`, 2);
    const previousCheckpoint = options.previousCheckpoint === undefined ? undefined : readFileSync(options.previousCheckpoint, 'utf8');
    const result = verifyExport(filesUnder(dir), verifiers, previousCheckpoint === undefined ? {} : { previousCheckpoint });
    if (options.json) io.out(toJson({ ...result, checkpoint: result.checkpoint === undefined ? null : { ...result.checkpoint, rootHash: Buffer.from(result.checkpoint.rootHash).toString('hex') } }));
    else {
      for (const finding of result.findings) io.out(`FAIL ${finding.kind}: ${finding.where}: ${finding.message}`);
      io.out(
        `${result.ok ? 'OK' : 'FAILED'}: ${result.records} records, ${result.findings.length} problems; ` +
          `payloads verified ${result.payloadsVerified}, erased by redaction ${result.payloadsErased}, withheld ${result.payloadsWithheld}; ` +
          `signed by ${result.signedBy.join(', ') || 'no trusted key'}.`,
      );
    }
    if (!result.ok) throw cliFailure('the export does not verify.', 1);
  };

/** `idledger keys public`: the verifier key a regulator needs (created with the ledger's signing key on first use). */
export const keysPublic: Command<object> = async (options, io) => {
  await withLedger(options, 'read', async (ledger) => {
    const key = ledger.signer().verifierKey;
    io.out(options.json ? toJson({ verifier_key: key, origin: ledger.signer().name }) : key);
  });
};

/** `idledger keys rotate`: a new signing key, its succession recorded in the log and carried by exports. */
export const keysRotate: Command<object> = async (options, io) => {
  await withLedger(options, 'write', async (ledger) => {
    const rotated = await ledger.rotateSigningKey();
    if (E.isLeft(rotated)) throw cliFailure(rotated.left);
    io.out(options.json ? toJson({ verifier_key: rotated.right.verifierKey, origin: rotated.right.name }) : rotated.right.verifierKey);
  });
};
