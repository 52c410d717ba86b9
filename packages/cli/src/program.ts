import { Command as Commander, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_API_KEY, DEFAULT_DB, isCliFailure, type Command, type GlobalOptions } from './context.js';
import { auditExport, auditVerify, keysPublic, keysRotate } from './commands/audit.js';
import { liftHold, listHolds, placeHold, positiveDays, retentionSweep } from './commands/compliance.js';
import { demo } from './commands/demo.js';
import { history } from './commands/history.js';
import { PROJECTIONS, rebuild } from './commands/rebuild.js';
import { listReports, showReport } from './commands/reports.js';
import { listSessions, showSession } from './commands/sessions.js';
import { serve } from './commands/serve.js';
import { processIo, type Io } from './output.js';

/** How many objects a list command may gather across pages (stripe-node's auto-paging cap). */
const MAX_LIST = 10_000;

const listLimit = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIST) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_LIST}.`);
  }
  return Number(value);
};

const revision = (value: string): bigint => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a 0-based revision number.');
  return BigInt(value);
};

/** A moment: ISO 8601 text or Unix seconds. */
const moment = (value: string): Date => {
  const date = /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time or Unix seconds.');
  return date;
};

const unixSeconds = (value: string): number => Math.floor(moment(value).getTime() / 1000);

const port = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return Number(value);
};

/**
 * The `idledger` command. Returns the exit code rather than exiting, so tests run it in-process.
 */
export const runCli = async (argv: ReadonlyArray<string>, io: Io = processIo): Promise<number> => {
  let exitCode = 0;
  /** Every `--api-key` on the command line, in order: `serve` accepts several. */
  const apiKeysGiven: string[] = [];
  const run =
    <Options extends object>(command: Command<Options>) =>
    async (options: Options, invoked: Commander) => {
      const globals = invoked.optsWithGlobals<GlobalOptions>();
      await command({ ...options, ...globals }, io);
    };

  const program = new Commander('idledger')
    .description('An event-sourced compliance ledger for identity verification, on an embedded SQLite file.')
    .addOption(new Option('--db <file>', 'the ledger file').default(DEFAULT_DB))
    .addOption(
      new Option('--api-key <key>', 'secret key: its mode (test or live) scopes what is seen (serve: repeat it to accept several)')
        .env('IDLEDGER_API_KEY')
        .default(DEFAULT_API_KEY)
        .argParser((key: string) => {
          apiKeysGiven.push(key);
          return key;
        }),
    )
    .option('--json', 'machine-readable output', false)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });

  program.command('demo').description("run the seed's flows end to end and show the sessions, reports and audit timeline").action(run(demo));

  const sessions = program.command('sessions').description('verification sessions');
  sessions
    .command('list')
    .description('list sessions, newest first')
    .option('--status <status>', 'requires_input, processing, verified or canceled')
    .option('--customer <cus_id>', 'related customer')
    .option('--client-reference-id <ref>', 'your reference')
    .option('--created-gte <time>', 'created at or after (ISO time or Unix seconds)', unixSeconds)
    .option('--created-lte <time>', 'created at or before (ISO time or Unix seconds)', unixSeconds)
    .option('--starting-after <vs_id>', 'continue after this session')
    .option('--limit <n>', 'how many', listLimit, 20)
    .action(run(listSessions));
  sessions
    .command('show <vs_id>')
    .description('one session, as the API returns it')
    .option('--expand <path...>', 'expand paths, e.g. verified_outputs last_verification_report', [])
    .action((id: string, options, invoked: Commander) => run(showSession(id))(options, invoked));

  const reports = program.command('reports').description('verification reports');
  reports
    .command('list')
    .description('list reports, newest first')
    .option('--session <vs_id>', 'reports of one session')
    .option('--type <type>', 'document or id_number')
    .option('--limit <n>', 'how many', listLimit, 20)
    .action(run(listReports));
  reports
    .command('show <vr_id>')
    .description('one report')
    .option('--expand <path...>', 'expand paths, e.g. document.dob', [])
    .action((id: string, options, invoked: Commander) => run(showReport(id))(options, invoked));

  program
    .command('history <vs_id>')
    .description('the session as it was at a point, and every event up to it with its actor and changes')
    .addOption(new Option('--as-of <time>', 'ISO time or Unix seconds').argParser(moment).conflicts('revision'))
    .addOption(new Option('--revision <n>', '0-based revision of the session').argParser(revision))
    .action((id: string, options, invoked: Commander) => run(history(id))(options, invoked));

  program
    .command('rebuild [projection]')
    .description(`replay the log into fresh read-model tables and swap them in (${PROJECTIONS.join(', ')}; all by default)`)
    .action((projection: string | undefined, options, invoked: Commander) => run(rebuild(projection))(options, invoked));

  const audit = program.command('audit').description('exports for regulators and investigators, and their offline verification');
  audit
    .command('export')
    .description('write a signed, verifiable bundle of events (all, one session, one customer, or a time range)')
    .requiredOption('--out <dir>', 'a new or empty directory')
    .addOption(new Option('--session <vs_id>', 'one session').conflicts('customer'))
    .option('--customer <cus_id>', 'a customer and its sessions')
    .option('--from <time>', 'recorded at or after (ISO time or Unix seconds)', moment)
    .option('--to <time>', 'recorded before (ISO time or Unix seconds)', moment)
    .option('--include-personal-data', 'include the personal data still held, so its commitments can be checked', false)
    .action(run(auditExport));
  audit
    .command('verify <dir>')
    .description('verify an export offline: signatures, files, every record, chain and inclusion proof; exit 1 on any failure')
    .requiredOption('--public-key <file>', "a file with the ledger's verifier key (from 'idledger keys public')")
    .option('--previous-checkpoint <file>', 'a checkpoint.note you already hold: the export must prove its log extends that one')
    .action((dir: string, options, invoked: Commander) => run(auditVerify(dir))(options, invoked));

  const holds = program.command('holds').description('legal holds: a held session, or any session of a held customer, cannot be redacted');
  holds
    .command('place <subject>')
    .description('place a legal hold on a session (vs_…) or a customer (cus_…)')
    .requiredOption('--reference <ref>', 'the matter, case or authority request')
    .requiredOption('--reason <text>', 'why')
    .action((subject: string, options, invoked: Commander) => run(placeHold(subject))(options, invoked));
  holds
    .command('lift <subject> <hold>')
    .description('lift a legal hold')
    .requiredOption('--reason <text>', 'why')
    .action((subject: string, hold: string, options, invoked: Commander) => run(liftHold(subject, hold))(options, invoked));
  holds.command('list <subject>').description('the legal holds on a session or customer').action((subject: string, options, invoked: Commander) => run(listHolds(subject))(options, invoked));

  const retention = program.command('retention').description('retention of verification records');
  retention
    .command('sweep')
    .description('redact every session whose retention period has passed since it ended, unless held')
    .requiredOption('--policy <id>', 'the policy named in each redaction, e.g. aml-5y')
    .requiredOption('--period-days <n>', 'how long records are kept after a session ends', positiveDays)
    .action(run(retentionSweep));

  const keys = program.command('keys').description("the ledger's signing key");
  keys.command('public').description('print the verifier key of the checkpoint and export signer').action(run(keysPublic));
  keys
    .command('rotate')
    .description('switch to a new signing key; the old key signs the succession, recorded in the log and in every export')
    .action(run(keysRotate));
  program
    .command('serve')
    .description("serve the ledger over Stripe Identity's HTTP API (keys: --api-key, repeatable, and IDLEDGER_API_KEYS)")
    .option('--port <n>', 'port to listen on (0: any free port)', port, 12111)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .action((options: { port: number; host: string }, invoked: Commander) => run(serve)({ ...options, apiKeys: apiKeysGiven }, invoked));

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    exitCode = reportFailure(error, io);
  }
  return exitCode;
};

const reportFailure = (error: unknown, io: Io): number => {
  if (isCliFailure(error)) {
    io.err(`idledger: ${error.message}`);
    return error.exitCode;
  }
  const fields = error as { code?: unknown; exitCode?: unknown; _tag?: unknown; message?: unknown; param?: unknown };
  if (typeof fields.code === 'string' && fields.code.startsWith('commander.')) {
    return fields.code === 'commander.helpDisplayed' || fields.code === 'commander.version' ? 0 : typeof fields.exitCode === 'number' ? fields.exitCode : 2;
  }
  if (fields._tag === 'IdentityError') {
    io.err(`idledger: ${String(fields.message)}${fields.param ? ` (param: ${String(fields.param)})` : ''}`);
    return 1;
  }
  io.err(`idledger: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
};
