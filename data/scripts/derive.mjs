#!/usr/bin/env node
/**
 * Rebuilds the compact reference files under data/ from the shared public datasets (../shared/data).
 * Run once by a developer when the sources change: `node data/scripts/derive.mjs [path/to/shared/data]`.
 * The product never runs this and never reads ../shared at run time. Every derivation is described in data/README.md.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '..');
const src = path.resolve(process.argv[2] ?? path.join(out, '../../shared/data'));

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] ?? ''])));
}
const read = (p) => readFileSync(path.join(src, p), 'utf8');
const write = (p, text) => {
  mkdirSync(path.dirname(path.join(out, p)), { recursive: true });
  writeFileSync(path.join(out, p), text);
};

// 1. County presidential results 1868-2020: byte copy, gzipped.
write(
  'elections/county_president_1868_2020.csv.gz',
  gzipSync(readFileSync(path.join(src, 'elections/county_president_1868_2020.csv')), { level: 9 }),
);

// 2. State presidential results 1976-2020 from MEDSL: one row per state-year. The Democratic (Republican) nominee is
// the candidate with the most votes on DEMOCRAT (REPUBLICAN) lines; their votes are summed over every line they
// appear on (fusion tickets, e.g. New York's Working Families / Conservative lines).
{
  const rows = parseCsv(read('elections/state_president_1976_2020_medsl.csv'));
  const by = new Map();
  for (const r of rows) {
    const k = `${r.year},${r.state_po}`;
    if (!by.has(k)) by.set(k, []);
    by.get(k).push(r);
  }
  const lines = ['year,state,dem_votes,rep_votes,total_votes'];
  for (const [k, rs] of by) {
    const nominee = (party) => {
      const votes = new Map();
      for (const r of rs)
        if (r.party_simplified === party && r.candidate !== '' && r.candidate !== 'OTHER')
          votes.set(r.candidate, (votes.get(r.candidate) ?? 0) + Number(r.candidatevotes));
      const [name] = [...votes].sort((a, b) => b[1] - a[1])[0];
      return rs.filter((r) => r.candidate === name).reduce((s, r) => s + Number(r.candidatevotes), 0);
    };
    lines.push(`${k},${nominee('DEMOCRAT')},${nominee('REPUBLICAN')},${rs[0].totalvotes}`);
  }
  write('elections/state_president_1976_2020.csv', lines.join('\n') + '\n');
}

// 3. Polls and 4. state turnout: byte copies.
write('elections/polls_president_state_2008_2016.csv', read('elections/polls_president_state_2008_2016.csv'));
write('turnout/turnout_state_presidential_1980_2020.csv', read('turnout/turnout_state_presidential_1980_2020.csv'));

// 5. County features in two vintages (a forecast for cycle Y uses the latest vintage before Y).
{
  const num = (v) => (v === '' || v === 'NA' || v === undefined ? '' : String(Number(v)));
  const lines = [
    'vintage,fips,population,pct_white,pct_black,pct_asian,pct_hispanic,pct_bachelors,median_income,density,rucc',
  ];
  const rucc = (file) => new Map(parseCsv(read(file)).map((r) => [r.geoid, r.rural_def.split('.')[0]]));
  const rucc13 = rucc('demographics/rucc_2013.csv');
  const alias = { 46113: '46102', 46102: '46113' }; // Shannon -> Oglala Lakota (2015 rename)
  const emit = (vintage, rows) => {
    const seen = new Set(rows.map((r) => r[0]));
    for (const r of rows) {
      lines.push([vintage, ...r].join(','));
      const a = alias[r[0]];
      if (a && !seen.has(a)) lines.push([vintage, a, ...r.slice(1)].join(','));
    }
  };
  // vintage 2014: Census QuickFacts (2014 population/race estimates, ACS 2009-13 education and income, 2010 density), RUCC 2013
  const qf = parseCsv(read('demographics/county_facts.csv'))
    .filter((r) => r.state_abbreviation !== '' && Number(r.fips) % 1000 !== 0)
    .map((r) => {
      const fips = r.fips.padStart(5, '0');
      return [
        fips,
        num(r.PST045214),
        num(r.RHI125214),
        num(r.RHI225214),
        num(r.RHI425214),
        num(r.RHI725214),
        num(r.EDU685213),
        num(r.INC110213),
        num(r.POP060210),
        rucc13.get(fips) ?? '',
      ];
    });
  emit(2014, qf);
  // vintage 2022: ACS 2018-22 5-year (derived file) with RUCC 2023
  const acs = parseCsv(read('demographics/county_features_acs2022_derived.csv')).map((r) => [
    r.fips,
    num(r.population),
    num(r.pct_white_alone),
    num(r.pct_black_alone),
    num(r.pct_asian_alone),
    num(r.pct_hispanic),
    num(r.pct_bachelors_plus_age25),
    num(r.median_household_income),
    num(r.pop_density_2010),
    num(r.rucc_2023),
  ]);
  emit(2022, acs);
  write('demographics/county_features.csv', lines.join('\n') + '\n');
}

// 6. American Nations (Woodard 11), compact: fips,nation ("NA" -> empty).
{
  const rows = parseCsv(read('regions/county_american_nations_11_derived.csv'));
  const lines = ['fips,nation'];
  for (const r of rows) lines.push(`${r.county_fips},${r.nation_woodard11 === 'NA' ? '' : r.nation_woodard11}`);
  write('regions/county_american_nations_11.csv', lines.join('\n') + '\n');
}
console.log('data/ rebuilt from', src);
