/**
 * Historical election intelligence: the shipped reference data is imported once (idempotently, reimported when a
 * file or the import changes, all-or-nothing per dataset), is read-only for the application role, and is served
 * under /api/v1/intelligence to every member of any organization.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';
import { APP_ROLE, READ_ONLY } from '../src/db/roles.js';
import { DATA_DIR } from '../src/modules/intelligence/data.js';
import { DATASETS } from '../src/modules/intelligence/reference/datasets.js';
import { importReferenceData } from '../src/modules/intelligence/reference/import.js';
import { connect } from './support/db.js';
import { addMember } from './support/features.js';

let app: TestApp;
let admin: pg.Client;
let owner: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUp(app, 'intel-owner');
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

const spec = (name: string) => DATASETS.find((d) => d.name === name)!;
const fileText = (name: string) => {
  const file = spec(name).file;
  const bytes = readFileSync(path.join(DATA_DIR, file));
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};
/** The file's data lines as cell arrays (the shipped files have no quoted fields). */
const lines = (name: string) =>
  fileText(name)
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
const count = async (table: string) => Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
const counts = async () => {
  const out: number[] = [];
  for (const d of DATASETS) out.push(await count(d.table));
  return out;
};

/** Rows each file should give, counted from the raw lines (not through the parsers the import uses). */
function expectedRows(): Record<string, number> {
  const county = lines('county_results').filter(([fips, , , dem, rep]) => fips !== '' && dem !== '' && rep !== '');
  const turnoutHeader = fileText('state_turnout').split('\n')[0]!.split(',');
  const [vep, votes] = [turnoutHeader.indexOf('vep'), turnoutHeader.indexOf('highest_office_votes')];
  return {
    county_results: new Set(county.map(([fips, year]) => `${fips}:${year}`)).size,
    state_results: lines('state_results').length,
    state_turnout: lines('state_turnout').filter((c) => c[vep] !== '' && c[votes] !== '').length,
    county_demographics: lines('county_demographics').length,
    county_nations: lines('county_nations').filter(([, nation]) => nation !== '').length,
  };
}

describe('importing the reference data', () => {
  it('has every dataset in the template database, row counts matching the files', async () => {
    const expected = expectedRows();
    // Guard against a vacuous comparison: these are the shipped files' sizes.
    expect(expected.county_results).toBeGreaterThan(100_000);
    expect(expected.state_results).toBe(612);
    const recorded = await admin.query<{ name: string; row_count: number; checksum: string }>(
      'SELECT name, row_count, checksum FROM reference_datasets ORDER BY name',
    );
    expect(recorded.rows.map((r) => r.name).sort()).toEqual(Object.keys(expected).sort());
    for (const d of DATASETS) {
      const row = recorded.rows.find((r) => r.name === d.name)!;
      expect(await count(d.table), d.name).toBe(expected[d.name]);
      expect(row.row_count, d.name).toBe(expected[d.name]);
      expect(row.checksum, d.name).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('is idempotent: a second run changes nothing', async () => {
    const before = await admin.query('SELECT name, checksum, imported_at FROM reference_datasets ORDER BY name');
    const rowsBefore = await counts();
    const result = await importReferenceData(admin);
    expect(result.map((r) => [r.name, r.status])).toEqual(DATASETS.map((d) => [d.name, 'unchanged']));
    const after = await admin.query('SELECT name, checksum, imported_at FROM reference_datasets ORDER BY name');
    expect(after.rows).toEqual(before.rows);
    expect(await counts()).toEqual(rowsBefore);
  });

  it('reimports a dataset whose recorded checksum differs, and only that one', async () => {
    await admin.query(`UPDATE reference_datasets SET checksum = 'stale' WHERE name = 'state_results'`);
    await admin.query(`DELETE FROM reference_state_results WHERE year < 2000`);
    expect(await count('reference_state_results')).toBeLessThan(612);
    const result = await importReferenceData(admin);
    expect(result.filter((r) => r.status === 'imported').map((r) => r.name)).toEqual(['state_results']);
    expect(await count('reference_state_results')).toBe(612);
    const { rows } = await admin.query(`SELECT checksum FROM reference_datasets WHERE name = 'state_results'`);
    expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  describe('from a changed copy of the files', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'akashic-data-'));
      for (const d of DATASETS) {
        mkdirSync(path.dirname(path.join(dir, d.file)), { recursive: true });
        copyFileSync(path.join(DATA_DIR, d.file), path.join(dir, d.file));
      }
    });
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true });
      // Back to the shipped data for the API tests below.
      await importReferenceData(admin);
    });

    it('picks up a changed file', async () => {
      const file = path.join(dir, spec('county_nations').file);
      writeFileSync(file, readFileSync(file, 'utf8').replace('42003,THE MIDLANDS', '42003,YANKEEDOM'));
      const result = await importReferenceData(admin, { dir });
      expect(result.filter((r) => r.status === 'imported').map((r) => r.name)).toEqual(['county_nations']);
      const { rows } = await admin.query(`SELECT nation FROM reference_county_nations WHERE fips = '42003'`);
      expect(rows).toEqual([{ nation: 'YANKEEDOM' }]);
    });

    it('keeps the previous rows when an import fails half-way (one transaction per dataset)', async () => {
      const file = path.join(dir, spec('state_results').file);
      const text = readFileSync(file, 'utf8');
      // A repeated (state, year) parses fine and then violates the primary key inside the transaction.
      writeFileSync(file, text + text.split('\n')[text.split('\n').length - 2] + '\n');
      const before = await admin.query(`SELECT checksum FROM reference_datasets WHERE name = 'state_results'`);
      await expect(importReferenceData(admin, { dir })).rejects.toThrow(/importing state_results .* failed/);
      expect(await count('reference_state_results')).toBe(612);
      const after = await admin.query(`SELECT checksum FROM reference_datasets WHERE name = 'state_results'`);
      expect(after.rows).toEqual(before.rows);
    });
  });
});

describe('the application role and the reference tables', () => {
  let appClient: pg.Client;
  beforeAll(async () => {
    appClient = await connect(app.db.appUrl);
  });
  afterAll(async () => {
    await appClient?.end();
  });

  it('covers every reference table', () => {
    expect([...READ_ONLY].sort()).toEqual(
      DATASETS.map((d) => d.table)
        .concat('reference_datasets')
        .sort(),
    );
  });

  it('can read them, without any organization context', async () => {
    expect((await appClient.query('SELECT current_user AS u')).rows[0].u).toBe(APP_ROLE);
    for (const table of READ_ONLY) {
      const { rows } = await appClient.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect(rows[0].n, table).toBeGreaterThan(0);
    }
  });

  const FIRST_COLUMN: Record<string, string> = {
    reference_datasets: 'name',
    reference_state_results: 'state',
    reference_state_turnout: 'state',
  };

  it('cannot insert, update, delete or truncate them (permission denied)', async () => {
    for (const table of READ_ONLY) {
      for (const sql of [
        `INSERT INTO ${table} SELECT * FROM ${table} LIMIT 1`,
        `UPDATE ${table} SET ${FIRST_COLUMN[table] ?? 'fips'} = ${FIRST_COLUMN[table] ?? 'fips'}`,
        `DELETE FROM ${table}`,
        `TRUNCATE ${table}`,
      ]) {
        const err = await appClient.query(sql).then(
          () => null,
          (e: { code?: string; message: string }) => e,
        );
        expect(err, sql).not.toBeNull();
        expect(`${err!.code} ${err!.message}`, sql).toMatch(new RegExp(`^42501 permission denied for table ${table}`));
      }
    }
  });

  it('they are global: no org_id and no row-level security', async () => {
    const { rows } = await admin.query<{ name: string; rls: boolean; org: boolean }>(
      `SELECT c.relname AS name, c.relrowsecurity AS rls,
              EXISTS (SELECT 1 FROM information_schema.columns i
                       WHERE i.table_schema = 'public' AND i.table_name = c.relname AND i.column_name = 'org_id') AS org
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])`,
      [[...READ_ONLY]],
    );
    expect(rows).toHaveLength(READ_ONLY.size);
    for (const r of rows) expect(r, r.name).toEqual({ name: r.name, rls: false, org: false });
  });
});

describe('GET /api/v1/intelligence/datasets', () => {
  it('lists the datasets with sources, licences and row counts, the years and the states', async () => {
    const r = await owner.client.get('/api/v1/intelligence/datasets');
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body.datasets.map((d: any) => d.name)).toEqual(DATASETS.map((d) => d.name));
    const expected = expectedRows();
    for (const d of r.body.datasets) {
      expect(d.rows, d.name).toBe(expected[d.name]);
      expect(d.source.length, d.name).toBeGreaterThan(5);
      expect(d.licence.length, d.name).toBeGreaterThan(2);
      expect(d.citation.length, d.name).toBeGreaterThan(10);
      expect(d.importedAt).toMatch(/Z$/);
    }
    const counties = r.body.datasets.find((d: any) => d.name === 'county_results');
    expect([counties.firstYear, counties.lastYear]).toEqual([1868, 2020]);
    expect(counties.licence).toMatch(/CC0/);
    expect(r.body.years.counties).toEqual(Array.from({ length: 39 }, (_v, i) => 1868 + 4 * i));
    expect(r.body.years.states).toEqual(Array.from({ length: 12 }, (_v, i) => 1976 + 4 * i));
    expect(r.body.years.turnout).toEqual(Array.from({ length: 11 }, (_v, i) => 1980 + 4 * i));
    expect(r.body.states).toHaveLength(51);
    expect(r.body.states).toContainEqual({ postal: 'PA', fips: '42', name: 'Pennsylvania' });
  });
});

describe('GET /api/v1/intelligence/counties', () => {
  it('returns every county of a year with shares and margins', async () => {
    const r = await owner.client.get('/api/v1/intelligence/counties?year=2020');
    expect(r.status, r.text).toBe(200);
    expect(r.body.year).toBe(2020);
    expect(r.body.state).toBeNull();
    expect(r.body.items.length).toBeGreaterThan(3100);
    expect(r.body.items.every((c: any) => c.year === 2020)).toBe(true);
    const fips = r.body.items.map((c: any) => c.fips);
    expect(fips).toEqual([...fips].sort());
    const allegheny = r.body.items.find((c: any) => c.fips === '42003');
    expect(allegheny).toEqual({
      fips: '42003',
      year: 2020,
      state: 'PA',
      demVotes: 430759,
      repVotes: 282913,
      totalVotes: 724800,
      demShare: Math.round((430759 / (430759 + 282913)) * 10_000) / 10_000,
      margin: Math.round(((430759 - 282913) / 724800) * 10_000) / 10_000,
    });
  });

  it('filters by state, and answers an election year without data with no items', async () => {
    const pa = await owner.client.get('/api/v1/intelligence/counties?year=1912&state=PA');
    expect(pa.status, pa.text).toBe(200);
    expect(pa.body.state).toBe('PA');
    expect(pa.body.items).toHaveLength(67);
    expect(new Set(pa.body.items.map((c: any) => c.state))).toEqual(new Set(['PA']));
    const future = await owner.client.get('/api/v1/intelligence/counties?year=2096');
    expect(future.status).toBe(200);
    expect(future.body.items).toEqual([]);
  });
});

describe('GET /api/v1/intelligence/counties/history', () => {
  it('returns one county across years, from 1912 by default', async () => {
    const r = await owner.client.get('/api/v1/intelligence/counties/history?fips=42003');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ fips: '42003', state: 'PA', from: 1912, to: null, formerFips: [] });
    expect(r.body.items.map((i: any) => i.year)).toEqual(Array.from({ length: 28 }, (_v, i) => 1912 + 4 * i));
    expect(r.body.items[0]).toMatchObject({ year: 1912, demVotes: 31417, repVotes: 23822, totalVotes: 126386 });
  });

  it('honours from and to, earlier years included', async () => {
    const r = await owner.client.get('/api/v1/intelligence/counties/history?fips=42003&from=1868&to=1880');
    expect(r.status, r.text).toBe(200);
    expect(r.body.items.map((i: any) => i.year)).toEqual([1868, 1872, 1876, 1880]);
    const one = await owner.client.get('/api/v1/intelligence/counties/history?fips=42003&from=2020&to=2020');
    expect(one.body.items.map((i: any) => i.year)).toEqual([2020]);
  });

  it('follows a renamed county to its former FIPS code (Oglala Lakota 46102, formerly Shannon 46113)', async () => {
    const r = await owner.client.get('/api/v1/intelligence/counties/history?fips=46102&from=2008');
    expect(r.status, r.text).toBe(200);
    expect(r.body.formerFips).toEqual(['46113']);
    expect(r.body.items.map((i: any) => [i.year, i.fips])).toEqual([
      [2008, '46113'],
      [2012, '46113'],
      [2016, '46102'],
      [2020, '46102'],
    ]);
  });

  it('follows Dade (12025) to Miami-Dade (12086), and never doubles a merged city into its county', async () => {
    const dade = await owner.client.get('/api/v1/intelligence/counties/history?fips=12086&from=1992&to=2004');
    expect(dade.body.items.map((i: any) => [i.year, i.fips])).toEqual([
      [1992, '12025'],
      [1996, '12025'],
      [2000, '12086'],
      [2004, '12086'],
    ]);
    // Bedford city (51515) merged into Bedford County (51019), which has results of its own every year.
    const bedford = await owner.client.get('/api/v1/intelligence/counties/history?fips=51019&from=2008');
    expect(bedford.body.formerFips).toEqual([]);
    expect(bedford.body.items.map((i: any) => [i.year, i.fips])).toEqual([
      [2008, '51019'],
      [2012, '51019'],
      [2016, '51019'],
      [2020, '51019'],
    ]);
  });

  it('answers 404 for a county code without results', async () => {
    const r = await owner.client.get('/api/v1/intelligence/counties/history?fips=99999');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
  });
});

describe('GET /api/v1/intelligence/counties/profile', () => {
  it('returns demographics of every vintage and the American Nation', async () => {
    const r = await owner.client.get('/api/v1/intelligence/counties/profile?fips=42003');
    expect(r.status, r.text).toBe(200);
    expect(r.body.fips).toBe('42003');
    expect(r.body.state).toBe('PA');
    expect(r.body.nation).toBe('The Midlands');
    expect(r.body.demographics.map((d: any) => d.vintage)).toEqual([2014, 2022]);
    const d = r.body.demographics[1];
    expect(d.population).toBeGreaterThan(1_000_000);
    for (const k of ['pctWhite', 'pctBlack', 'pctBachelors']) expect(d[k]).toBeGreaterThan(0);
    expect(d.rucc).toBe(1);
  });

  it('finds the nation the source lists under the county’s former code (46113 for Oglala Lakota)', async () => {
    const r = await owner.client.get('/api/v1/intelligence/counties/profile?fips=46102');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ fips: '46102', state: 'SD', nation: 'The Far West' });
    expect(r.body.demographics.map((d: any) => d.vintage)).toEqual([2014, 2022]);
  });

  it('answers 404 for a code nothing is known about', async () => {
    const r = await owner.client.get('/api/v1/intelligence/counties/profile?fips=99999');
    expect(r.status).toBe(404);
  });
});

describe('state results and turnout', () => {
  it('returns a state’s results across years', async () => {
    const r = await owner.client.get('/api/v1/intelligence/states/results?state=PA');
    expect(r.status, r.text).toBe(200);
    expect(r.body.items.map((i: any) => i.year)).toEqual(Array.from({ length: 12 }, (_v, i) => 1976 + 4 * i));
    expect(r.body.items.at(-1)).toMatchObject({ state: 'PA', year: 2020, demVotes: 3458229, repVotes: 3377674 });
    const all = await owner.client.get('/api/v1/intelligence/states/results?from=2020');
    expect(all.body.items).toHaveLength(51);
  });

  it('returns turnout for the nation and the states', async () => {
    const us = await owner.client.get('/api/v1/intelligence/states/turnout?state=US&from=2020');
    expect(us.status, us.text).toBe(200);
    expect(us.body.items).toEqual([
      {
        state: 'US',
        name: 'United States',
        year: 2020,
        totalBallots: 159633396,
        highestOfficeVotes: 158240239,
        vep: 239247182,
        vap: 257605088,
        vepTurnoutPct: 66.14,
        vapTurnoutPct: 61.43,
      },
    ]);
    const year = await owner.client.get('/api/v1/intelligence/states/turnout?from=2016&to=2016');
    expect(year.body.items).toHaveLength(52);
    expect(year.body.items[0].state).toBe('US');
  });
});

describe('bad input', () => {
  it.each([
    ['/api/v1/intelligence/counties?year=2021', 'query.year', /presidential election year/],
    ['/api/v1/intelligence/counties?year=1700', 'query.year', /1868 or later/],
    ['/api/v1/intelligence/counties?year=abc', 'query.year', /./],
    ['/api/v1/intelligence/counties', 'query.year', /./],
    ['/api/v1/intelligence/counties?year=2020&state=ZZ', 'query.state', /state postal code/],
    ['/api/v1/intelligence/counties/history?fips=4200', 'query.fips', /five-digit/],
    ['/api/v1/intelligence/counties/history?fips=42003&from=2000&to=1990', 'query.to', /earlier than from/],
    ['/api/v1/intelligence/counties/history?fips=42003&from=1800', 'query.from', /1868 or later/],
    ['/api/v1/intelligence/counties/profile?fips=x', 'query.fips', /five-digit/],
    ['/api/v1/intelligence/states/results?state=US', 'query.state', /state postal code/],
    ['/api/v1/intelligence/states/turnout?to=3000', 'query.to', /2100 or earlier/],
    ['/api/v1/intelligence/states/turnout?county=42003', 'query', /county/],
  ])('%s → 400 naming %s', async (url, field, message) => {
    const r = await owner.client.get(url);
    expect(r.status, r.text).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe('validation_failed');
    const errors = r.body.errors as { field: string; message: string }[];
    const named = errors.filter((e) => e.field === field);
    expect(named.length, r.text).toBeGreaterThan(0);
    expect(named.map((e) => e.message).join(' '), r.text).toMatch(message);
  });
});

describe('who may read it', () => {
  const url = '/api/v1/intelligence/counties?year=2020&state=DE';

  it('answers 401 without credentials', async () => {
    const r = await new Client(app.url).get(url);
    expect(r.status).toBe(401);
  });

  it('answers 404 naming an organization the caller is not in, or one that does not exist', async () => {
    const other = await signUp(app, 'intel-other');
    const foreign = await owner.client.get(url, { headers: { 'x-akashic-org': other.orgId } });
    expect(foreign.status).toBe(404);
    const missing = await owner.client.get(url, { headers: { 'x-akashic-org': randomUUID() } });
    expect(missing.status).toBe(404);
    expect(foreign.body.code).toBe(missing.body.code);
  });

  it('lets every member read it, viewers included, and the same data in every organization', async () => {
    const viewer = await addMember(app, owner.client, 'viewer');
    const a = await viewer.client.get(url);
    expect(a.status, a.text).toBe(200);
    expect(a.body.items).toHaveLength(3);
    const other = await signUp(app, 'intel-elsewhere');
    const b = await other.client.get(url);
    expect(b.body).toEqual(a.body);
  });

  it('lets an API token with the intelligence.read scope read it, and not one without', async () => {
    const make = async (scopes: string[]) => {
      const r = await owner.client.post('/api/v1/tokens', { name: `intel ${scopes.join(' ')}`, scopes });
      expect(r.status, r.text).toBe(201);
      const c = new Client(app.url);
      c.token = r.body.secret;
      return c;
    };
    expect((await (await make(['intelligence.read'])).get(url)).status).toBe(200);
    expect((await (await make(['org.read'])).get(url)).status).toBe(403);
  });
});
