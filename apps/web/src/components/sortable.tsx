/** Sortable table headers: one button per column, `aria-sort` on the active one. Used by every sortable table. */
export interface SortColumn<K extends string> {
  key: K;
  label: string;
  /** Numeric columns sort descending first. */
  numeric?: boolean;
}

export interface SortState<K extends string> {
  key: K;
  dir: 1 | -1;
}

/** Toggle direction on the active column; a new column starts descending if numeric, else ascending. */
export function nextSort<K extends string>(s: SortState<K>, c: SortColumn<K>): SortState<K> {
  return s.key === c.key ? { key: c.key, dir: s.dir === 1 ? -1 : 1 } : { key: c.key, dir: c.numeric ? -1 : 1 };
}

export const sortDirection = (dir: 1 | -1) => (dir === 1 ? 'ascending' : 'descending');

export function SortableHeaderRow<K extends string>({
  columns,
  sort,
  onSort,
}: {
  columns: readonly SortColumn<K>[];
  sort: SortState<K>;
  onSort: (column: SortColumn<K>) => void;
}) {
  return (
    <tr>
      {columns.map((c) => (
        <th
          key={c.key}
          scope="col"
          className={c.numeric ? 'num' : undefined}
          aria-sort={sort.key === c.key ? sortDirection(sort.dir) : undefined}
        >
          <button type="button" className="sort-button" onClick={() => onSort(c)}>
            {c.label}
            <span aria-hidden="true" className="sort-mark">
              {sort.key === c.key ? (sort.dir === 1 ? '▲' : '▼') : '↕'}
            </span>
          </button>
        </th>
      ))}
    </tr>
  );
}
