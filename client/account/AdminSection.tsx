import type { ReactNode } from 'react';

/** A panel of the admin and audit pages: a title, an optional hint, the last error, then its content. */
export function AdminSection({ title, hint, error, testId, children }: { title?: string; hint?: string; error?: string | null; testId?: string; children: ReactNode }) {
  return (
    <section className="panel admin-section" data-testid={testId}>
      {title && <h2>{title}</h2>}
      {hint && <p className="muted">{hint}</p>}
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {children}
    </section>
  );
}
