/**
 * The voter-file engine without Node: parsing (RFC 4180, chunk boundaries, errors by line and column), the leakage
 * guard, AUC against its definition, the two model families, persuasion and the synthetic generator.
 * The end-to-end model-vs-heuristics test on a synthetic file with real county turnout is in the server
 * (apps/server/src/modules/campaigns/voters/voters.test.ts), next to the CLI contract.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auc,
  calibrationTable,
  computeFeatures,
  createRng,
  FEATURE_COUNT,
  FEATURES,
  featureContext,
  featureIndex,
  fitGbdt,
  fitLogistic,
  gbdtContributions,
  gbdtScore,
  gbdtScoreBlock,
  generateSyntheticVoterFile,
  historyBefore,
  logisticContributions,
  logisticScore,
  parseElectionKey,
  parseVoterFile,
  persuasionScores,
  scoreTurnout,
  VoterFileBuilder,
  VoterFileError,
  type SyntheticCounty,
  type VoterFile,
} from '../src/index.js';

const HEADER =
  'voter_id,birth_year,registration_ym,zip,precinct,party,GENERAL_2016-11-08,PRIMARY_2018-05-08,GENERAL_2014-11-04';

function parseError(text: string): string {
  try {
    parseVoterFile(text, 'f.csv');
  } catch (e) {
    expect(e).toBeInstanceOf(VoterFileError);
    return (e as Error).message;
  }
  throw new Error('expected a VoterFileError');
}

/** Every field of a parsed file, for comparing two parses. */
function snapshot(f: VoterFile) {
  return {
    rows: f.rows,
    ids: Array.from({ length: f.rows }, (_, i) => f.ids.get(i)),
    elections: f.elections.map((e) => e.key),
    votes: f.votes.map((v) => Array.from(v)),
    ballots: f.ballots,
    birth: f.birthYear && Array.from(f.birthYear),
    reg: f.registration && Array.from(f.registration),
    party: f.party && { codes: Array.from(f.party.codes), values: f.party.values },
    zip: f.zip && { codes: Array.from(f.zip.codes), values: f.zip.values },
    ignored: f.ignoredColumns,
  };
}

describe('voter file parsing', () => {
  it('reads ids, attributes and vote marks into columns, elections sorted by date', () => {
    const f = parseVoterFile(
      [
        HEADER,
        'A1,1950,2001-03,27514,P-01,DEM,X,DEM,1',
        'A2,,201805,27514,P-02,una,0,,',
        'A3,1999-07-04,2018-06-15,27515,P-01,REP, x ,rep,0',
        'A4,1980.0,06/2010,,,,1,REP, ',
      ].join('\n'),
    );
    expect(f.rows).toBe(4);
    expect([0, 1, 2, 3].map((i) => f.ids.get(i))).toEqual(['A1', 'A2', 'A3', 'A4']);
    expect(f.elections.map((e) => e.key)).toEqual(['GENERAL_2014-11-04', 'GENERAL_2016-11-08', 'PRIMARY_2018-05-08']);
    const [g14, g16, p18] = f.votes;
    expect(Array.from(g14!)).toEqual([1, 0, 0, 0]);
    expect(Array.from(g16!)).toEqual([1, 0, 1, 1]);
    expect(f.ballots).toEqual(['DEM', 'REP']);
    expect(Array.from(p18!)).toEqual([2, 0, 3, 3]); // 2 + index of the ballot
    expect(Array.from(f.birthYear!)).toEqual([1950, 0, 1999, 1980]);
    expect(Array.from(f.registration!)).toEqual([2001 * 12 + 2, 2018 * 12 + 4, 2018 * 12 + 5, 2010 * 12 + 5]);
    expect(f.party!.values).toEqual(['DEM', 'UNA', 'REP']);
    expect(Array.from(f.zip!.codes)).toEqual([1, 1, 2, 0]);
    expect(f.synthetic).toBe(false);
  });

  it('follows RFC 4180: quoted commas, doubled quotes, newlines in quotes, CRLF, BOM, blank lines', () => {
    const text =
      '\ufeffvoter_id,name,GENERAL_2016-11-08,GENERAL_2018-11-06\r\n' +
      '"A,1","Smith, ""Jo""",X,\r\n' +
      '\r\n' +
      'A2,"two\nlines",,1\r\n' +
      '"A3",,"1","0"';
    const f = parseVoterFile(text);
    expect(f.rows).toBe(3);
    expect(f.ids.get(0)).toBe('A,1');
    expect(f.ids.get(2)).toBe('A3');
    expect(Array.from(f.votes[0]!)).toEqual([1, 0, 1]);
    expect(Array.from(f.votes[1]!)).toEqual([0, 1, 0]);
    expect(f.ignoredColumns).toEqual(['name']);
  });

  it('gives the same columns however the text is split into chunks (property)', () => {
    const text =
      'voter_id,note,GENERAL_2016-11-08,PRIMARY_2016-03-15\r\n' +
      '"V""1","a, ""b""\r\nc",X,DEM\r\n' +
      'V2,,,\r\n' +
      'V3,"",1,REP\n' +
      '"V4","x",0,"GRN"\r\n';
    const whole = snapshot(parseVoterFile(text));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const b = new VoterFileBuilder();
        let at = 0;
        for (const p of points) {
          b.push(text.slice(at, p));
          at = p;
        }
        b.push(text.slice(at));
        expect(snapshot(b.end())).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('names the line and column of malformed input', () => {
    expect(parseError(`${HEADER}\nA1,1950,2001-03,1,P,DEM,X,DEM`)).toBe(
      'f.csv line 2: expected 9 fields (as in the header) but found 8',
    );
    expect(parseError(`${HEADER}\nA1,1950,2001-03,1,P,DEM,2,DEM,1`)).toMatch(
      /^f\.csv line 2, column GENERAL_2016-11-08 \(field 7\): "2" is not a vote mark/,
    );
    expect(parseError(`${HEADER}\nA1,19x0,2001-03,1,P,DEM,X,DEM,1`)).toMatch(
      /^f\.csv line 2, column birth_year \(field 2\): "19x0" is not a birth year/,
    );
    expect(parseError(`${HEADER}\nA1,1950,2001-13,1,P,DEM,X,DEM,1`)).toMatch(
      /line 2, column registration_ym \(field 3\): "2001-13" is not a registration month/,
    );
    expect(parseError(`${HEADER}\nA1,1950,2001-03,1,P,DEM,X,DEM,1\nA1,1951,2001-03,1,P,DEM,X,DEM,1`)).toBe(
      'f.csv line 3, column voter_id (field 1): voter_id "A1" appears again (first on line 2)',
    );
    expect(parseError(`${HEADER}\n,1950,2001-03,1,P,DEM,X,DEM,1`)).toMatch(
      /line 2, column voter_id .*: voter_id is empty/,
    );
    // the line of a record counts the newlines inside earlier quoted fields
    expect(parseError('voter_id,n,GENERAL_2016-11-08\nA,"x\ny\nz",1\nB,ab"c,1')).toBe(
      'f.csv line 5, column n (field 2): unexpected quote inside an unquoted field',
    );
    expect(parseError('voter_id,GENERAL_2016-11-08\nA,1\n"B,1\nC,0\n')).toBe(
      'f.csv line 3, column voter_id (field 1): unterminated quoted field (a " is never closed)',
    );
    expect(parseError('voter_id,GENERAL_2016-11-08\n"A"x,1')).toMatch(
      /line 2, column voter_id .*: unexpected character after a closing quote/,
    );
  });

  it('rejects headers that break the contract', () => {
    expect(parseError('')).toBe('f.csv: the file is empty (no header row)');
    expect(parseError('voter_id,GENERAL_2016-11-08\n')).toBe('f.csv: the file has a header but no voter rows');
    expect(parseError('id,GENERAL_2016-11-08\n1,1')).toMatch(
      /^f\.csv line 1: the header has no voter_id column \(found: id, GENERAL_2016-11-08\)/,
    );
    expect(parseError('voter_id,party\n1,DEM')).toMatch(/the header has no election columns/);
    expect(parseError('voter_id,GENERAL_2016\n1,1')).toMatch(
      /column "GENERAL_2016" looks like an election but is not <TYPE>_<YYYY-MM-DD>/,
    );
    expect(parseError('voter_id,GENERAL_2018-02-30\n1,1')).toMatch(/GENERAL_2018-02-30" looks like an election/);
    expect(parseError('voter_id,GENERAL_2016-11-08,general_2016-11-08\n1,1,1')).toMatch(
      /appears twice \(fields 2 and 3\)/,
    );
  });

  it('keeps every voter id across storage segments and finds a duplicate far from its first occurrence', () => {
    const lines = ['voter_id,GENERAL_2016-11-08'];
    for (let i = 0; i < 150_000; i++) lines.push(`VOTER-${i},${i % 3 === 0 ? 'X' : ''}`);
    const f = parseVoterFile(lines.join('\n'));
    expect(f.rows).toBe(150_000);
    for (const i of [0, 1, 99_999, 100_000, 123_456, 149_999]) expect(f.ids.get(i)).toBe(`VOTER-${i}`);
    expect(parseError([...lines, 'VOTER-17,1'].join('\n'))).toBe(
      'f.csv line 150002, column voter_id (field 1): voter_id "VOTER-17" appears again (first on line 19)',
    );
  });

  it('parses election keys strictly', () => {
    expect(parseElectionKey('general_2018-11-06')).toMatchObject({ key: 'GENERAL_2018-11-06', year: 2018 });
    expect(parseElectionKey('RUNOFF_2018-12-01')).toBeNull();
    expect(parseElectionKey('GENERAL_2018-11-31')).toBeNull();
    expect(parseElectionKey('GENERAL_18-11-06')).toBeNull();
  });
});

const COUNTIES: SyntheticCounty[] = [
  {
    fips: '99001',
    population: 60_000,
    presidentialTurnout: { 2008: 0.62, 2012: 0.6, 2016: 0.61, 2020: 0.67 },
    demShare: 0.55,
    bachelors: 0.35,
  },
  {
    fips: '99003',
    population: 30_000,
    presidentialTurnout: { 2008: 0.5, 2012: 0.48, 2016: 0.52, 2020: 0.58 },
    demShare: 0.35,
    bachelors: 0.18,
  },
  {
    fips: '99005',
    population: 10_000,
    presidentialTurnout: { 2008: 0.7, 2012: 0.69, 2016: 0.7, 2020: 0.74 },
    demShare: 0.62,
    bachelors: 0.45,
  },
];

function synthetic(rows: number, seed = 7, keepTruth?: string) {
  const parts: string[] = [];
  const result = generateSyntheticVoterFile({ rows, seed, counties: COUNTIES, keepTruth, write: (s) => parts.push(s) });
  return { text: parts.join(''), result };
}

describe('synthetic voter files', () => {
  it('are seeded, labelled synthetic and parse under the contract', () => {
    const a = synthetic(3000, 5);
    expect(synthetic(3000, 5).text).toBe(a.text);
    expect(synthetic(3000, 6).text).not.toBe(a.text);
    const f = parseVoterFile(a.text);
    expect(f.rows).toBe(3000);
    expect(f.synthetic).toBe(true);
    expect(f.ids.get(0)).toMatch(/^SYN\d{8}$/);
    expect(f.elections).toHaveLength(16);
  });

  it("calibrate each county's turnout to its given rate", () => {
    const { text } = synthetic(30_000, 3);
    const f = parseVoterFile(text);
    const k = f.elections.findIndex((e) => e.key === 'GENERAL_2020-11-03');
    const county = f.county!;
    for (const c of COUNTIES) {
      const code = county.values.indexOf(c.fips) + 1;
      let v = 0;
      let n = 0;
      for (let i = 0; i < f.rows; i++) {
        if (county.codes[i] !== code) continue;
        const reg = f.registration![i]!;
        if (reg > f.elections[k]!.month) continue;
        n++;
        v += f.votes[k]![i]! > 0 ? 1 : 0;
      }
      // registered-voter turnout = VEP turnout / 0.88, within sampling error
      expect(v / n).toBeCloseTo(Math.min(0.95, c.presidentialTurnout[2020]! / 0.88), 1);
    }
  });
});

describe('leakage guard', () => {
  const { text } = synthetic(4000, 11);
  const file = parseVoterFile(text);

  it('features for election E never read E or any later column', () => {
    for (const key of ['GENERAL_2016-11-08', 'PRIMARY_2018-05-08', 'GENERAL_2020-11-03']) {
      const e = parseElectionKey(key)!;
      const features = (f: VoterFile) => {
        const out = new Float32Array(f.rows * FEATURE_COUNT);
        computeFeatures(featureContext(historyBefore(f, e.day), e), null, out);
        return out;
      };
      const before = features(file);
      // scramble every column dated on or after E
      const rng = createRng(1);
      const scrambled: VoterFile = {
        ...file,
        votes: file.votes.map((col, k) =>
          file.elections[k]!.day >= e.day ? Uint8Array.from(col, () => (rng.next() < 0.5 ? 1 : 0)) : col,
        ),
      };
      expect(features(scrambled)).toEqual(before);
      // and the features do depend on the earlier columns (the check above could not pass vacuously)
      const earlier: VoterFile = {
        ...file,
        votes: file.votes.map((col, k) => (file.elections[k]!.day < e.day ? new Uint8Array(col.length) : col)),
      };
      expect(features(earlier)).not.toEqual(before);
    }
  });

  it('refuses a history view that holds the predicted election or a later one', () => {
    const e = parseElectionKey('GENERAL_2016-11-08')!;
    expect(() => featureContext(historyBefore(file, e.day + 1), e)).toThrow(/feature leakage/);
  });

  it('without the comparison (an import) gives the same probabilities and held-out figures, fitting one model', () => {
    const key = 'GENERAL_2018-11-06';
    for (const model of ['gbdt', 'blend'] as const) {
      const a = scoreTurnout(file, key, { seed: 3, model });
      const b = scoreTurnout(file, key, { seed: 3, model, compare: false });
      expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities));
      const { candidates, heuristics, ...held } = b.heldOut;
      const { candidates: allCandidates, heuristics: _h, ...heldAll } = a.heldOut;
      // AUC, log loss, calibration table, electorate and turnout of the held-out election
      expect(held).toEqual(heldAll);
      expect(allCandidates).toHaveLength(3);
      expect(candidates).toEqual([{ model, auc: allCandidates.find((c) => c.model === model)!.auc }]);
      expect(heuristics).toEqual([]);
      expect(a.heldOut.heuristics.length).toBeGreaterThan(0);
      expect(b.importance).toEqual([]);
      expect(b.fitted.logistic === null).toBe(model === 'gbdt');
    }
  });

  it('scores never depend on the target column or later ones', () => {
    const key = 'GENERAL_2018-11-06';
    const day = parseElectionKey(key)!.day;
    const a = scoreTurnout(file, key, { seed: 3 });
    const b = scoreTurnout(
      { ...file, votes: file.votes.map((c, k) => (file.elections[k]!.day >= day ? c.map(() => 0) : c)) },
      key,
      { seed: 3 },
    );
    expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities));
    expect(a.ignoredElections).toEqual([
      'GENERAL_2018-11-06',
      'SPECIAL_2019-11-05',
      'PRIMARY_2020-03-03',
      'GENERAL_2020-11-03',
    ]);
    expect(a.heldOut.election).toBe('GENERAL_2016-11-08');
    expect(a.trainingElections).toEqual([
      'GENERAL_2010-11-02',
      'GENERAL_2012-11-06',
      'GENERAL_2014-11-04',
      'GENERAL_2016-11-08',
    ]);
  });
});

describe('metrics', () => {
  const bruteAuc = (s: number[], y: number[]) => {
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < s.length; i++)
      for (let j = 0; j < s.length; j++)
        if (y[i] === 1 && y[j] === 0) {
          pairs++;
          sum += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
        }
    return sum / pairs;
  };

  it('AUC equals the pairwise definition, ties counting one half (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()), { minLength: 2, maxLength: 60 }),
        (rows) => {
          const s = rows.map((r) => r[0] / 6);
          const y = rows.map((r) => (r[1] ? 1 : 0));
          if (!y.includes(1) || !y.includes(0)) expect(auc(s, y)).toBeNaN();
          else expect(auc(s, y)).toBeCloseTo(bruteAuc(s, y), 12);
        },
      ),
      { numRuns: 500 },
    );
    expect(auc([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.1, 0.2, 0.3, 0.4], [1, 1, 0, 0])).toBe(0);
    expect(auc([0.5, 0.5, 0.5], [1, 0, 1])).toBe(0.5);
  });

  it('calibration deciles cover every row once and keep equal predictions in one bin', () => {
    const rng = createRng(2);
    const p = Array.from({ length: 1000 }, () => Math.round(rng.next() * 20) / 20);
    const y = p.map((x) => (rng.next() < x ? 1 : 0));
    const t = calibrationTable(p, y);
    expect(t.reduce((s, b) => s + b.n, 0)).toBe(1000);
    for (let b = 1; b < t.length; b++) expect(t[b]!.min).toBeGreaterThan(t[b - 1]!.max);
    const mean = p.reduce((s, x) => s + x, 0) / p.length;
    expect(t.reduce((s, b) => s + b.n * b.mean_predicted, 0) / 1000).toBeCloseTo(mean, 10);
  });
});

describe('models', () => {
  // y depends on an interaction of two features that no single feature shows on its own
  const F = FEATURE_COUNT;
  const n = 6000;
  const rng = createRng(9);
  const X = new Float32Array(n * F);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < F; f++) X[r * F + f] = rng.next() < 0.5 ? 1 : 0;
    const a = X[r * F + 2]!;
    const b = X[r * F + 5]!;
    const logit = (a === b ? 1.5 : -1.5) + 0.8 * X[r * F + 9]!;
    y[r] = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const train = all.subarray(0, 4000);
  const valid = all.subarray(4000, 5000);
  const test = all.subarray(5000);
  const labels = y.subarray(5000);

  it('boosted trees learn an interaction, and per-feature contributions add up to the score', () => {
    const g = fitGbdt(X, y, F, train, valid, { seed: 1 });
    const s = Array.from(test, (r) => gbdtScore(g, X, r));
    expect(auc(s, labels)).toBeGreaterThan(0.75);
    const c = new Float64Array(F);
    for (const r of test.subarray(0, 50)) {
      const base = gbdtContributions(g, X, r, c);
      expect(base + c.reduce((a, b) => a + b, 0)).toBeCloseTo(gbdtScore(g, X, r), 9);
    }
    // the interacting features carry the gain; noise features carry little
    expect(g.gain[2]! + g.gain[5]!).toBeGreaterThan(5 * g.gain[12]!);
  });

  it('learns from the last of many features (histogram cells past 65,536)', () => {
    // 160 features × 255 bins: the cells of the later features lie beyond a 16-bit index
    const wide = 160;
    const m = 3000;
    const r2 = createRng(21);
    const Xw = new Float32Array(m * wide);
    const yw = new Uint8Array(m);
    for (let r = 0; r < m; r++) {
      for (let f = 0; f < wide; f++) Xw[r * wide + f] = r2.next();
      yw[r] = Xw[r * wide + wide - 1]! > 0.5 ? 1 : 0;
    }
    const rows = Uint32Array.from({ length: m }, (_, i) => i);
    const g = fitGbdt(Xw, yw, wide, rows.subarray(0, 2000), rows.subarray(2000, 2500), { seed: 3, maxBins: 255 });
    const held = rows.subarray(2500);
    expect(
      auc(
        Array.from(held, (r) => gbdtScore(g, Xw, r)),
        yw.subarray(2500),
      ),
    ).toBeGreaterThan(0.98);
  });

  it('scores a block of rows exactly as row by row (the same sums, bit for bit)', () => {
    const g = fitGbdt(X, y, F, train, valid, { seed: 4 });
    expect(g.rounds).toBeGreaterThan(5);
    const out = new Float64Array(n + 3).fill(NaN);
    gbdtScoreBlock(g, X, n, out);
    for (let r = 0; r < n; r++) expect(out[r]).toBe(gbdtScore(g, X, r));
    // rows past the block are left alone
    expect(Number.isNaN(out[n])).toBe(true);
    // a block starting elsewhere in the matrix
    const part = new Float64Array(7);
    gbdtScoreBlock(g, X.subarray(100 * F), 7, part);
    for (let r = 0; r < 7; r++) expect(part[r]).toBe(gbdtScore(g, X, 100 + r));
  });

  it('logistic regression contributions are coefficient x (x - mean) and add up to the score', () => {
    const m = fitLogistic(X, y, F, train);
    const c = new Float64Array(F);
    for (const r of test.subarray(0, 50)) {
      const intercept = logisticContributions(m, X, r, c);
      expect(intercept + c.reduce((a, b) => a + b, 0)).toBeCloseTo(logisticScore(m, X, r), 9);
    }
    // it finds the main effect of feature 9 but cannot see the interaction
    const j = featureIndex(FEATURES[9]!.name);
    const col = m.columns.indexOf(FEATURES[j]!.name);
    expect(m.beta[col + 1]!).toBeGreaterThan(0.2);
    const s = Array.from(test, (r) => logisticScore(m, X, r));
    expect(auc(s, labels)).toBeLessThan(0.7);
  });
});

describe('persuasion', () => {
  const rows = [
    'voter_id,party,PRIMARY_2012-05-08,PRIMARY_2014-05-06,PRIMARY_2016-03-15,PRIMARY_2018-05-08,GENERAL_2018-11-06',
    'loyal,DEM,DEM,DEM,DEM,DEM,1',
    'switcher,DEM,REP,DEM,REP,DEM,1',
    'una-none,UNA,,,,,1',
    'rep-none,REP,,,,,1',
  ];

  it('ranks a switching record above a consistent one, with group priors for voters without ballots', () => {
    const f = parseVoterFile(rows.join('\n'));
    const p = persuasionScores(f);
    const [loyal, switcher, una, rep] = Array.from(p.scores!);
    expect(switcher!).toBeGreaterThan(0.8);
    expect(loyal!).toBeLessThan(0.15);
    expect(una!).toBeGreaterThan(rep!);
    expect(p.groupRates.D!.from).toBe('default'); // too few choices in this file to learn a rate
  });

  it('is not computed when the file holds no party information', () => {
    const f = parseVoterFile('voter_id,GENERAL_2016-11-08,PRIMARY_2018-05-08\nA,1,1\nB,0,X');
    expect(persuasionScores(f).scores).toBeNull();
  });
});
