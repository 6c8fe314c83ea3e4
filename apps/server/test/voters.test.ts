/**
 * Voter files over HTTP: a streamed import with bad rows (reported with line numbers and reasons, good rows in),
 * re-import deduplicating, a failure mid-import leaving nothing written, segment counts against a brute-force count
 * of the SYNTHETIC file, injection strings in filters staying inert, keyset pages, contacts and the CSV export.
 */
import { Readable } from 'node:stream';
import { parseVoterFile } from '@akashic/voters';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { CAMPAIGN, created } from './support/campaigns.js';
import { connect } from './support/db.js';
import { as, signUpActor, type Actor } from './support/http.js';
import { runImport, voterIdPrefix } from '../src/modules/campaigns/voters/imports.js';
import { recordChange } from '../src/platform/audit/record.js';
import { parseRegistration } from '../src/modules/campaigns/voters/file-reader.js';
import { importCsv, syntheticCsv } from './support/voters.js';

let app: TestApp;
let admin: pg.Client;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'voters-owner');
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

const newCampaign = () => created(owner, '/api/v1/campaigns', { ...CAMPAIGN, electionDate: '2022-11-08' });
const base = (c: string) => `/api/v1/campaigns/${c}`;
const votersIn = async (c: string) =>
  Number((await admin.query('SELECT count(*) AS n FROM voters WHERE campaign_id = $1', [c])).rows[0].n);

const HEADER =
  'voter_id,first_name,last_name,birth_year,registration_ym,party,zip,county_fips,GENERAL_2016-11-08,PRIMARY_2018-05-08,GENERAL_2018-11-06,GENERAL_2020-11-03';

/** Runs `fn` while inserting the voter `voterId` into `voters` fails (an injected error, as a constraint would). */
async function failInsertOf(voterId: string, fn: () => Promise<void>): Promise<void> {
  await admin.query(`CREATE OR REPLACE FUNCTION voters_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.voter_id = '${voterId.replace(/'/g, "''")}' THEN RAISE EXCEPTION 'injected failure'; END IF;
    RETURN NEW; END $$`);
  await admin.query(
    'CREATE TRIGGER voters_test_fail BEFORE INSERT ON voters FOR EACH ROW EXECUTE FUNCTION voters_test_fail()',
  );
  try {
    await fn();
  } finally {
    await admin.query('DROP TRIGGER voters_test_fail ON voters; DROP FUNCTION voters_test_fail()');
  }
}

describe('importing a voter file', () => {
  it('imports good rows and reports bad ones with line numbers and reasons', async () => {
    const c = await newCampaign();
    const csv = [
      HEADER,
      'A1,Ann,Lee,1980,2010-04,DEM,27701,37063,X,DEM,X,X', // line 2: good
      ',Bob,Ray,1975,2011-01,REP,27702,37063,X,,X,', // line 3: no voter id
      'A3,Cy,Doe,19x0,2012-02,UNA,27703,37063,,,,X', // line 4: bad birth year
      'A4,Di,"Quote, Inc",1990,2019-13,REP,27704,37183,,,,', // line 5: bad registration month
      'A5,Ed,Fox,1960,2000-01,DEM,27705,37183,?!,,X,X', // line 6: bad vote mark
      'A1,Fay,Gee,1970,2001-01,REP,27706,37183,X,,X,X', // line 7: duplicate of line 2
      'A7,Gus,Hay,1950,1999-09,REP,27707', // line 8: too few fields
      'A8,Hal,Ives,1985,2005-05,rep,27708,37183,1,REP,0,X', // line 9: good
    ].join('\n');
    const { importId, reply } = await importCsv(owner, c, csv);
    expect(reply.status, reply.text).toBe(200);
    const j = reply.body;
    expect(j).toMatchObject({ status: 'succeeded', phase: 'done', rowsRead: 8, rowsImported: 2, rowsRejected: 6 });
    expect(j.rowsInserted).toBe(2);
    expect(j.bytesRead).toBe(Buffer.byteLength(csv));
    expect(j.mapping).toMatchObject({
      voter_id: 'voter_id',
      first_name: 'first_name',
      registration_date: 'registration_ym',
    });
    expect(j.report.badRows.map((b: { line: number }) => b.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(j.report.badRows[0].reasons).toEqual(['voter_id is empty']);
    expect(j.report.badRows[1].reasons[0]).toMatch(/birth year "19x0"/);
    expect(j.report.badRows[2].reasons[0]).toMatch(/registration date "2019-13"/);
    expect(j.report.badRows[3].reasons[0]).toMatch(/GENERAL_2016-11-08: "\?!" is not a vote mark/);
    expect(j.report.badRows[4].reasons[0]).toMatch(/"A1" appears again \(first on line 2\)/);
    expect(j.report.badRows[5].reasons[0]).toMatch(/expected 12 fields/);
    expect(j.report.reasons).toEqual({
      missing_voter_id: 1,
      invalid_birth_year: 1,
      invalid_registration_date: 1,
      invalid_vote_mark: 1,
      duplicate_voter_id: 1,
      wrong_field_count: 1,
    });
    // Progress and report are readable afterwards too.
    const got = await as(owner, 'GET', `${base(c)}/voter-imports/${importId}`);
    expect(got.body).toEqual(j);

    const page = await as(owner, 'GET', `${base(c)}/voters`);
    expect(page.body.items.map((v: { voterId: string }) => v.voterId)).toEqual(['A1', 'A8']);
    const [a1, a8] = page.body.items;
    expect(a1).toMatchObject({ firstName: 'Ann', party: 'DEM', birthYear: 1980, registrationDate: '2010-04' });
    expect(a1.votes).toEqual(['GENERAL_2016-11-08', 'GENERAL_2018-11-06', 'GENERAL_2020-11-03', 'PRIMARY_2018-05-08']);
    expect(a1.generalsVoted).toBe(3);
    expect(a8).toMatchObject({ party: 'REP', generalsVoted: 2, contactStatus: 'not_contacted' });

    // A second upload of the same job is refused.
    const again = await as(owner, 'PUT', `${base(c)}/voter-imports/${importId}/file`, {
      raw: csv,
      contentType: 'text/csv',
    });
    expect(again.status).toBe(409);
  });

  it('leaves planner statistics in place once the import has committed (voters_analyze, the app role only)', async () => {
    const stats = async () =>
      (
        await admin.query<{ analyzed: Date | null; reltuples: number }>(
          `SELECT coalesce(s.last_analyze, s.last_autoanalyze) AS analyzed, c.reltuples
             FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'voters'`,
        )
      ).rows[0]!;
    const before = await stats();
    const c = await newCampaign();
    const { reply } = await importCsv(owner, c, syntheticCsv(300, 5));
    expect(reply.status, reply.text).toBe(200);
    const after = await stats();
    expect(after.analyzed).not.toBeNull();
    if (before.analyzed) expect(after.analyzed!.getTime()).toBeGreaterThan(before.analyzed.getTime());
    expect(after.reltuples).toBeGreaterThanOrEqual(await votersIn(c));
    // The SECURITY DEFINER function is the application role's alone.
    const acl = await admin.query<{ app: boolean; granted: string[] }>(
      `SELECT has_function_privilege('akashic_app', 'voters_analyze()', 'EXECUTE') AS app,
              (SELECT array_agg(DISTINCT g.rolname::text) FROM pg_proc p, aclexplode(p.proacl) a
                 LEFT JOIN pg_roles g ON g.oid = a.grantee
                WHERE p.proname = 'voters_analyze' AND a.privilege_type = 'EXECUTE') AS granted`,
    );
    expect(acl.rows[0]!.app).toBe(true);
    // PUBLIC (grantee 0) has no role row: only named roles appear, the owner and the application role.
    expect(acl.rows[0]!.granted.every((r) => r !== null)).toBe(true);
    expect(acl.rows[0]!.granted).toContain('akashic_app');
  });

  it('re-importing the same file deduplicates (updates, never duplicates), keeping contacts', async () => {
    const c = await newCampaign();
    const csv = syntheticCsv(400, 3);
    const first = await importCsv(owner, c, csv);
    expect(first.reply.body).toMatchObject({
      status: 'succeeded',
      rowsImported: 400,
      rowsInserted: 400,
      rowsUpdated: 0,
    });
    const v = (await as(owner, 'GET', `${base(c)}/voters?limit=1`)).body.items[0];
    await created(owner, `${base(c)}/voters/${v.id}/contacts`, { channel: 'phone', outcome: 'undecided' });
    const second = await importCsv(owner, c, csv);
    expect(second.reply.body).toMatchObject({
      status: 'succeeded',
      rowsImported: 400,
      rowsInserted: 0,
      rowsUpdated: 400,
    });
    expect(await votersIn(c)).toBe(400);
    const after = (await as(owner, 'GET', `${base(c)}/voters/${v.id}`)).body;
    expect(after.contactStatus).toBe('undecided');
    expect(after.contacts).toHaveLength(1);
    expect(after.votes).toEqual(v.votes);
    // Scores were computed from the file's own history.
    expect(first.reply.body.scores.heldOutAuc).toBeGreaterThan(0.6);
    expect(after.turnoutScore).toBeGreaterThanOrEqual(0);
    expect(after.persuasionScore).not.toBeNull();
  });

  it('writes voters block by block as they are scored: the same voters, scores and counts as in one block', async () => {
    const csv = syntheticCsv(700, 13);
    // Over HTTP: 700 voters, one block.
    const one = await newCampaign();
    const whole = await importCsv(owner, one, csv);
    expect(whole.reply.status, whole.reply.text).toBe(200);
    // The import itself, with blocks of 64 voters (11 blocks, the last one short): first an INSERT, then an upsert.
    const many = await newCampaign();
    const inBlocks = async (c = many) => {
      const importId = await created(owner, `${base(c)}/voter-imports`, { fileName: 'blocks_synthetic.csv' });
      const db = app.platform.services.db;
      const actor = { type: 'user' as const, id: owner.userId };
      const meta = { requestId: 'blocks-test', ip: '127.0.0.1' };
      return db.transaction({ orgId: owner.orgId, userId: owner.userId }, (tx) =>
        runImport(
          {
            tx,
            db,
            orgId: owner.orgId,
            userId: owner.userId,
            actor,
            meta,
            record: async (change) => void (await recordChange(tx, { ...change, orgId: owner.orgId, actor, meta })),
            maxBytes: 1 << 30,
            scoreBlockRows: 64,
          },
          c,
          importId,
          Readable.from([Buffer.from(csv)]),
        ),
      );
    };
    const first = await inBlocks();
    expect(first).toMatchObject({ status: 'succeeded', rowsImported: 700, rowsInserted: 700, rowsUpdated: 0 });
    expect(first.scores).toEqual(whole.reply.body.scores);
    const rowsOf = async (c: string) =>
      (
        await admin.query(
          `SELECT voter_id, last_name, zip, votes, generals_voted, turnout_score, persuasion_score
             FROM voters WHERE campaign_id = $1 ORDER BY voter_id`,
          [c],
        )
      ).rows;
    const expected = await rowsOf(one);
    expect(expected).toHaveLength(700);
    expect(expected.every((r) => r.turnout_score !== null && r.persuasion_score !== null)).toBe(true);
    expect(await rowsOf(many)).toEqual(expected);
    // Again in blocks: every voter updated through ON CONFLICT, none added.
    const second = await inBlocks();
    expect(second).toMatchObject({ status: 'succeeded', rowsImported: 700, rowsInserted: 0, rowsUpdated: 700 });
    expect(await rowsOf(many)).toEqual(expected);
    // A failure in a later block (the ninth) leaves none of the blocks before it written.
    const failing = await newCampaign();
    const victim = csv.split('\n')[520]!.split(',')[0]!;
    await failInsertOf(victim, async () => {
      await expect(inBlocks(failing)).rejects.toThrow(/injected failure/);
    });
    expect(await votersIn(failing)).toBe(0);
  });

  it('gives new voters time-ordered ids (UUID version 7): a later import adds after them and keeps updated ids', async () => {
    const c = await newCampaign();
    const lines = syntheticCsv(300, 11).trimEnd().split('\n');
    const firstFile = lines.slice(0, 201).join('\n') + '\n';
    // the second file: 100 voters of the first and 100 new ones
    const secondFile = [lines[0], ...lines.slice(101, 201), ...lines.slice(201, 301).map((l) => `NEW${l}`)].join('\n');
    const ids = async () =>
      new Map(
        (
          await admin.query<{ voter_id: string; id: string }>(
            'SELECT voter_id, id::text FROM voters WHERE campaign_id = $1',
            [c],
          )
        ).rows.map((r) => [r.voter_id, r.id]),
      );
    const a = await importCsv(owner, c, firstFile);
    expect(a.reply.body).toMatchObject({ status: 'succeeded', rowsInserted: 200, rowsUpdated: 0 });
    const before = await ids();
    const b = await importCsv(owner, c, secondFile);
    expect(b.reply.body).toMatchObject({ status: 'succeeded', rowsInserted: 100, rowsUpdated: 100 });
    const after = await ids();
    expect(after.size).toBe(300);
    const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const id of after.values()) expect(id).toMatch(v7);
    for (const [voterId, id] of before) expect(after.get(voterId)).toBe(id);
    const oldMax = [...before.values()].sort().at(-1)!;
    const added = [...after].filter(([voterId]) => voterId.startsWith('NEW')).map(([, id]) => id);
    expect(added).toHaveLength(100);
    for (const id of added) expect(id > oldMax).toBe(true);
  });

  it('leaves nothing written when the import fails mid-way, and marks the job failed', async () => {
    const c = await newCampaign();
    const csv = syntheticCsv(300, 5);
    const victim = csv.split('\n')[200]!.split(',')[0]!;
    // An injected constraint failure while the staged rows are written to voters.
    await failInsertOf(victim, async () => {
      const outbox = Number((await admin.query('SELECT count(*) AS n FROM outbox')).rows[0].n);
      const { importId, reply } = await importCsv(owner, c, csv);
      expect(reply.status).toBe(500);
      expect(await votersIn(c)).toBe(0);
      const elections = await admin.query('SELECT count(*)::int AS n FROM voter_elections WHERE campaign_id = $1', [c]);
      expect(elections.rows[0].n).toBe(0);
      const j = (await as(owner, 'GET', `${base(c)}/voter-imports/${importId}`)).body;
      expect(j).toMatchObject({ status: 'failed', rowsImported: 0 });
      expect(j.error).toMatch(/nothing was written/);
      // The failure is recorded (one event), the completion is not.
      const events = await admin.query(`SELECT type FROM outbox ORDER BY position OFFSET $1`, [outbox]);
      expect(events.rows.map((r) => r.type)).toEqual([
        'campaigns.voter_import.created',
        'campaigns.voter_import.failed',
      ]);
    });
  });

  it('fails the whole file on a broken CSV structure, writing no voter', async () => {
    const c = await newCampaign();
    const { reply } = await importCsv(owner, c, `${HEADER}\nA1,"unterminated,x,x,1980,2010-01,D,1,1,X,X,X,X\n`);
    expect(reply.status).toBe(400);
    expect(reply.body.detail).toMatch(/unterminated quoted field/);
    expect(await votersIn(c)).toBe(0);
  });

  it('refuses an upload that is not text/csv and a mapping naming no column', async () => {
    const c = await newCampaign();
    const id = await created(owner, `${base(c)}/voter-imports`, { fileName: 'x.csv' });
    const json = await as(owner, 'PUT', `${base(c)}/voter-imports/${id}/file`, { json: { rows: [] } });
    expect(json.status).toBe(415);
    const bad = await importCsv(owner, c, `${HEADER}\nA1,a,b,1980,2010-01,D,1,1,X,X,X,X\n`, {
      mapping: { voter_id: 'no_such_column' },
    });
    expect(bad.reply.status).toBe(400);
    expect(bad.reply.body.detail).toMatch(/no column "no_such_column"/);
    const detected = await as(owner, 'POST', `${base(c)}/voter-mapping`, {
      json: { header: HEADER.split(','), mapping: { party: null } },
    });
    expect(detected.body.mapping.party).toBeUndefined();
    expect(detected.body.elections).toHaveLength(4);
  });
});

describe('segments', () => {
  let c: string;
  let csv: string;
  beforeAll(async () => {
    c = await newCampaign();
    csv = syntheticCsv(1500, 11);
    const { reply } = await importCsv(owner, c, csv);
    expect(reply.body.status).toBe('succeeded');
  });

  it('counts what a brute-force pass over the SYNTHETIC file counts', async () => {
    const file = parseVoterFile(csv);
    const col = (name: string) => csv.split('\n')[0]!.split(',').indexOf(name);
    const rows = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const counties = [...new Set(rows.map((r) => r[col('county_fips')]!))].slice(0, 3);
    const g16 = col('GENERAL_2016-11-08');
    const g18 = col('GENERAL_2018-11-06');
    const generals = file.elections.map((e, k) => (e.type === 'GENERAL' ? k : -1)).filter((k) => k >= 0);
    const generalsOf = (i: number) => generals.filter((k) => file.votes[k]![i]! > 0).length;
    const cases: [Record<string, unknown>, (r: string[], i: number) => boolean][] = [
      [{}, () => true],
      [{ countyFips: counties }, (r) => counties.includes(r[col('county_fips')]!)],
      [{ party: ['dem'] }, (r) => r[col('party')] === 'DEM'],
      [{ votedIn: ['GENERAL_2016-11-08', 'GENERAL_2018-11-06'] }, (r) => r[g16] !== '' && r[g18] !== ''],
      [{ notVotedIn: ['GENERAL_2018-11-06'] }, (r) => r[g18] === ''],
      [{ generalsVoted: { min: 3 } }, (_r, i) => generalsOf(i) >= 3],
      [
        { generalsVoted: { min: 1, max: 2 }, party: ['REP', 'UNA'] },
        (r, i) => generalsOf(i) >= 1 && generalsOf(i) <= 2 && ['REP', 'UNA'].includes(r[col('party')]!),
      ],
      [{ birthYear: { max: 1960 } }, (r) => r[col('birth_year')] !== '' && Number(r[col('birth_year')]) <= 1960],
      [{ votedIn: ['GENERAL_1999-11-02'] }, () => false], // an election the file does not have
      [{ contactStatus: ['not_contacted'] }, () => true],
    ];
    for (const [filter, match] of cases) {
      const expected = rows.filter((r, i) => match(r, i)).length;
      const r = await as(owner, 'POST', `${base(c)}/voter-count`, { json: { filter } });
      expect(r.body.count, JSON.stringify(filter)).toBe(expected);
    }
    // Score ranges partition the voters.
    const lo = await as(owner, 'POST', `${base(c)}/voter-count`, { json: { filter: { turnout: { max: 0.5 } } } });
    const hi = await as(owner, 'POST', `${base(c)}/voter-count`, {
      json: { filter: { turnout: { min: 0.5000001 } } },
    });
    expect(lo.body.count + hi.body.count).toBe(1500);
    expect(lo.body.count).toBeGreaterThan(0);
  });

  it('keeps injection strings in filters inert', async () => {
    const injections = ["'; DROP TABLE voters; --", "' OR '1'='1", 'DEM) OR (1=1', '%', '\\'];
    for (const s of injections) {
      for (const filter of [{ party: [s] }, { precinct: [s] }, { countyFips: [s, "37063' --"] }]) {
        const r = await as(owner, 'POST', `${base(c)}/voter-count`, { json: { filter } });
        expect(r.status, r.text).toBe(200);
        expect(r.body.count).toBe(0);
      }
    }
    const keyLike = await as(owner, 'POST', `${base(c)}/voter-count`, {
      json: { filter: { votedIn: ["GENERAL_2016-11-08'; DROP TABLE voters; --"] } },
    });
    expect(keyLike.status).toBe(400);
    expect(await votersIn(c)).toBe(1500);
  });

  it('saves a segment, pages its voters by keyset and exports them as CSV', async () => {
    const filter = { party: ['DEM'], generalsVoted: { min: 2 } };
    const s = await as(owner, 'POST', `${base(c)}/segments`, { json: { name: 'Reliable Democrats', filter } });
    expect(s.status, s.text).toBe(201);
    const withCount = (await as(owner, 'GET', `${base(c)}/segments/${s.body.id}`)).body;
    expect(withCount.count).toBeGreaterThan(100);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const p = await as(owner, 'GET', `${base(c)}/segments/${s.body.id}/voters?limit=37${q}`);
      expect(p.status, p.text).toBe(200);
      seen.push(...p.body.items.map((v: { voterId: string }) => v.voterId));
      cursor = p.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(withCount.count);
    expect([...seen].sort()).toEqual(seen);
    const csvOut = await as(owner, 'GET', `${base(c)}/segments/${s.body.id}/export`);
    expect(csvOut.status).toBe(200);
    expect(csvOut.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csvOut.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^voter_id,first_name/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(seen);
  });
});

describe('import helpers', () => {
  it('voter id prefixes are UUID version 7 up to the row number, led by the millisecond timestamp', () => {
    const now = Date.UTC(2026, 10, 24, 4, 30);
    const p = voterIdPrefix(now);
    expect(`${p}00000001`).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(p.slice(0, 8) + p.slice(9, 13), 16)).toBe(now);
    expect(voterIdPrefix(now + 1) > voterIdPrefix(now)).toBe(true);
    // two imports in the same millisecond still differ (random bits)
    const same = new Set(Array.from({ length: 50 }, () => voterIdPrefix(now)));
    expect(same.size).toBe(50);
  });

  it('reads registration dates, the YYYY-MM fast path agreeing with the general forms', () => {
    expect(parseRegistration('2014-11')).toEqual({ text: '2014-11', month: 2014 * 12 + 10 });
    expect(parseRegistration('1900-01')).toEqual({ text: '1900-01', month: 1900 * 12 });
    expect(parseRegistration('2100-12')).toEqual({ text: '2100-12', month: 2100 * 12 + 11 });
    for (const bad of ['1899-12', '2101-01', '2014-00', '2014-13', '0000-01'])
      expect(parseRegistration(bad)).toBeNull();
    // the same month written in the other accepted forms
    for (const t of ['201411', '2014/11', '11/2014', '2014-11-30', '11/30/2014'])
      expect(parseRegistration(t)?.month).toBe(2014 * 12 + 10);
    expect(parseRegistration('2014-11-31')).toBeNull();
    // seven characters with a dash but not digits fall through to the general forms (and fail there)
    for (const t of ['20a4-11', '2014-1x', '+014-11', '2014- 1']) expect(parseRegistration(t)).toBeNull();
  });
});
