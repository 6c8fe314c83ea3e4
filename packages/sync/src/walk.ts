/**
 * A turf's walk list and progress built on the device from the replica's voters (`turfIds`) and canvass results, in
 * the server's walking order (apps/server/src/modules/campaigns/field/turfs.ts `NORM`, `WALK_KEYS`, `ORDER`):
 * households (the same normalized address and ZIP) by street, the odd side before the even side before no number,
 * house number ascending, then the household key; voters of a household by last name, first name, id. Strings
 * compare by code unit, as the server's `COLLATE "C"` does. `apps/server/test/field.test.ts` checks both give the
 * same list for the same voters.
 */
import type { CanvassResult, Household, SyncVoter, TurfProgress, WalkVoter } from '@akashic/contracts';

/** A household's walking keys from a voter's address and ZIP. */
export interface WalkKeys {
  /** The normalized address: upper case, trimmed, runs of white space as one space. */
  norm: string;
  /** The house number (leading digits, up to 9), null when the address starts with none. */
  num: number | null;
  /** The street: the address without its house number and any unit. */
  street: string;
  /** 0 odd, 1 even, 2 no number. */
  side: 0 | 1 | 2;
  /** The household key: normalized address and ZIP. */
  hh: string;
}

// PostgreSQL's `btrim(x)` trims spaces only; its `\s` is [[:space:]] (ASCII white space).
const SPACES = /[ \t\n\r\f\v]+/g;
const HOUSE_NUMBER = /^([0-9]{1,9})([^0-9]|$)/;
const NUMBER_PREFIX = /^[0-9]+[A-Z]?(-[0-9A-Z]+)? ?/;
// PostgreSQL's \m and \M are word starts and ends, with word characters [A-Za-z0-9_]: the same as \b here.
const UNIT = / ?(\b(APT|UNIT|STE|SUITE|LOT|RM)\b|#).*$/;
const trimSpaces = (s: string) => s.replace(/^ +| +$/g, '');

export function walkKeys(address: string | null, zip: string | null): WalkKeys {
  const norm = trimSpaces(address ?? '')
    .replace(SPACES, ' ')
    .toUpperCase();
  const m = HOUSE_NUMBER.exec(norm);
  const num = m ? Number(m[1]) : null;
  const street = trimSpaces(norm.replace(NUMBER_PREFIX, '').replace(UNIT, ''));
  return { norm, num, street, side: num === null ? 2 : num % 2 === 1 ? 0 : 1, hh: `${norm}|${zip ?? ''}` };
}

/** Code-unit order (the server's `COLLATE "C"` for the text it sorts by); nulls last, as PostgreSQL sorts them. */
function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

const NO_NUMBER = 2147483647;

/** The latest result per voter: by `recordedAt`, then the result's id (the server's `ORDER BY recorded_at DESC, id DESC`). */
export function latestResults(results: Iterable<CanvassResult>): Map<string, CanvassResult> {
  const latest = new Map<string, CanvassResult>();
  for (const r of results) {
    const cur = latest.get(r.voterId);
    if (!cur) {
      latest.set(r.voterId, r);
      continue;
    }
    const t = Date.parse(r.recordedAt) - Date.parse(cur.recordedAt);
    if (t > 0 || (t === 0 && r.id > cur.id)) latest.set(r.voterId, r);
  }
  return latest;
}

/** The turf's households in walking order, each voter with their latest result. */
export function walkList(
  turfId: string,
  voters: Iterable<SyncVoter>,
  latest: ReadonlyMap<string, CanvassResult>,
): Household[] {
  const byHousehold = new Map<
    string,
    { keys: WalkKeys; address: string | null; zip: string | null; voters: SyncVoter[] }
  >();
  for (const v of voters) {
    if (!v.turfIds.includes(turfId)) continue;
    const keys = walkKeys(v.address, v.zip);
    const h = byHousehold.get(keys.hh);
    if (!h) {
      byHousehold.set(keys.hh, { keys, address: v.address, zip: v.zip, voters: [v] });
      continue;
    }
    h.voters.push(v);
    // The server shows min(address) and min(zip) of the household's voters (nulls ignored).
    if (h.address === null || (v.address !== null && v.address < h.address)) h.address = v.address;
    if (h.zip === null || (v.zip !== null && v.zip < h.zip)) h.zip = v.zip;
  }
  const households = [...byHousehold.values()];
  households.sort(
    (a, b) =>
      cmp(a.keys.street, b.keys.street) ||
      a.keys.side - b.keys.side ||
      (a.keys.num ?? NO_NUMBER) - (b.keys.num ?? NO_NUMBER) ||
      cmp(a.keys.hh, b.keys.hh),
  );
  return households.map((h) => ({
    key: h.keys.hh,
    address: h.address ?? '',
    street: h.keys.street,
    houseNumber: h.keys.num,
    zip: h.zip,
    voters: h.voters
      .sort((a, b) => cmp(a.lastName, b.lastName) || cmp(a.firstName, b.firstName) || cmp(a.id, b.id))
      .map((v): WalkVoter => ({
        id: v.id,
        voterId: v.voterId,
        firstName: v.firstName,
        lastName: v.lastName,
        birthYear: v.birthYear,
        party: v.party,
        contactStatus: v.contactStatus,
        latest: latest.get(v.id) ?? null,
      })),
  }));
}

/** Doors and voters of a walk list: attempted (any result), contacted (a result with outcome contacted), remaining. */
export function walkProgress(households: readonly Household[], results: Iterable<CanvassResult>): TurfProgress {
  const attempted = new Set<string>();
  const contacted = new Set<string>();
  for (const r of results) {
    attempted.add(r.voterId);
    if (r.outcome === 'contacted') contacted.add(r.voterId);
  }
  const p = {
    doors: households.length,
    doorsAttempted: 0,
    doorsContacted: 0,
    voters: 0,
    votersAttempted: 0,
    votersContacted: 0,
  };
  for (const h of households) {
    let a = false;
    let c = false;
    for (const v of h.voters) {
      p.voters++;
      if (attempted.has(v.id)) {
        p.votersAttempted++;
        a = true;
      }
      if (contacted.has(v.id)) {
        p.votersContacted++;
        c = true;
      }
    }
    if (a) p.doorsAttempted++;
    if (c) p.doorsContacted++;
  }
  return { ...p, doorsRemaining: p.doors - p.doorsAttempted, votersRemaining: p.voters - p.votersAttempted };
}
