/** Where the data comes from: every dataset's source, licence and citation, and the map's boundaries. */
import type { ReferenceDataset } from '@akashic/contracts';
import { Panel } from '../../components/layout';
import { formatNumber } from './scale';

export function Sources({ datasets }: { datasets: ReferenceDataset[] }) {
  return (
    <Panel
      title="Sources and licences"
      description="Public data shipped with Akashic and loaded into its database; the same for every organization."
    >
      <ul className="sources">
        {datasets.map((d) => (
          <li key={d.name}>
            <h3>{d.title}</h3>
            <p>{d.description}</p>
            <dl className="source-facts">
              <div>
                <dt>Source</dt>
                <dd>
                  {d.sourceUrl ? (
                    <a href={d.sourceUrl} rel="noreferrer noopener" target="_blank">
                      {d.source}
                    </a>
                  ) : (
                    d.source
                  )}
                </dd>
              </div>
              <div>
                <dt>Licence</dt>
                <dd>{d.licence}</dd>
              </div>
              <div>
                <dt>Cite as</dt>
                <dd>{d.citation}</dd>
              </div>
              <div>
                <dt>Rows</dt>
                <dd>
                  {formatNumber(d.rows)}
                  {d.firstYear !== null && d.lastYear !== null && ` (${d.firstYear}–${d.lastYear})`}
                </dd>
              </div>
            </dl>
          </li>
        ))}
        <li>
          <h3>County and state boundaries</h3>
          <p>
            US Census Bureau cartographic boundary files (2017, 1:10,000,000) as TopoJSON from{' '}
            <a href="https://github.com/topojson/us-atlas" rel="noreferrer noopener" target="_blank">
              us-atlas
            </a>{' '}
            by Mike Bostock (ISC licence); the Census boundaries are in the public domain.
          </p>
        </li>
      </ul>
    </Panel>
  );
}
