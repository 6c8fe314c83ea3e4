/**
 * The `akashic` command line. Each command is a small function over the same configuration and domain code
 * the server uses. Errors print one clear line and exit non-zero; no stack traces for user mistakes.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/index.js';
import { verifyAuditLog } from './platform/audit/verify.js';
import { hashPassword } from './platform/identity/passwords.js';
import { seedDemo } from './platform/seed.js';
import { createLogger, createPlatform, DEFAULT_WEB_DIST } from './server.js';
import { startWorkers } from './workers.js';
import { openEventBus } from './platform/events/open.js';
import { replayOutbox } from './platform/outbox/relay.js';
import { randomUUID } from 'node:crypto';
import { Email, Name, OrgRole, Password } from '@akashic/contracts';
import { createOrganizationTx } from './platform/tenancy/organizations.js';
import { recordChange } from './platform/audit/record.js';
import { FORECAST_USAGE, runIntelligenceCommand } from './modules/intelligence/cli.js';
import { VOTERS_USAGE, runVotersCommand } from './modules/campaigns/voters/cli.js';

export class UsageError extends Error {}

const USAGE = `Usage: akashic <command> [options]

Commands:
  serve                         Run the platform (API + web console). Default command.
  migrate                       Apply database migrations, shipped reference data and app-role grants, then exit.
  seed                          Create the demo organization if the database is empty.
  audit verify [--org <id>]     Verify every organization's audit hash chain.
  events replay --from <iso> --to <iso> [--org <id>]
                                Publish the outbox events that occurred in [from, to) to the broker again.
  user create --email <e> --name <n> --password <p> [--org <id> --role <role> | --org-name <name>]
                                Create a user, in an existing org or in a new org they own.
${FORECAST_USAGE}
${VOTERS_USAGE}

Configuration comes from the environment (DATABASE_URL, PORT, ...); see README.md.`;

type Out = { log: (s: string) => void; error: (s: string) => void };
const defaultOut: Out = { log: (s) => console.log(s), error: (s) => console.error(s) };

export async function main(
  argv: string[],
  env: Record<string, string | undefined>,
  out: Out = defaultOut,
): Promise<number> {
  try {
    const [command = 'serve', ...rest] = argv;
    if (command === '--help' || command === '-h' || command === 'help') {
      out.log(USAGE);
      return 0;
    }
    if (command === 'forecast' || command === 'backtest') return await runIntelligenceCommand(command, rest, out);
    if (command === 'voters') return await runVotersCommand(rest, out);
    const config = loadConfig({ WEB_DIST: DEFAULT_WEB_DIST, ...env });
    switch (command) {
      case 'serve':
        return await serve(config, out);
      case 'migrate':
        return await migrate(config, out);
      case 'seed':
        return await seed(config, out);
      case 'audit':
        if (rest[0] !== 'verify') throw new UsageError('audit: expected "audit verify"');
        return await auditVerify(config, rest.slice(1), out);
      case 'events':
        if (rest[0] !== 'replay') throw new UsageError('events: expected "events replay"');
        return await eventsReplay(config, rest.slice(1), out);
      case 'user':
        if (rest[0] !== 'create') throw new UsageError('user: expected "user create"');
        return await userCreate(config, rest.slice(1), out);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      out.error(`akashic: ${err.message}`);
      if (err instanceof UsageError) out.error('Run "akashic --help" for usage.');
      return 2;
    }
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      out.error(`akashic: ${(err as Error).message}`);
      return 2;
    }
    out.error(`akashic: ${(err as Error).message}`);
    return 1;
  }
}

async function openAdmin(config: Config) {
  const opened = await openDatabase({
    adminUrl: config.database.adminUrl,
    appUrl: config.database.appUrl,
    relayUrl: config.database.relayUrl,
    poolMax: 4,
    home: config.home,
    secret: config.secret,
    log: () => {},
  });
  return opened;
}

async function serve(config: Config, out: Out): Promise<number> {
  const log = createLogger(config);
  const started = Date.now();
  const platform = await createPlatform(config, { log });
  const { app } = platform.built;
  let demo = null;
  if (config.seedDemo) demo = await seedDemo(platform.services.db, config.home);
  const worker = config.roles.has('worker') ? await startWorkers(platform) : null;
  if (config.roles.has('api')) {
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.publicUrl ?? `http://localhost:${port}`;
    out.log(`\n  Akashic is running at ${url}  (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    out.log(`  Database: ${platform.embedded ? `embedded PostgreSQL in ${config.home}/pgdata` : 'DATABASE_URL'}`);
    out.log(`  API reference: ${url}/docs`);
    if (demo) out.log(`  Sign in with ${demo.email} / ${demo.password}  (demo organization "${demo.orgName}")\n`);
  } else {
    out.log(`  Akashic worker running (roles: ${[...config.roles].join(', ')}); no HTTP server in this process`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await worker?.stop();
    await platform.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await new Promise(() => {});
  return 0;
}

async function migrate(config: Config, out: Out): Promise<number> {
  const opened = await openAdmin(config);
  await opened.database.close();
  out.log('akashic: migrations applied');
  return 0;
}

async function seed(config: Config, out: Out): Promise<number> {
  const opened = await openAdmin(config);
  try {
    const demo = await seedDemo(opened.database, config.home);
    out.log(
      demo
        ? `Demo: sign in with ${demo.email} / ${demo.password}`
        : 'akashic: database already has users; nothing seeded',
    );
  } finally {
    await opened.database.close();
  }
  return 0;
}

async function auditVerify(config: Config, args: string[], out: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { org: { type: 'string' } }, strict: true });
  const opened = await openAdmin(config);
  const client = new pg.Client({ connectionString: opened.adminUrl });
  try {
    await client.connect();
    const report = await verifyAuditLog(client, values.org ? { orgId: values.org } : {});
    if (report.problems.length === 0) {
      out.log(`audit verify: OK — ${report.entries} entries in ${report.orgs} organizations, every chain intact`);
      return 0;
    }
    for (const p of report.problems) {
      out.error(
        `audit verify: FAILED — org ${p.orgId}, first bad entry ${p.seq ?? '-'}${p.entryId ? ` (id ${p.entryId})` : ''}: ${p.reason}`,
      );
    }
    return 1;
  } finally {
    await client.end().catch(() => {});
    await opened.database.close();
  }
}

async function eventsReplay(config: Config, args: string[], out: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { from: { type: 'string' }, to: { type: 'string' }, org: { type: 'string' } },
    strict: true,
  });
  const date = (flag: 'from' | 'to') => {
    const v = values[flag];
    const d = v === undefined ? NaN : Date.parse(v);
    if (Number.isNaN(d)) throw new UsageError(`--${flag}: an ISO 8601 date-time is required`);
    return new Date(d);
  };
  const from = date('from');
  const to = date('to');
  if (from >= to) throw new UsageError('--from must be before --to');
  if (values.org !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(values.org)) {
    throw new UsageError('--org must be an organization id (a lower-case UUID)');
  }
  // The in-process bus lives inside the server: only a broker can be replayed to from here.
  if (!config.natsUrl) throw new UsageError('events replay publishes to NATS: set NATS_URL');
  const opened = await openAdmin(config);
  const pool = new pg.Pool({ connectionString: opened.relayUrl, max: 2 });
  const bus = await openEventBus(config, { warn: (_d, m) => out.error(m) }, 'akashic-replay');
  try {
    const r = await replayOutbox(pool, bus, { from, to, ...(values.org ? { orgId: values.org } : {}) });
    out.log(
      `events replay: ${r.events} events published (${r.duplicates} already in the stream's duplicate window, dropped)`,
    );
    return 0;
  } finally {
    await bus.close();
    await pool.end();
    await opened.database.close();
  }
}

async function userCreate(config: Config, args: string[], out: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      org: { type: 'string' },
      role: { type: 'string' },
      'org-name': { type: 'string' },
    },
    strict: true,
  });
  const email = Email.safeParse(values.email);
  if (!email.success) throw new UsageError('--email: a valid email address is required');
  const name = Name.safeParse(values.name);
  if (!name.success) throw new UsageError('--name is required');
  const password = Password.safeParse(values.password);
  if (!password.success) throw new UsageError(`--password: ${password.error.issues[0]!.message}`);
  if (!values.org && !values['org-name']) throw new UsageError('give --org <id> --role <role>, or --org-name <name>');
  if (values.org && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.org)) {
    throw new UsageError('--org must be an organization id (a UUID)');
  }
  const role = OrgRole.safeParse(values.role ?? 'staff');
  if (!role.success) throw new UsageError('--role must be one of owner, admin, manager, staff, viewer');

  const opened = await openAdmin(config);
  const db = opened.database;
  try {
    const userId = randomUUID();
    const orgId = values.org ?? randomUUID();
    const passwordHash = await hashPassword(password.data);
    await db.transaction({ orgId, userId }, async (tx) => {
      const dup = await tx.client.query('SELECT 1 FROM users WHERE lower(email) = $1', [email.data]);
      if (dup.rowCount) throw new UsageError(`a user with email ${email.data} already exists`);
      await tx.client.query('INSERT INTO users (id, email, name, password_hash) VALUES ($1,$2,$3,$4)', [
        userId,
        email.data,
        name.data,
        passwordHash,
      ]);
      const actor = { type: 'system' as const, id: null, label: 'akashic user create' };
      if (values.org) {
        const org = await tx.client.query('SELECT 1 FROM organizations WHERE id = $1', [orgId]);
        if (!org.rowCount) throw new UsageError(`organization ${orgId} not found`);
        await tx.client.query('INSERT INTO memberships (org_id, user_id, role) VALUES ($1,$2,$3)', [
          orgId,
          userId,
          role.data,
        ]);
        await recordChange(tx, {
          orgId,
          actor,
          action: 'member.added',
          target: { type: 'member', id: userId },
          after: { userId, role: role.data },
        });
      } else {
        await createOrganizationTx(
          tx,
          { orgId, name: values['org-name']!, ownerId: userId, ownerEmail: email.data },
          {},
        );
      }
    });
    out.log(`akashic: created user ${email.data} (${userId}) in organization ${orgId}`);
    return 0;
  } finally {
    await db.close();
  }
}
