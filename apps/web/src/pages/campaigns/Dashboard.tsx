/**
 * A campaign's dashboard, the first thing its page shows: the vote goal against the projection, budget burn,
 * contacts per day, turf progress, upcoming events and the forecast summary. Charts are plain SVG, each with a
 * description and its numbers as a table; the tiles stack on a phone. It reloads on the campaign's live events.
 */
import type { CampaignDashboard, ContactDay, DashboardBudget, VoteGoal } from '@akashic/contracts';
import { useId } from 'react';
import { api } from '../../api';
import { CachedNotice, LoadError, Loading, Panel, TableWrap } from '../../components/layout';
import { formatDate, formatDateTime } from '../../format';
import { useLiveReload, useResource } from '../../hooks';
import { Link } from '../../router';
import { eventPath, eventsPath, KIND_LABELS, turfsPath } from './field/labels';
import { money } from './labels';

const W = 320;
const H = 120;
const PAD = { top: 8, bottom: 22, side: 4 };
const count = new Intl.NumberFormat('en-US');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const day = (iso: string) => formatDate(`${iso}T12:00:00`);

/** Bars of `values` (labelled by `labels`), first and last label under the axis. */
function Bars({
  title,
  summary,
  values,
  labels,
}: {
  title: string;
  summary: string;
  values: number[];
  labels: string[];
}) {
  const id = useId();
  const max = Math.max(...values, 1);
  const step = (W - 2 * PAD.side) / values.length;
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  return (
    <figure className="dash-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        {values.map((v, i) => (
          <rect
            key={labels[i]}
            className="burn-bar"
            x={PAD.side + i * step + step * 0.1}
            y={y(v)}
            width={step * 0.8}
            height={H - PAD.bottom - y(v)}
          />
        ))}
        <line className="ev-axis" x1={PAD.side} x2={W - PAD.side} y1={H - PAD.bottom} y2={H - PAD.bottom} />
        <text x={PAD.side} y={H - 6} className="ev-tick">
          {labels[0]}
        </text>
        <text x={W - PAD.side} y={H - 6} textAnchor="end" className="ev-tick">
          {labels[labels.length - 1]}
        </text>
      </svg>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}

function GoalTile({ goal: g }: { goal: VoteGoal }) {
  const f = g.forecast;
  const id = useId();
  // The goal and the expected votes on one scale: the projection's interval as a band, the goal as a tick.
  const top = Math.max(f?.expectedVotesHi80 ?? 0, f?.expectedVotes ?? 0, g.goal ?? 0, 1);
  const x = (v: number) => PAD.side + (v / top) * (W - 2 * PAD.side);
  const summary = f
    ? `Goal ${count.format(g.goal ?? f.goal)} votes of ${count.format(f.expectedVotes)} expected` +
      (f.expectedVotesLo80 !== null && f.expectedVotesHi80 !== null
        ? ` (80% interval ${count.format(f.expectedVotesLo80)}–${count.format(f.expectedVotesHi80)}).`
        : '.')
    : null;
  return (
    <Panel title="Vote goal against the projection" id="dash-goal">
      <p className="dash-figure">{g.goal === null ? 'No goal yet' : `${count.format(g.goal)} votes`}</p>
      <p className="muted">
        {g.source === 'manual'
          ? 'Set by hand.'
          : g.source === 'forecast'
            ? 'From the turnout forecast.'
            : g.unavailable}
      </p>
      {f && summary && (
        <figure className="dash-chart">
          <svg viewBox={`0 0 ${W} 48`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
            <title id={`${id}-t`}>Vote goal against the expected votes</title>
            <desc id={`${id}-d`}>{summary}</desc>
            {f.expectedVotesLo80 !== null && f.expectedVotesHi80 !== null && (
              <rect
                className="dash-band"
                x={x(f.expectedVotesLo80)}
                y={12}
                width={Math.max(x(f.expectedVotesHi80) - x(f.expectedVotesLo80), 1)}
                height={16}
              />
            )}
            <line className="dash-expected" x1={x(f.expectedVotes)} x2={x(f.expectedVotes)} y1={8} y2={32} />
            {g.goal !== null && <line className="dash-goal" x1={x(g.goal)} x2={x(g.goal)} y1={4} y2={36} />}
            <text x={PAD.side} y={46} className="ev-tick">
              0
            </text>
            <text x={W - PAD.side} y={46} textAnchor="end" className="ev-tick">
              {count.format(top)}
            </text>
          </svg>
          <figcaption className="muted">{summary}</figcaption>
        </figure>
      )}
    </Panel>
  );
}

function BudgetTile({ budget: b }: { budget: DashboardBudget }) {
  const used = b.plannedCents > 0 ? b.spentCents / b.plannedCents : null;
  const until =
    b.daysToElection > 0
      ? `${count.format(b.daysToElection)} days to election day`
      : b.daysToElection === 0
        ? 'Election day is today'
        : 'The election is past';
  const summary =
    `${money(
      b.weeks.reduce((a, w) => a + w.spentCents, 0),
      true,
    )} spent in the last ${b.weeks.length} weeks, ` + `${money(b.weeklyRateCents, true)} a week on average.`;
  return (
    <Panel title="Budget burn" id="dash-budget">
      <p className="dash-figure">
        {money(b.spentCents, true)} <span className="muted">of {money(b.plannedCents, true)}</span>
      </p>
      {used !== null && (
        <div
          className="dash-meter"
          role="meter"
          aria-label="Budget spent"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(used * 100)}
        >
          <span style={{ width: `${Math.min(used, 1) * 100}%` }} className={used > 1 ? 'over' : undefined} />
        </div>
      )}
      <dl className="dash-facts">
        <dt>Remaining</dt>
        <dd>{money(b.remainingCents, true)}</dd>
        <dt>Weekly rate</dt>
        <dd>{money(b.weeklyRateCents, true)}</dd>
        <dt>At this rate by election day</dt>
        <dd>{money(b.projectedAtElectionCents, true)}</dd>
        <dt>Time left</dt>
        <dd>{until}</dd>
      </dl>
      <Bars
        title="Spend per week, last 8 weeks"
        summary={summary}
        values={b.weeks.map((w) => w.spentCents)}
        labels={b.weeks.map((w) => w.weekStart)}
      />
      <details>
        <summary>Show the weeks as a table</summary>
        <TableWrap label="Spend per week table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col" className="num">
                  Spent
                </th>
              </tr>
            </thead>
            <tbody>
              {b.weeks.map((w) => (
                <tr key={w.weekStart}>
                  <td>{day(w.weekStart)}</td>
                  <td className="num">{money(w.spentCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </Panel>
  );
}

function ContactsTile({ days }: { days: ContactDay[] }) {
  const total = days.reduce((a, d) => a + d.total, 0);
  const doors = days.reduce((a, d) => a + d.doorsKnocked, 0);
  const best = days.reduce((a, d) => (d.total > a.total ? d : a), days[0]!);
  const summary =
    total === 0
      ? `No contacts in the last ${days.length} days.`
      : `${count.format(total)} contacts and ${count.format(doors)} doors knocked in the last ${days.length} days; ` +
        `the most in a day was ${count.format(best.total)} on ${day(best.day)}.`;
  return (
    <Panel title="Contacts per day" id="dash-contacts">
      <p className="dash-figure">
        {count.format(total)} <span className="muted">in {days.length} days</span>
      </p>
      <Bars
        title="Voter contacts per day, last 30 days"
        summary={summary}
        values={days.map((d) => d.total)}
        labels={days.map((d) => d.day)}
      />
      <details>
        <summary>Show the days as a table</summary>
        <TableWrap label="Contacts per day table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" className="num">
                  Contacts
                </th>
                <th scope="col" className="num">
                  Phone
                </th>
                <th scope="col" className="num">
                  Text
                </th>
                <th scope="col" className="num">
                  Doors knocked
                </th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day}>
                  <td>{day(d.day)}</td>
                  <td className="num">{d.total}</td>
                  <td className="num">{d.byChannel.phone}</td>
                  <td className="num">{d.byChannel.sms}</td>
                  <td className="num">{d.doorsKnocked}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </Panel>
  );
}

function ForecastTile({ forecast: f }: { forecast: CampaignDashboard['forecast'] }) {
  return (
    <Panel title="Forecast" id="dash-forecast">
      {f.applies && f.pDemWin !== null && f.demTwoParty !== null ? (
        <>
          <p className="dash-figure">{pct(f.pDemWin)}</p>
          <p className="muted">
            Chance the Democratic candidate carries {f.state} ({f.cycle}, as of {day(f.asOf!)}); expected two-party
            share {pct(f.demTwoParty)}
            {f.lo80 !== null && f.hi80 !== null ? ` (80% interval ${pct(f.lo80)}–${pct(f.hi80)})` : ''}.
          </p>
        </>
      ) : (
        <p className="muted">{f.unavailable}</p>
      )}
    </Panel>
  );
}

export function DashboardPanels({ campaignId }: { campaignId: string }) {
  const url = `/api/v1/campaigns/${campaignId}/dashboard`;
  const dash = useResource((signal) => api.get<CampaignDashboard>(url, { signal }), [url]);
  // Any change to the campaign may move a tile: spend, contacts, canvassing, events and RSVPs, the goal itself.
  useLiveReload((e) => e.campaignId === campaignId, dash.reload);
  if (dash.loading && !dash.data) return <Loading label="Loading the dashboard…" />;
  if (dash.error || !dash.data) return <LoadError error={dash.error} onRetry={dash.reload} />;
  const d = dash.data;
  return (
    <section className="dash" aria-labelledby="dash-heading">
      <h2 id="dash-heading" className="sr-only">
        Dashboard
      </h2>
      <CachedNotice url={url} what="the dashboard" reload={dash.reload} />
      <div className="dash-grid">
        <GoalTile goal={d.voteGoal} />
        <BudgetTile budget={d.budget} />
        <ContactsTile days={d.contacts} />
        <Panel title="Upcoming events" id="dash-events">
          {d.upcomingEvents.length === 0 ? (
            <p className="muted">
              No upcoming events. <Link to={eventsPath(campaignId)}>Plan one</Link>
            </p>
          ) : (
            <ul className="dash-list">
              {d.upcomingEvents.map((e) => (
                <li key={e.id}>
                  <Link to={eventPath(campaignId, e.id)}>{e.title}</Link>
                  <span className="muted">
                    {' '}
                    {KIND_LABELS[e.kind]} · <time dateTime={e.startsAt}>{formatDateTime(e.startsAt)}</time> ·{' '}
                    {e.placeName}
                  </span>
                  <br />
                  {e.counts.confirmed}
                  {e.capacity !== null ? ` of ${e.capacity}` : ''} confirmed
                  {e.counts.waitlisted > 0 ? `, ${e.counts.waitlisted} waitlisted` : ''}
                  {e.counts.maybe > 0 ? `, ${e.counts.maybe} maybe` : ''}
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Turfs" id="dash-turfs">
          {d.turfs.turfs === 0 ? (
            <p className="muted">
              No turfs yet. <Link to={turfsPath(campaignId)}>Cut turfs</Link>
            </p>
          ) : (
            <>
              <p className="dash-figure">
                {count.format(d.turfs.votersAttempted)} <span className="muted">voters knocked</span>
              </p>
              <p className="muted">
                {d.turfs.turfs} turfs ({d.turfs.assigned} assigned); {count.format(d.turfs.votersContacted)} voters
                reached.
              </p>
              <ul className="dash-list">
                {d.turfs.top.map((t) => (
                  <li key={t.id}>
                    {t.name}: {count.format(t.votersAttempted)} knocked, {count.format(t.votersContacted)} reached
                  </li>
                ))}
              </ul>
            </>
          )}
        </Panel>
        <ForecastTile forecast={d.forecast} />
      </div>
    </section>
  );
}
