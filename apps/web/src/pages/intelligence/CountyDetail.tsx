/** One county: its results over the years (chart and table), demographics by vintage and American Nation. */
import type { CountyDemographics, CountyHistory, CountyProfile } from '@akashic/contracts';
import { useEffect, useRef } from 'react';
import { api } from '../../api';
import { LoadError, Loading, TableWrap } from '../../components/layout';
import { useResource } from '../../hooks';
import { HistoryChart } from './HistoryChart';
import { formatMargin, formatNumber, formatPct, formatShare, formatVotes } from './scale';

interface Props {
  fips: string;
  name: string;
  stateName: string;
  from: number;
  onClose: () => void;
}

const RUCC: Record<number, string> = {
  1: 'Metro, 1 million people or more',
  2: 'Metro, 250,000 to 1 million',
  3: 'Metro, under 250,000',
  4: 'Nonmetro, urban 20,000+, adjacent to a metro area',
  5: 'Nonmetro, urban 20,000+, not adjacent to a metro area',
  6: 'Nonmetro, urban 5,000–20,000, adjacent to a metro area',
  7: 'Nonmetro, urban 5,000–20,000, not adjacent to a metro area',
  8: 'Nonmetro, rural or urban under 5,000, adjacent to a metro area',
  9: 'Nonmetro, rural or urban under 5,000, not adjacent to a metro area',
};

const ROWS: { label: string; value: (d: CountyDemographics) => string; text?: boolean }[] = [
  { label: 'Population', value: (d) => formatNumber(d.population) },
  { label: 'White', value: (d) => formatPct(d.pctWhite) },
  { label: 'Black', value: (d) => formatPct(d.pctBlack) },
  { label: 'Asian', value: (d) => formatPct(d.pctAsian) },
  { label: 'Hispanic', value: (d) => formatPct(d.pctHispanic) },
  { label: 'Bachelor’s degree or more (25+)', value: (d) => formatPct(d.pctBachelors) },
  {
    label: 'Median household income',
    value: (d) => (d.medianIncome === null ? '—' : `$${formatNumber(d.medianIncome)}`),
  },
  { label: 'People per square mile', value: (d) => formatNumber(d.density, 1) },
  {
    label: 'Rural–urban continuum code',
    value: (d) => (d.rucc === null ? '—' : `${d.rucc}: ${RUCC[d.rucc] ?? ''}`),
    text: true,
  },
];

export function CountyDetail({ fips, name, stateName, from, onClose }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  const data = useResource(
    async (signal) => {
      const [history, profile] = await Promise.all([
        api.get<CountyHistory>('/api/v1/intelligence/counties/history', { query: { fips, from }, signal }),
        api.get<CountyProfile>('/api/v1/intelligence/counties/profile', { query: { fips }, signal }),
      ]);
      return { history, profile };
    },
    [fips, from],
  );
  // Opening a county moves focus to its panel, so keyboard and screen reader users land on what they asked for.
  useEffect(() => {
    heading.current?.focus();
  }, [fips]);

  const title = `${name}, ${stateName}`;
  return (
    <section className="panel county-detail" aria-labelledby="county-detail-heading">
      <div className="panel-header">
        <div>
          <h2 id="county-detail-heading" ref={heading} tabIndex={-1}>
            {title}
          </h2>
          <p className="muted">
            FIPS <code>{fips}</code>
            {data.data?.profile.nation && (
              <>
                {' · '}American Nation: <strong>{data.data.profile.nation}</strong>
              </>
            )}
          </p>
        </div>
        <button type="button" className="button secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      {data.loading ? (
        <Loading label={`Loading ${title}…`} />
      ) : data.error ? (
        <LoadError error={data.error} onRetry={data.reload} />
      ) : data.data ? (
        <Details history={data.data.history} profile={data.data.profile} name={title} />
      ) : null}
    </section>
  );
}

function Details({ history, profile, name }: { history: CountyHistory; profile: CountyProfile; name: string }) {
  return (
    <div className="county-detail-body">
      <div>
        <h3>Presidential results</h3>
        {history.formerFips.length > 0 && (
          <p className="muted">Earlier years are recorded under FIPS {history.formerFips.join(', ')}.</p>
        )}
        <HistoryChart items={history.items} name={name} />
        <details className="detail-table">
          <summary>Results by year</summary>
          <TableWrap label={`Results by year in ${name}`}>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">Year</th>
                  <th scope="col" className="num">
                    Dem. share
                  </th>
                  <th scope="col" className="num">
                    Margin
                  </th>
                  <th scope="col" className="num">
                    Dem.
                  </th>
                  <th scope="col" className="num">
                    Rep.
                  </th>
                  <th scope="col" className="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...history.items].reverse().map((i) => (
                  <tr key={i.year}>
                    <th scope="row">{i.year}</th>
                    <td className="num">{formatShare(i.demShare)}</td>
                    <td className="num">{formatMargin(i.margin)}</td>
                    <td className="num">{formatVotes(i.demVotes)}</td>
                    <td className="num">{formatVotes(i.repVotes)}</td>
                    <td className="num">{formatVotes(i.totalVotes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </details>
      </div>
      <div>
        <h3>Demographics</h3>
        {profile.demographics.length === 0 ? (
          <p className="empty">No demographic data for this county code.</p>
        ) : (
          <TableWrap label={`Demographics of ${name}`}>
            <table className="table compact demographics">
              <thead>
                <tr>
                  <th scope="col">Measure</th>
                  {profile.demographics.map((d) => (
                    <th key={d.vintage} scope="col" className="num">
                      {d.vintage === 2014 ? '2014 (QuickFacts)' : d.vintage === 2022 ? '2022 (ACS 2018–22)' : d.vintage}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {ROWS.map((r) => (
                  <tr key={r.label}>
                    <th scope="row">{r.label}</th>
                    {profile.demographics.map((d) => (
                      <td key={d.vintage} className={r.text ? 'text' : 'num'}>
                        {r.value(d)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <p className="muted">
          {profile.nation
            ? `Region among Colin Woodard’s eleven American Nations: ${profile.nation}.`
            : 'The American Nations source assigns this county to no region.'}
        </p>
      </div>
    </div>
  );
}
