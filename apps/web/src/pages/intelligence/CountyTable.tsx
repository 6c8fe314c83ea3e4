/**
 * The accessible alternative to the map: the same figures as a table that sorts by any column and filters by
 * name or FIPS code. Focusing or pointing at a row outlines the county on the map; its name opens the details.
 */
import type { CountyResult } from '@akashic/contracts';
import { useMemo, useState } from 'react';
import { TextField } from '../../components/forms';
import { TableWrap } from '../../components/layout';
import { formatMargin, formatShare, formatVotes, shareColour } from './scale';
import { nextSort, SortableHeaderRow, type SortColumn } from '../../components/sortable';

export interface TableRow {
  fips: string;
  name: string;
  stateName: string;
  /** The county's shape on the map, if it has one. */
  mapFips: string | null;
  result: CountyResult;
}

type Key = 'name' | 'state' | 'fips' | 'demShare' | 'margin' | 'demVotes' | 'repVotes' | 'totalVotes';

const COLUMNS: { key: Key; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'County' },
  { key: 'state', label: 'State' },
  { key: 'fips', label: 'FIPS' },
  { key: 'demShare', label: 'Dem. share', numeric: true },
  { key: 'margin', label: 'Margin', numeric: true },
  { key: 'demVotes', label: 'Dem. votes', numeric: true },
  { key: 'repVotes', label: 'Rep. votes', numeric: true },
  { key: 'totalVotes', label: 'All votes', numeric: true },
];

const PAGE = 100;

function value(row: TableRow, key: Key): string | number | null {
  switch (key) {
    case 'name':
      return row.name;
    case 'state':
      return row.stateName;
    case 'fips':
      return row.fips;
    default:
      return row.result[key];
  }
}

interface Props {
  year: number;
  rows: TableRow[];
  onSelect: (row: TableRow) => void;
  onHighlight: (mapFips: string | null) => void;
}

export function CountyTable({ year, rows, onSelect, onHighlight }: Props) {
  const [sort, setSort] = useState<{ key: Key; dir: 1 | -1 }>({ key: 'totalVotes', dir: -1 });
  const [filter, setFilter] = useState('');
  const [limit, setLimit] = useState(PAGE);

  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const matching = q
      ? rows.filter(
          (r) => r.fips.startsWith(q) || r.name.toLowerCase().includes(q) || r.stateName.toLowerCase().includes(q),
        )
      : rows;
    const { key, dir } = sort;
    return [...matching].sort((a, b) => {
      const va = value(a, key);
      const vb = value(b, key);
      // Missing values sort last whichever the direction.
      if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return c * dir || a.fips.localeCompare(b.fips);
    });
  }, [rows, filter, sort]);

  const toggle = (c: SortColumn<Key>) => {
    setSort((s) => nextSort(s, c));
    setLimit(PAGE);
  };
  const sortLabel = COLUMNS.find((c) => c.key === sort.key)!.label;

  return (
    <>
      <div className="table-tools">
        <TextField
          label="Find a county"
          name="county-filter"
          type="search"
          autoComplete="off"
          hint="By county name, state or FIPS code"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value);
            setLimit(PAGE);
          }}
        />
        <p className="muted table-count" role="status">
          {shown.length === rows.length
            ? `${rows.length.toLocaleString('en-US')} counties`
            : `${shown.length.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} counties match`}
          {shown.length > limit && `, showing the first ${limit}`}
        </p>
      </div>
      {shown.length === 0 ? (
        <p className="empty">No county matches “{filter}”.</p>
      ) : (
        <TableWrap label="County results table">
          <table className="table county-table">
            <caption className="sr-only">
              Presidential results by county in {year} (Dem. share: Democratic share of the two-party vote; margin:
              Democratic minus Republican votes as a share of all votes), sorted by {sortLabel}{' '}
              {sort.dir === 1 ? 'ascending' : 'descending'}
            </caption>
            <thead>
              <SortableHeaderRow columns={COLUMNS} sort={sort} onSort={toggle} />
            </thead>
            <tbody onMouseLeave={() => onHighlight(null)}>
              {shown.slice(0, limit).map((r) => (
                <tr
                  key={r.fips}
                  onMouseEnter={() => onHighlight(r.mapFips)}
                  onFocus={() => onHighlight(r.mapFips)}
                  onBlur={() => onHighlight(null)}
                >
                  <th scope="row" data-label="County">
                    <button
                      type="button"
                      className="button link"
                      onClick={() => onSelect(r)}
                      aria-label={`${r.name}, ${r.stateName}: show details`}
                    >
                      {r.name}
                    </button>
                  </th>
                  <td data-label="State">{r.stateName}</td>
                  <td data-label="FIPS">
                    <code>{r.fips}</code>
                  </td>
                  <td data-label="Dem. share" className="num">
                    <span
                      className="swatch"
                      style={{ background: shareColour(r.result.demShare) }}
                      aria-hidden="true"
                    />
                    {formatShare(r.result.demShare)}
                  </td>
                  <td data-label="Margin" className="num">
                    {formatMargin(r.result.margin)}
                  </td>
                  <td data-label="Dem. votes" className="num">
                    {formatVotes(r.result.demVotes)}
                  </td>
                  <td data-label="Rep. votes" className="num">
                    {formatVotes(r.result.repVotes)}
                  </td>
                  <td data-label="All votes" className="num">
                    {formatVotes(r.result.totalVotes)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {shown.length > limit && (
        <div className="load-more">
          <button type="button" className="button secondary" onClick={() => setLimit((l) => l + PAGE * 5)}>
            Show {Math.min(PAGE * 5, shown.length - limit)} more
          </button>
        </div>
      )}
    </>
  );
}
