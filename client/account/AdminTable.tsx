import type { ReactNode } from 'react';

/** A table of the admin and audit pages: a header row of `columns`, then the rows given as children. */
export function AdminTable({ columns, className, testId, children }: { columns: readonly string[]; className?: string; testId?: string; children: ReactNode }) {
  return (
    <table className={`admin-table ${className ?? ''}`} data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
