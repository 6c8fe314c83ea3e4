/**
 * Every check that applies to a revision on its channel, as a list of issues (with text offsets where they point at
 * something, for inline highlighting) and the metrics the editor shows beside the text.
 */
import { compileBannedTerms, type TermMatcher } from './banned-terms.js';
import { DEFAULT_DISCLAIMER_CHANNELS, type Channel } from './channels.js';
import { DEFAULT_DISCLAIMER_LEAD, findDisclaimer, type DisclaimerResult } from './disclaimer.js';
import {
  parseMergeFields,
  renderMergeFields,
  replaceMergeFields,
  type MergeField,
  type RecipientValues,
} from './merge-fields.js';
import { readability } from './readability.js';
import { analyzeSms, gsmReplacement, gsmSeptets, type SmsEncoding } from './sms.js';

export type CheckName =
  'content' | 'sms_length' | 'sms_encoding' | 'disclaimer' | 'reading_level' | 'merge_fields' | 'banned_terms';

export type Severity = 'error' | 'warning' | 'info';

export interface CheckIssue {
  check: CheckName;
  severity: Severity;
  message: string;
  /** UTF-16 offsets in the revision text. */
  start?: number;
  end?: number;
}

export interface CheckRules {
  /** The campaign's required disclaimer, e.g. "Paid for by Friends of Jane Doe". */
  disclaimer?: string;
  /** Channels that must carry it (default: ad, mail). */
  disclaimerChannels?: readonly Channel[];
  /** The organization's banned terms, or a matcher compiled from them once with `compileBannedTerms`. */
  bannedTerms?: readonly string[] | TermMatcher;
  /** The merge fields messages may use; absent, any well-formed name is accepted. */
  mergeFields?: readonly string[];
  /** Flesch–Kincaid grade above which the reading level is a warning (default 8). */
  maxGradeLevel?: number;
  /** SMS segments above which length is a warning (default 3). */
  maxSmsSegments?: number;
  /** Characters assumed for a merge field without a fallback when measuring an SMS without a recipient (default 10). */
  mergeFieldEstimate?: number;
}

export interface RevisionCheckInput {
  channel: Channel;
  text: string;
  rules?: CheckRules;
  /** One recipient's values: unfilled fields are reported and an SMS is measured as this recipient receives it. */
  recipient?: RecipientValues;
}

export interface SmsMetrics {
  encoding: SmsEncoding;
  units: number;
  segments: number;
  perSegment: number;
  remaining: number;
  /** False when merge fields were estimated rather than rendered for a recipient. */
  exact: boolean;
}

export interface RevisionMetrics {
  /** Unicode code points. */
  characters: number;
  words: number;
  sentences: number;
  gradeLevel: number | null;
  readingEase: number | null;
  /** Distinct merge field names used. */
  mergeFields: string[];
  disclaimer: DisclaimerResult['status'] | 'not_required';
  /** For the SMS channel. */
  sms?: SmsMetrics;
}

export interface RevisionCheckResult {
  issues: CheckIssue[];
  metrics: RevisionMetrics;
}

export const DEFAULT_MAX_GRADE_LEVEL = 8;
export const DEFAULT_MAX_SMS_SEGMENTS = 3;
const DEFAULT_FIELD_ESTIMATE = 10;
/** Below this many words a grade level says little, so it is reported but never warned about. */
const MIN_WORDS_FOR_GRADE = 10;

const CHANNEL_LABELS: Record<Channel, string> = {
  email: 'An email',
  sms: 'A text message',
  social: 'A social post',
  ad: 'An ad',
  mail: 'A mail piece',
  call_script: 'A call script',
  door_script: 'A door script',
};

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function checkRevision(input: RevisionCheckInput): RevisionCheckResult {
  const { channel, text, rules = {}, recipient } = input;
  const issues: CheckIssue[] = [];
  if (!text.trim()) issues.push({ check: 'content', severity: 'error', message: 'The message is empty.' });

  const parsed = parseMergeFields(text, rules.mergeFields);
  for (const p of parsed.problems) {
    issues.push({ check: 'merge_fields', severity: 'error', ...span(p), message: p.message });
  }
  const rendered = recipient && renderMergeFields(text, recipient);
  if (rendered) {
    for (const f of rendered.unfilled) {
      issues.push({
        check: 'merge_fields',
        severity: 'warning',
        ...span(f),
        message: `“${f.name}” has no value for this recipient and no fallback, so it would be sent blank (a fallback: {{${f.name}|…}}).`,
      });
    }
  }

  const matcher =
    typeof rules.bannedTerms === 'function' ? rules.bannedTerms : compileBannedTerms(rules.bannedTerms ?? []);
  for (const m of matcher(text)) {
    issues.push({
      check: 'banned_terms',
      severity: 'error',
      ...span(m),
      message: `“${m.text}” is on the organization's banned terms list (${m.term}).`,
    });
  }

  const disclaimer = checkDisclaimerRule(channel, text, rules, issues);

  // Reading level on the words people read: each merge field stands for one short word.
  const level = readability(replaceMergeFields(text, parsed.fields, () => 'name'));
  const maxGrade = rules.maxGradeLevel ?? DEFAULT_MAX_GRADE_LEVEL;
  if (level.gradeLevel !== null && level.words >= MIN_WORDS_FOR_GRADE && level.gradeLevel > maxGrade) {
    issues.push({
      check: 'reading_level',
      severity: 'warning',
      message: `Reads at grade ${level.gradeLevel} (target ${maxGrade} or below): shorter sentences and shorter words help.`,
    });
  }

  const metrics: RevisionMetrics = {
    characters: [...text].length,
    words: level.words,
    sentences: level.sentences,
    gradeLevel: level.gradeLevel,
    readingEase: level.readingEase,
    mergeFields: [...new Set(parsed.fields.map((f) => f.name))],
    disclaimer,
  };
  if (channel === 'sms') metrics.sms = checkSms(text, parsed.fields, rules, rendered?.text, issues);

  issues.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.start ?? -1) - (b.start ?? -1) ||
      (a.end ?? -1) - (b.end ?? -1),
  );
  return { issues, metrics };
}

const span = (s: { start: number; end: number }) => ({ start: s.start, end: s.end });

function checkDisclaimerRule(
  channel: Channel,
  text: string,
  rules: CheckRules,
  issues: CheckIssue[],
): RevisionMetrics['disclaimer'] {
  const required = (rules.disclaimerChannels ?? DEFAULT_DISCLAIMER_CHANNELS).includes(channel);
  const configured = rules.disclaimer?.trim() || undefined;
  if (!required && !configured) return 'not_required';
  const found = findDisclaimer(text, configured);
  const expected = configured ?? `${DEFAULT_DISCLAIMER_LEAD} …`;
  if (found.status === 'mismatched') {
    issues.push({
      check: 'disclaimer',
      severity: required ? 'error' : 'warning',
      start: found.start,
      end: found.end,
      message: configured
        ? `The disclaimer reads “${found.found}” but this campaign's is “${configured}”.`
        : `The disclaimer “${found.found}” does not say who paid for this.`,
    });
  } else if (found.status === 'missing' && required) {
    issues.push({
      check: 'disclaimer',
      severity: 'error',
      message: `${CHANNEL_LABELS[channel]} must carry the disclaimer “${expected}”.`,
    });
  }
  if (required && !configured) {
    issues.push({
      check: 'disclaimer',
      severity: 'warning',
      message:
        'This campaign has no disclaimer text set, so only “Paid for by …” is checked: set it in the campaign settings.',
    });
  }
  return required ? found.status : found.status === 'mismatched' ? 'mismatched' : 'not_required';
}

function checkSms(
  text: string,
  fields: readonly MergeField[],
  rules: CheckRules,
  /** The text as the sample recipient receives it, when there is one. */
  rendered: string | undefined,
  issues: CheckIssue[],
): SmsMetrics {
  const estimate = 'x'.repeat(rules.mergeFieldEstimate ?? DEFAULT_FIELD_ESTIMATE);
  const sent = rendered ?? replaceMergeFields(text, fields, (f) => f.fallback ?? estimate);
  const sms = analyzeSms(sent);

  // Offenders are reported where they stand in the template (merge fields are not sent as written), one issue a run.
  let run: { start: number; end: number; chars: string[] } | undefined;
  const flush = () => {
    if (!run) return;
    const chars = [...new Set(run.chars)];
    const plain = chars.map((c) => gsmReplacement(c));
    const hint = plain.every((p) => p !== undefined)
      ? ` Replace with ${plain.map((p) => `“${p}”`).join(', ')} to stay in GSM-7.`
      : '';
    issues.push({
      check: 'sms_encoding',
      severity: 'warning',
      start: run.start,
      end: run.end,
      message: `${chars.map((c) => `“${c}”`).join(', ')} switches this text to UCS-2: 70 characters a segment instead of 160.${hint}`,
    });
    run = undefined;
  };
  let offset = 0;
  let fieldIndex = 0;
  for (const ch of text) {
    while (fields[fieldIndex] && offset >= fields[fieldIndex]!.end) fieldIndex++;
    const field = fields[fieldIndex];
    const inField = field !== undefined && offset >= field.start && offset < field.end;
    if (!inField && gsmSeptets(ch) === null) {
      if (run && run.end === offset) {
        run.end += ch.length;
        run.chars.push(ch);
      } else {
        flush();
        run = { start: offset, end: offset + ch.length, chars: [ch] };
      }
    }
    offset += ch.length;
  }
  flush();
  if (sms.encoding === 'UCS-2' && !issues.some((i) => i.check === 'sms_encoding')) {
    issues.push({
      check: 'sms_encoding',
      severity: 'warning',
      message:
        rendered !== undefined
          ? 'This recipient’s merge field values switch the text to UCS-2: 70 characters a segment instead of 160.'
          : 'A merge field fallback switches the text to UCS-2: 70 characters a segment instead of 160.',
    });
  }

  const max = rules.maxSmsSegments ?? DEFAULT_MAX_SMS_SEGMENTS;
  const exact = rendered !== undefined || fields.length === 0;
  const approx = exact ? '' : ` (merge fields counted as ${estimate.length} characters)`;
  if (sms.segments > 1) {
    issues.push({
      check: 'sms_length',
      severity: sms.segments > max ? 'warning' : 'info',
      message: `Sent as ${sms.segments} segments of ${sms.perSegment} ${sms.encoding === 'GSM-7' ? 'characters' : 'UCS-2 units'}, each billed as a text${approx}${sms.segments > max ? `; keep it to ${max} or fewer` : ''}.`,
    });
  }
  return {
    encoding: sms.encoding,
    units: sms.units,
    segments: sms.segments,
    perSegment: sms.perSegment,
    remaining: sms.remaining,
    exact,
  };
}
