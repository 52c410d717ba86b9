import * as E from 'fp-ts/lib/Either.js';
import { digestHex, type ManifestRecord } from './export-format.js';
import { describeRecord, parseRecord } from './export-parse.js';
import type { Finding } from './export-verify.js';

/** Matches the lines of events.jsonl with the manifest's record digests, and says what differs. */
export const locate = (lines: ReadonlyArray<string>, records: ReadonlyArray<ManifestRecord>): Array<Finding> => {
  const findings: Array<Finding> = [];
  const expectedAt = new Map(records.map((record, index) => [record.sha256, index]));
  const lineDigests = lines.map((line) => digestHex(line));
  const matched = new Set<number>();
  const unmatchedLines: Array<number> = [];
  lineDigests.forEach((digest, lineIndex) => {
    const at = expectedAt.get(digest);
    if (at === undefined || matched.has(at)) unmatchedLines.push(lineIndex);
    else matched.add(at);
  });
  const unmatchedRecords = new Set(records.map((_, index) => index).filter((index) => !matched.has(index)));
  // By event id, in manifest order, with a cursor past the records already taken: a lookup per line
  // instead of a scan of every record (a hostile bundle may hold many), each index passed once.
  const unmatchedByEventId = new Map<string, { readonly indices: Array<number>; next: number }>();
  for (const index of unmatchedRecords) {
    const id = records[index]!.event_id;
    const same = unmatchedByEventId.get(id);
    if (same === undefined) unmatchedByEventId.set(id, { indices: [index], next: 0 });
    else same.indices.push(index);
  }
  const firstUnmatchedWith = (eventId: string | undefined): number | undefined => {
    const same = eventId === undefined ? undefined : unmatchedByEventId.get(eventId);
    if (same === undefined) return undefined;
    while (same.next < same.indices.length && !unmatchedRecords.has(same.indices[same.next]!)) same.next++;
    return same.indices[same.next];
  };
  const eventIdOf = (line: string) => {
    const parsed = parseRecord(line);
    return E.isRight(parsed) ? parsed.right.header.event_id : undefined;
  };
  for (const lineIndex of unmatchedLines) {
    const eventId = eventIdOf(lines[lineIndex]!);
    // Same event id, or else the same place in the file: a record changed in place.
    let modifies = firstUnmatchedWith(eventId);
    if (modifies === undefined && unmatchedRecords.has(lineIndex) && lines.length === records.length) modifies = lineIndex;
    if (modifies !== undefined) {
      unmatchedRecords.delete(modifies);
      const record = records[modifies]!;
      findings.push({
        kind: 'modified',
        where: describeRecord(lineIndex + 1, { leaf_index: record.leaf_index, event_id: record.event_id }),
        message: 'the record differs from the one the manifest lists',
        record: { line: lineIndex + 1, leafIndex: record.leaf_index, eventId: record.event_id },
      });
    } else {
      findings.push({
        kind: 'inserted',
        where: describeRecord(lineIndex + 1, { ...(eventId === undefined ? {} : { event_id: eventId }) }),
        message: 'the manifest lists no such record',
        record: { line: lineIndex + 1, ...(eventId === undefined ? {} : { eventId }) },
      });
    }
  }
  for (const index of unmatchedRecords) {
    const record = records[index]!;
    findings.push({
      kind: 'removed',
      where: describeRecord(undefined, { leaf_index: record.leaf_index, event_id: record.event_id }),
      message: `record ${index + 1} of the manifest is missing from the file`,
      record: { leafIndex: record.leaf_index, eventId: record.event_id },
    });
  }
  // Among the records that are present unchanged, the file must keep the manifest's order.
  let highest = -1;
  const changedLines = new Set(unmatchedLines);
  lineDigests.forEach((digest, lineIndex) => {
    const at = expectedAt.get(digest);
    if (at === undefined || changedLines.has(lineIndex)) return;
    if (at < highest) {
      const record = records[at]!;
      findings.push({
        kind: 'reordered',
        where: describeRecord(lineIndex + 1, { leaf_index: record.leaf_index, event_id: record.event_id }),
        message: `the record is out of order: the manifest has it as record ${at + 1}`,
        record: { line: lineIndex + 1, leafIndex: record.leaf_index, eventId: record.event_id },
      });
    }
    highest = Math.max(highest, at);
  });
  return findings;
};
