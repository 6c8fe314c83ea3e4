/** The vote goal: the goal in force, where it comes from, the interval and inputs behind it, or why there is none. */
import type { VoteGoal } from '@akashic/contracts';
import { Panel } from '../../components/layout';
import { int, pct } from '../forecasts/format';

export function VoteGoalPanel({ goal: g }: { goal: VoteGoal }) {
  const f = g.forecast;
  return (
    <Panel
      title="Vote goal"
      description={
        g.source === 'manual'
          ? 'Set by hand (a manual override).'
          : g.source === 'forecast'
            ? 'From the turnout forecast of the jurisdiction.'
            : 'No goal yet.'
      }
    >
      <dl className="headline">
        <div className="headline-figure">
          <dt className="headline-label">Votes to win</dt>
          <dd>
            <strong>{g.goal === null ? '—' : int(g.goal)}</strong>
          </dd>
        </div>
        {f && (
          <>
            <Figure
              label={g.source === 'manual' ? 'Forecast goal (80% interval)' : '80% interval'}
              value={g.source === 'manual' ? int(f.goal) : null}
              lo={f.goalLo80}
              hi={f.goalHi80}
            />
            <Figure
              label={`Expected votes cast, ${f.cycle}`}
              value={int(f.expectedVotes)}
              lo={f.expectedVotesLo80}
              hi={f.expectedVotesHi80}
            />
          </>
        )}
      </dl>
      {g.unavailable && <p className="notice notice-info">{g.unavailable}</p>}
      {f && (
        <details className="goal-inputs">
          <summary>What the forecast goal rests on</summary>
          <ul className="plain-list">
            {g.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
            <li>
              Counted share {pct(f.countedShare)} × target share {pct(f.targetShare)} of {int(f.expectedVotes)} expected
              votes, plus one vote.
            </li>
          </ul>
        </details>
      )}
    </Panel>
  );
}

function Figure({
  label,
  value,
  lo,
  hi,
}: {
  label: string;
  value: string | null;
  lo: number | null;
  hi: number | null;
}) {
  const range = lo !== null && hi !== null ? `${int(lo)}–${int(hi)}` : null;
  return (
    <div className="headline-figure">
      <dt className="headline-label">{label}</dt>
      <dd>
        {value !== null ? (
          <>
            <strong>{value}</strong> {range && <span className="muted">({range})</span>}
          </>
        ) : (
          <strong>{range ?? '—'}</strong>
        )}
      </dd>
    </div>
  );
}
