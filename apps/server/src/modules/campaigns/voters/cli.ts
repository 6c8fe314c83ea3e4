/**
 * `akashic voters score` (the scoring contract) and `akashic voters synth` (a SYNTHETIC voter file for tests and the
 * demo). Bad arguments or a malformed CSV print one message naming the problem and exit 2; never a stack trace.
 */
import { closeSync, existsSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  explainVoters,
  generateSyntheticVoterFile,
  historyBefore,
  parseElectionKey,
  PERSUASION_DEFINITION,
  persuasionScores,
  scoreTurnout,
  VoterFileBuilder,
  VoterFileError,
  type VoterFile,
} from '@akashic/voters';
import { loadReferenceData } from '../../intelligence/data.js';
import { syntheticCounties } from './synthetic-counties.js';

export class VotersUsageError extends Error {}

type Out = { log: (s: string) => void; error: (s: string) => void };

export const VOTERS_USAGE = `  voters score --file <csv> --election <TYPE_YYYY-MM-DD> --out <file.json> [--explain] [--seed <n>]
                                Turnout probability (and persuasion score) for every voter in a voter file, from a
                                model trained on the file's own vote history. Reports the held-out AUC, a calibration
                                table and simple heuristics' AUCs; --explain adds each voter's top factors.
  voters synth --rows <n> --out <file.csv> [--seed <n>] [--state <XX>]
                                Write a SYNTHETIC voter file (no real person; turnout calibrated to the real county
                                turnout of a state, NC by default). The file name must contain "synthetic".`;

/** Runs `voters …`; returns the exit code. */
export async function runVotersCommand(args: string[], out: Out): Promise<number> {
  try {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'score':
        return scoreCommand(rest, out);
      case 'synth':
        return synthCommand(rest, out);
      default:
        throw new VotersUsageError(
          sub
            ? `voters: unknown command "${sub}" (expected score or synth)`
            : 'voters: expected "voters score" or "voters synth"',
        );
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (
      err instanceof VotersUsageError ||
      err instanceof VoterFileError ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))
    ) {
      out.error(`akashic: ${(err as Error).message}`);
      if (!(err instanceof VoterFileError)) out.error('Run "akashic --help" for usage.');
      return 2;
    }
    if (typeof code === 'string' && ['ENOENT', 'EACCES', 'EISDIR', 'ENOSPC', 'EROFS'].includes(code)) {
      out.error(`akashic: voters: ${(err as Error).message}`);
      return 2;
    }
    out.error(`akashic: voters failed: ${(err as Error).message}`);
    return 1;
  }
}

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>) {
  return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<
    string,
    string | boolean | undefined
  >;
}

function str(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function intArg(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new VotersUsageError(`--${name} must be a whole number (got "${v}")`);
  const x = Number(v);
  if (x < min || x > max) throw new VotersUsageError(`--${name} must be between ${min} and ${max} (got ${x})`);
  return x;
}

function outArg(v: string | undefined, what: string): string {
  if (!v) throw new VotersUsageError(`--out <${what}> is required`);
  const dir = path.dirname(path.resolve(v));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new VotersUsageError(`--out: directory ${dir} does not exist`);
  if (existsSync(v) && statSync(v).isDirectory()) throw new VotersUsageError(`--out: ${v} is a directory`);
  return v;
}

/** Reads a voter file in 4 MB pieces through the streaming parser (the whole text is never held at once). */
export function readVoterFile(file: string): VoterFile {
  const builder = new VoterFileBuilder(path.basename(file));
  const fd = openSync(file, 'r');
  try {
    const decoder = new TextDecoder('utf-8');
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      builder.push(decoder.decode(buf.subarray(0, got), { stream: true }));
    }
    builder.push(decoder.decode());
  } finally {
    closeSync(fd);
  }
  return builder.end();
}

/** Buffered writes to a file descriptor. */
class Writer {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}
  write(s: string) {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush() {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

function scoreCommand(args: string[], out: Out): number {
  const v = parse(args, {
    file: { type: 'string' },
    election: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    explain: { type: 'boolean' },
  });
  const file = str(v.file);
  const election = str(v.election);
  if (!file) throw new VotersUsageError('--file <csv> is required');
  if (!election) throw new VotersUsageError('--election <TYPE_YYYY-MM-DD> is required');
  const target = parseElectionKey(election);
  if (!target)
    throw new VotersUsageError(
      `--election must be <TYPE>_<YYYY-MM-DD> with TYPE GENERAL, PRIMARY or SPECIAL, e.g. GENERAL_2018-11-06 (got "${election}")`,
    );
  const outFile = outArg(str(v.out), 'file.json');
  const seed = intArg('seed', str(v.seed), 2024, 0, 2 ** 32 - 1);
  if (!existsSync(file)) throw new VotersUsageError(`--file: file ${file} not found`);
  if (!statSync(file).isFile()) throw new VotersUsageError(`--file: ${file} is not a file`);

  const started = Date.now();
  const voters = readVoterFile(file);
  const parsedIn = (Date.now() - started) / 1000;
  const result = scoreTurnout(voters, target.key, { seed });
  const persuasion = persuasionScores(historyBefore(voters, target.day));
  const h = result.heldOut;

  const model = {
    heldout_auc: r4(h.auc),
    features: result.importance
      .slice()
      .sort((a, b) => b.importance - a.importance)
      .map((f) => ({ name: f.name, description: f.description, importance: r4(f.importance) })),
    type: result.fitted.kind,
    heldout_election: h.election,
    heldout_voters: h.voters,
    heldout_turnout: r4(h.turnout),
    heldout_log_loss: r4(h.log_loss),
    calibration: h.calibration.map((b) => ({
      decile: b.bin,
      voters: b.n,
      predicted_min: r4(b.min),
      predicted_max: r4(b.max),
      mean_predicted: r4(b.mean_predicted),
      observed: r4(b.observed),
    })),
    candidates: h.candidates.map((c) => ({ model: c.model, heldout_auc: r4(c.auc) })),
    heuristics: h.heuristics.map((x) => ({ name: x.name, heldout_auc: r4(x.auc) })),
    model_choice:
      'gradient-boosted trees predict; the logistic regression and the blend are fitted on the same elections and compared on the held-out election',
    training_elections: result.trainingElections,
    training_rows: result.trainingRows,
    other_election_types_used: result.otherTypesUsed,
    ignored_election_columns: result.ignoredElections,
    ignored_attribute_columns: voters.ignoredColumns,
    ...(result.targetColumnAuc !== null && {
      target_column_check: {
        auc: r4(result.targetColumnAuc),
        note: `the file holds a ${target.key} column; it was never read to fit or predict, and this AUC compares the predictions with it`,
      },
    }),
    warnings: result.warnings,
    mean_turnout_probability: r4(result.probabilities.reduce((s, p) => s + p, 0) / voters.rows),
    factors:
      'contribution = change in log-odds against a baseline voter (trees: path attribution; logistic: coefficient x (x - mean))',
    persuasion: persuasion.scores
      ? { definition: PERSUASION_DEFINITION, group_switch_rates: persuasion.groupRates }
      : {
          definition: PERSUASION_DEFINITION,
          note: 'not computed: the file has no party column and no party-coded primary ballots',
        },
    ...(voters.synthetic && {
      synthetic_input: 'SYNTHETIC voter file (it has a "synthetic" column): generated data, no real voters',
    }),
    rows: voters.rows,
    seconds: { parse: r4(parsedIn), total: r4((Date.now() - started) / 1000) },
  };

  const fd = openSync(outFile, 'w');
  try {
    const w = new Writer(fd);
    w.write(`{"election":${JSON.stringify(target.key)},"voters":[`);
    const explain = v.explain === true;
    const BLOCK = 8192;
    for (let start = 0; start < voters.rows; start += BLOCK) {
      const end = Math.min(voters.rows, start + BLOCK);
      const factors = explain
        ? explainVoters(
            result,
            Uint32Array.from({ length: end - start }, (_, j) => start + j),
          )
        : null;
      for (let i = start; i < end; i++) {
        let s = `${i ? ',' : ''}{"voter_id":${JSON.stringify(voters.ids.get(i))},"turnout_probability":${r4(result.probabilities[i]!)}`;
        if (persuasion.scores) s += `,"persuasion":${r4(persuasion.scores[i]!)}`;
        if (factors)
          s += `,"factors":${JSON.stringify(factors[i - start]!.map((f) => ({ name: f.name, value: r4(f.value), contribution: r4(f.contribution) })))}`;
        w.write(s + '}');
      }
    }
    model.seconds.total = r4((Date.now() - started) / 1000);
    w.write(`],"model":${JSON.stringify(model)}}\n`);
    w.flush();
  } finally {
    closeSync(fd);
  }

  const pct = (x: number) => (100 * x).toFixed(1);
  out.log(
    `akashic: voters score ${target.key}: ${voters.rows} voters${voters.synthetic ? ' (SYNTHETIC file)' : ''}, ${result.fitted.kind} model, held-out AUC ${h.auc.toFixed(4)} on ${h.election} -> ${outFile}`,
  );
  out.log(`  heuristics on ${h.election}: ${h.heuristics.map((x) => `${x.name} ${x.auc.toFixed(4)}`).join('; ')}`);
  out.log(`  models on ${h.election}: ${h.candidates.map((c) => `${c.model} ${c.auc.toFixed(4)}`).join(', ')}`);
  out.log(
    `  calibration (decile: predicted -> observed %): ${h.calibration.map((b) => `${b.bin}: ${pct(b.mean_predicted)}->${pct(b.observed)}`).join(', ')}`,
  );
  if (result.targetColumnAuc !== null)
    out.log(
      `  the file holds ${target.key} (never read by the model): AUC of the predictions against it ${result.targetColumnAuc.toFixed(4)}`,
    );
  for (const w of result.warnings) out.log(`  warning: ${w}`);
  if (result.ignoredElections.length)
    out.log(`  election columns on or after ${target.date} ignored: ${result.ignoredElections.join(', ')}`);
  out.log(`  ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

function synthCommand(args: string[], out: Out): number {
  const v = parse(args, {
    rows: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    state: { type: 'string' },
  });
  if (str(v.rows) === undefined) throw new VotersUsageError('--rows <n> is required');
  const rows = intArg('rows', str(v.rows), 0, 1, 20_000_000);
  const file = outArg(str(v.out), 'file.csv');
  if (!path.basename(file).toLowerCase().includes('synthetic'))
    throw new VotersUsageError(
      `--out: the file name must contain "synthetic" (got "${path.basename(file)}") so that a generated file is never taken for a real one`,
    );
  const seed = intArg('seed', str(v.seed), 1, 0, 2 ** 32 - 1);
  const state = (str(v.state) ?? 'NC').toUpperCase();
  const counties = syntheticCounties(loadReferenceData(), state);
  if (counties.length === 0)
    throw new VotersUsageError(
      `--state: no county turnout data for "${state}" (use a state postal code such as NC or PA)`,
    );
  const fd = openSync(file, 'w');
  let result;
  try {
    const w = new Writer(fd);
    result = generateSyntheticVoterFile({ rows, seed, counties, write: (s) => w.write(s) });
    w.flush();
  } finally {
    closeSync(fd);
  }
  out.log(
    `akashic: wrote a SYNTHETIC voter file (no real voters): ${rows} rows, ${result.elections.length} elections, ${counties.length} ${state} counties with real county turnout, seed ${seed} -> ${file}`,
  );
  return 0;
}
