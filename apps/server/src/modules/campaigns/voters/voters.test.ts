/**
 * `akashic voters score|synth`: the command-line contract (output shape, error exits without stack traces) and the
 * turnout model against simple heuristics on a SYNTHETIC voter file calibrated to real North Carolina county turnout.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticVoterFile, parseVoterFile, scoreTurnout } from '@akashic/voters';
import { main } from '../../../cli.js';
import { loadReferenceData } from '../../intelligence/data.js';
import { syntheticCounties } from './synthetic-counties.js';

let dir: string;
let synthetic: string;
const ROWS = 6000;

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {}, { log: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'akashic-voters-'));
  synthetic = path.join(dir, 'voters-synthetic.csv');
  const r = await run('voters', 'synth', '--rows', String(ROWS), '--out', synthetic, '--seed', '4');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/wrote a SYNTHETIC voter file/);
});

const keys = (o: object) => Object.keys(o).sort();

describe('akashic voters score', () => {
  it('writes one entry per voter with exactly the contract keys (persuasion added), and the model summary', async () => {
    const file = path.join(dir, 'scores.json');
    const r = await run('voters', 'score', '--file', synthetic, '--election', 'GENERAL_2020-11-03', '--out', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/held-out AUC 0\.\d{4} on GENERAL_2018-11-06/);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(j)).toEqual(['election', 'voters', 'model']);
    expect(j.election).toBe('GENERAL_2020-11-03');
    const ids = readFileSync(synthetic, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(j.voters.map((v: { voter_id: string }) => v.voter_id)).toEqual(ids);
    for (const v of j.voters) {
      expect(keys(v)).toEqual(['persuasion', 'turnout_probability', 'voter_id']);
      expect(v.turnout_probability).toBeGreaterThan(0);
      expect(v.turnout_probability).toBeLessThan(1);
      expect(v.persuasion).toBeGreaterThanOrEqual(0);
      expect(v.persuasion).toBeLessThanOrEqual(1);
    }
    const m = j.model;
    expect(Object.keys(m).slice(0, 2)).toEqual(['heldout_auc', 'features']);
    expect(typeof m.heldout_auc).toBe('number');
    expect(m.heldout_election).toBe('GENERAL_2018-11-06');
    expect(m.features.map((f: { name: string }) => f.name)).toContain('same_rate');
    expect(m.calibration).toHaveLength(10);
    expect(m.heuristics.map((h: { name: string }) => h.name)).toContain(
      'recency-weighted count of past general-election votes',
    );
    expect(m.ignored_election_columns).toEqual(['GENERAL_2020-11-03']);
    expect(m.target_column_check.auc).toBeGreaterThan(0.7);
    expect(m.synthetic_input).toMatch(/SYNTHETIC/);
  }, 60_000);

  it('--explain adds each voter its top factors', async () => {
    const file = path.join(dir, 'explained.json');
    const r = await run(
      'voters',
      'score',
      '--file',
      synthetic,
      '--election',
      'GENERAL_2022-11-08',
      '--out',
      file,
      '--explain',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(j.voters).toHaveLength(ROWS);
    const f = j.voters[0].factors;
    expect(f.length).toBeGreaterThan(0);
    expect(keys(f[0])).toEqual(['contribution', 'name', 'value']);
    const abs = f.map((x: { contribution: number }) => Math.abs(x.contribution));
    expect(abs).toEqual([...abs].sort((a, b) => b - a));
    expect(j.model.ignored_election_columns).toEqual([]);
    expect(j.model.target_column_check).toBeUndefined();
  }, 60_000);

  it('answers bad arguments and malformed files with one clear message and exit 2, never a stack trace', async () => {
    const bad = (name: string, text: string) => {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const out = path.join(dir, 'x.json');
    const cases: [string[], RegExp][] = [
      [['voters'], /expected "voters score" or "voters synth"/],
      [['voters', 'rank'], /unknown command "rank"/],
      [['voters', 'score', '--election', 'GENERAL_2018-11-06', '--out', out], /--file <csv> is required/],
      [['voters', 'score', '--file', synthetic, '--out', out], /--election <TYPE_YYYY-MM-DD> is required/],
      [
        ['voters', 'score', '--file', synthetic, '--election', '2018-11-06', '--out', out],
        /--election must be <TYPE>_<YYYY-MM-DD>/,
      ],
      [
        ['voters', 'score', '--file', synthetic, '--election', 'GENERAL_2018-11-31', '--out', out],
        /--election must be/,
      ],
      [['voters', 'score', '--file', synthetic, '--election', 'GENERAL_2018-11-06'], /--out <file\.json> is required/],
      [
        ['voters', 'score', '--file', path.join(dir, 'nope.csv'), '--election', 'GENERAL_2018-11-06', '--out', out],
        /file .*nope\.csv not found/,
      ],
      [
        ['voters', 'score', '--file', synthetic, '--election', 'GENERAL_2018-11-06', '--out', '/no/such/dir/x.json'],
        /directory \/no\/such\/dir does not exist/,
      ],
      [
        ['voters', 'score', '--file', synthetic, '--election', 'GENERAL_2018-11-06', '--out', out, '--bogus'],
        /Unknown option '--bogus'/,
      ],
      [
        [
          'voters',
          'score',
          '--file',
          bad('fields.csv', 'voter_id,GENERAL_2016-11-08,GENERAL_2018-11-06\nA,1,1\nB,1\n'),
          '--election',
          'GENERAL_2020-11-03',
          '--out',
          out,
        ],
        /fields\.csv line 3: expected 3 fields \(as in the header\) but found 2/,
      ],
      [
        [
          'voters',
          'score',
          '--file',
          bad('mark.csv', 'voter_id,GENERAL_2016-11-08\nA,1\nB,7\n'),
          '--election',
          'GENERAL_2020-11-03',
          '--out',
          out,
        ],
        /mark\.csv line 3, column GENERAL_2016-11-08 \(field 2\): "7" is not a vote mark/,
      ],
      [
        [
          'voters',
          'score',
          '--file',
          bad('quote.csv', 'voter_id,GENERAL_2016-11-08\n"A,1\n'),
          '--election',
          'GENERAL_2020-11-03',
          '--out',
          out,
        ],
        /quote\.csv line 2, column voter_id \(field 1\): unterminated quoted field/,
      ],
      [
        [
          'voters',
          'score',
          '--file',
          bad('short.csv', 'voter_id,GENERAL_2016-11-08,GENERAL_2018-11-06\nA,1,1\nB,0,1\n'),
          '--election',
          'GENERAL_2020-11-03',
          '--out',
          out,
        ],
        /too little history to learn from before GENERAL_2020-11-03/,
      ],
      [
        ['voters', 'synth', '--rows', '10', '--out', path.join(dir, 'voters.csv')],
        /file name must contain "synthetic"/,
      ],
      [['voters', 'synth', '--rows', 'ten', '--out', path.join(dir, 'synthetic.csv')], /--rows must be a whole number/],
      [
        ['voters', 'synth', '--rows', '10', '--out', path.join(dir, 'synthetic.csv'), '--state', 'ZZ'],
        /no county turnout data for "ZZ"/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.err).toMatch(/^akashic: /);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('is listed in the help', async () => {
    const r = await run('--help');
    expect(r.out).toMatch(/voters score --file <csv> --election <TYPE_YYYY-MM-DD> --out <file\.json>/);
    expect(r.out).toMatch(/voters synth --rows <n> --out <file\.csv>/);
  });
});

describe('the turnout model on a synthetic file with real county turnout', () => {
  it('beats the heuristics on the held-out election and on the predicted one', () => {
    const counties = syntheticCounties(loadReferenceData(), 'NC');
    expect(counties.length).toBe(100);
    const parts: string[] = [];
    const gen = generateSyntheticVoterFile({ rows: 25_000, seed: 21, counties, write: (s) => parts.push(s) });
    // real county turnout shows through: registered-voter turnout is higher in presidential years than in midterms
    expect(gen.turnout['GENERAL_2016-11-08']!).toBeGreaterThan(gen.turnout['GENERAL_2014-11-04']! + 0.15);
    const file = parseVoterFile(parts.join(''), 'voters-synthetic.csv');
    const r = scoreTurnout(file, 'GENERAL_2020-11-03', { seed: 5 });
    const h = r.heldOut;
    expect(h.election).toBe('GENERAL_2018-11-06');
    for (const x of h.heuristics) expect(h.auc, x.name).toBeGreaterThan(x.auc + 0.03);
    expect(h.auc).toBeGreaterThan(0.8);
    // the file's own 2020 column (never read by the model) agrees
    expect(r.targetColumnAuc!).toBeGreaterThan(0.8);
  }, 120_000);
});
