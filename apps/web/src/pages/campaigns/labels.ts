/** Labels and formats for the campaign pages: types, campaign roles, jurisdictions and money (whole cents). */
import type { CampaignRole, CampaignType, Jurisdiction } from '@akashic/contracts';

export const CAMPAIGNS_PATH = '/campaigns/list';

export const TYPE_LABELS: Record<CampaignType, string> = {
  presidential: 'Presidential',
  senate: 'U.S. Senate',
  house: 'U.S. House',
  governor: 'Governor',
  state_legislative: 'State legislative',
  local: 'Local',
  ballot_measure: 'Ballot measure',
};

export const CAMPAIGN_ROLE_LABELS: Record<CampaignRole, string> = {
  manager: 'Manager',
  communications: 'Communications',
  field: 'Field',
  finance: 'Finance',
  analyst: 'Analyst',
  volunteer: 'Volunteer',
};

export const CAMPAIGN_ROLE_HELP: Record<CampaignRole, string> = {
  manager: 'Runs the campaign: its details, team and budget.',
  communications: 'Reads the campaign.',
  field: 'Reads the campaign.',
  finance: 'Keeps the budget: budget lines and spend.',
  analyst: 'Reads the campaign.',
  volunteer: 'Reads the campaign.',
};

export function jurisdictionLabel(j: Jurisdiction, stateNames?: ReadonlyMap<string, string>): string {
  const state = (s: string) => stateNames?.get(s) ?? s;
  switch (j.kind) {
    case 'state':
      return state(j.state);
    case 'district':
      return `${state(j.state)}, district ${j.district}`;
    case 'counties':
      return `${j.counties.length} ${j.counties.length === 1 ? 'county' : 'counties'}`;
  }
}

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const wholeDollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** 123456 → "$1,234.56"; `whole` drops the cents. */
export const money = (cents: number, whole = false) => (whole ? wholeDollars : dollars).format(cents / 100);

/** "1,234.56" or "$1234" typed by a person → whole cents; NaN when it is not an amount. */
export function parseCents(text: string): number {
  const t = text.replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{0,2})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 100);
}

/** Cents as the plain amount an input shows: 123456 → "1234.56". */
export const centsInput = (cents: number) => (cents / 100).toFixed(2);
