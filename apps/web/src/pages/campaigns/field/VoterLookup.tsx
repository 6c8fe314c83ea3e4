/**
 * Voter lookup within the member's turfs, over the voters their device keeps (the replica): by name, address or
 * voter id, with no signal needed. Choosing a voter jumps to their row on their turf's walk list.
 */
import type { SyncVoter } from '@akashic/contracts';
import type { Replica } from '@akashic/sync';
import { useId, useMemo, useState } from 'react';

const MAX_SHOWN = 20;

const nameOf = (v: SyncVoter) => [v.firstName, v.lastName].filter(Boolean).join(' ') || v.voterId;

/** Voters whose name, address or voter id hold every word of `query` (any case), those on `turfId` first. */
export function findVoters(voters: readonly SyncVoter[], query: string, turfId?: string): SyncVoter[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const found = voters.filter((v) => {
    if (!v.turfIds.length) return false;
    const text = [v.firstName, v.lastName, v.voterId, v.address, v.city, v.zip].join(' ').toLowerCase();
    return words.every((w) => text.includes(w));
  });
  if (turfId) found.sort((a, b) => Number(b.turfIds.includes(turfId)) - Number(a.turfIds.includes(turfId)));
  return found;
}

export function VoterLookup({
  replica,
  version,
  turfId,
  onPick,
}: {
  replica: Replica;
  /** The replica's change counter: the list is read again when it moves. */
  version: number;
  /** The turf on screen: its voters are listed first. */
  turfId?: string;
  onPick: (voter: SyncVoter) => void;
}) {
  const id = useId();
  const [query, setQuery] = useState('');
  // `version` stands for the replica's content: read again when it moves.
  const voters = useMemo(() => replica.list('voter'), [replica, version]);
  const turfNames = useMemo(() => new Map(replica.list('turf').map((t) => [t.id, t.name])), [replica, version]);
  const found = useMemo(() => findVoters(voters, query, turfId), [voters, query, turfId]);
  return (
    <div className="voter-lookup" role="search">
      <div className="field">
        <label htmlFor={`${id}-q`}>Find a voter on your turfs</label>
        <input
          id={`${id}-q`}
          type="search"
          value={query}
          autoComplete="off"
          placeholder="Name, address or voter id"
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      {query.trim() && (
        <>
          <p className="muted" role="status">
            {found.length === 0
              ? 'No voter on your turfs matches.'
              : found.length > MAX_SHOWN
                ? `${found.length} voters match; the first ${MAX_SHOWN} are shown.`
                : `${found.length} voter${found.length === 1 ? '' : 's'} match.`}
          </p>
          <ul className="lookup-results">
            {found.slice(0, MAX_SHOWN).map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className="lookup-result"
                  onClick={() => {
                    setQuery('');
                    onPick(v);
                  }}
                >
                  <span className="walk-voter-name">{nameOf(v)}</span>
                  <span className="walk-voter-meta">
                    {[v.address, v.voterId, ...v.turfIds.map((t) => turfNames.get(t))].filter(Boolean).join(' · ')}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
