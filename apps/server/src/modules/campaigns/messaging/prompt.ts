/**
 * The prompt for AI-assisted drafting: who the campaign is (name, type, jurisdiction, election date), who the
 * audience version speaks to, and what the channel and the organization's rules demand (SMS length and encoding,
 * the required disclaimer, reading level, merge fields, banned terms) — the same rules the checks enforce afterwards.
 */
import type { Campaign } from '@akashic/contracts';
import { STATE_BY_FIPS, STATE_BY_POSTAL } from '@akashic/forecast';
import {
  DEFAULT_DISCLAIMER_CHANNELS,
  DEFAULT_DISCLAIMER_LEAD,
  DEFAULT_MAX_GRADE_LEVEL,
  SMS_LIMITS,
  type Channel,
  type CheckRules,
} from '@akashic/messaging';
import type { ChatMessage } from './ai.js';

export type AudienceKind = 'base' | 'region' | 'demographic' | 'segment';

export interface AudienceProfile {
  /** `base` is the message's base version, for everyone. */
  kind: AudienceKind;
  /** e.g. "Greater Appalachia", "Voters 18–29", "Persuadable suburban women". */
  name: string;
  /** What the team knows about them: concerns, tone that works, facts about the place. */
  description?: string;
}

export interface DraftPromptInput {
  campaign: Pick<Campaign, 'name' | 'type' | 'jurisdiction' | 'electionDate'>;
  /** How the jurisdiction reads when the caller has names for it (county names); otherwise built from its codes. */
  jurisdictionLabel?: string;
  audience: AudienceProfile;
  channel: Channel;
  /** The campaign's and organization's rules (disclaimer, banned terms, merge fields, grade level, SMS segments). */
  rules?: Omit<CheckRules, 'bannedTerms'> & { bannedTerms?: readonly string[] };
  /** What the writer asks for. */
  request: string;
  /** The revision to rework, when there is one. */
  currentText?: string;
  /** Today (YYYY-MM-DD), to say how far away the election is. */
  today?: string;
}

const TYPE_LABELS: Record<DraftPromptInput['campaign']['type'], string> = {
  presidential: 'presidential',
  senate: 'U.S. Senate',
  house: 'U.S. House',
  governor: 'governor',
  state_legislative: 'state legislative',
  local: 'local',
  ballot_measure: 'ballot measure',
};

const AUDIENCE_LABELS: Record<AudienceKind, string> = {
  base: 'General audience (the base version)',
  region: 'Region (American Nations)',
  demographic: 'Demographic group',
  segment: 'Voter segment',
};

const CHANNEL_GUIDANCE: Record<Channel, string> = {
  email: 'An email body: a personal opening, one clear ask and one call to action.',
  sms: 'A text message: short, personal, one ask.',
  social: 'A social media post: direct, shareable, no hashtag clutter.',
  ad: 'Ad copy: a headline-strength first line and a clear call to action.',
  mail: 'Direct mail copy: a strong headline and short paragraphs a reader can skim.',
  call_script: 'A phone script a volunteer reads aloud: greeting, ask, and what to say if the voter is undecided.',
  door_script: 'A door-to-door canvassing script: a short, conversational introduction, the ask and a thank-you.',
};

const stateName = (postal: string) => STATE_BY_POSTAL.get(postal)?.name ?? postal;

export function describeJurisdiction(j: DraftPromptInput['campaign']['jurisdiction']): string {
  switch (j.kind) {
    case 'state':
      return stateName(j.state);
    case 'district':
      return `district ${j.district} of ${stateName(j.state)}`;
    case 'counties': {
      const n = j.counties.length;
      const states = [
        ...new Set(j.counties.map((fips) => STATE_BY_FIPS.get(fips.slice(0, 2))?.name ?? fips.slice(0, 2))),
      ];
      const codes = j.counties.slice(0, 10).join(', ') + (n > 10 ? ', …' : '');
      return `${n} ${n === 1 ? 'county' : 'counties'} in ${states.join(' and ')} (FIPS ${codes})`;
    }
  }
}

function daysUntil(electionDate: string, today: string): number {
  return Math.round((Date.parse(`${electionDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** The system and user messages for one drafting request. */
export function buildDraftPrompt(input: DraftPromptInput): ChatMessage[] {
  const { campaign, audience, channel, rules = {} } = input;
  const where = input.jurisdictionLabel?.trim() || describeJurisdiction(campaign.jurisdiction);
  let when = `Election day: ${campaign.electionDate}`;
  if (input.today) {
    const days = daysUntil(campaign.electionDate, input.today);
    when += days > 0 ? ` (${days} days away).` : days === 0 ? ' (today).' : ' (already past).';
  } else when += '.';

  const profile = [`Audience: ${AUDIENCE_LABELS[audience.kind]}: ${audience.name}.`];
  if (audience.description?.trim()) profile.push(`About this audience: ${audience.description.trim()}`);

  const constraints: string[] = [CHANNEL_GUIDANCE[channel]];
  if (channel === 'sms') {
    const { single } = SMS_LIMITS['GSM-7'];
    constraints.push(
      `Keep it within ${single} characters so it is sent as one SMS segment. Use plain characters only: no emoji, ` +
        `curly quotes, long dashes or ellipsis characters (any of them switches the text to UCS-2, ${SMS_LIMITS['UCS-2'].single} characters a segment).`,
    );
  }
  const disclaimerChannels = rules.disclaimerChannels ?? DEFAULT_DISCLAIMER_CHANNELS;
  if (disclaimerChannels.includes(channel)) {
    const text = rules.disclaimer?.trim();
    constraints.push(
      text
        ? `End with this disclaimer, word for word: "${text}"`
        : `End with a "${DEFAULT_DISCLAIMER_LEAD} …" disclaimer naming the committee.`,
    );
  }
  constraints.push(
    `Write at a US grade ${rules.maxGradeLevel ?? DEFAULT_MAX_GRADE_LEVEL} reading level or below: short sentences, everyday words.`,
  );
  if (rules.mergeFields?.length) {
    const fields = rules.mergeFields.map((f) => `{{${f}}}`).join(', ');
    const first = rules.mergeFields[0];
    constraints.push(
      `You may personalize with these merge fields, written exactly so: ${fields}. ` +
        `Give a fallback for values a recipient may lack, e.g. {{${first}|friend}}. Use no other {{…}} fields.`,
    );
  } else {
    constraints.push('Do not use merge fields or any {{…}} placeholders.');
  }
  if (rules.bannedTerms?.length) {
    constraints.push(`Never use these words or phrases: ${rules.bannedTerms.map((t) => `"${t}"`).join(', ')}.`);
  }
  constraints.push('Be truthful: do not invent endorsements, statistics, quotes or events.');

  const system = [
    `You draft campaign messages for ${campaign.name}, a ${TYPE_LABELS[campaign.type]} campaign in ${where}.`,
    when,
    ...profile,
    '',
    `Channel: ${channel.replace('_', ' ')}.`,
    ...constraints.map((c) => `- ${c}`),
    '',
    'Reply with the message text only: no title, no preamble, no notes.',
  ].join('\n');

  const user = input.currentText?.trim()
    ? `${input.request.trim()}\n\nThe current draft:\n"""\n${input.currentText}\n"""`
    : input.request.trim();
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
