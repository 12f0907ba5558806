// One sortable column header cell: click to sort, aria-sort and the ▲/▼ mark when it is the sort column.
export interface SortHeaderProps {
  label: string;
  numeric?: boolean;
  /** The current direction when this column is the sort column, else null. */
  dir: 'asc' | 'desc' | null;
  onSort(): void;
}

export function SortHeader({ label, numeric, dir, onSort }: SortHeaderProps) {
  return (
    <div
      role="columnheader"
      aria-sort={dir === null ? undefined : dir === 'asc' ? 'ascending' : 'descending'}
      className={`cell${numeric ? ' num' : ''}${dir !== null ? ' sorted' : ''}`}
      onClick={onSort}
      title={`Sort by ${label}`}
    >
      {label}
      <span className="sort-mark" aria-hidden="true">
        {dir === null ? '' : dir === 'asc' ? '▲' : '▼'}
      </span>
    </div>
  );
}
