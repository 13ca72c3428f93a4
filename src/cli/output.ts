/** Text helpers for the CLI's human output: safe, short and aligned. */

// Control characters (C0, DEL, C1) of API text would move the cursor or recolour a terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** One line of printable text: control characters (newlines too) become a space. */
export function clean(text: unknown): string {
  if (text === null || text === undefined) return '';
  return String(text).replace(CONTROL, ' ').trim();
}

/** At most `max` characters, with an ellipsis when cut. */
export function shorten(text: unknown, max: number): string {
  const line = clean(text);
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** An ISO instant as `YYYY-MM-DD HH:MM:SS` UTC, or "-" when there is none. */
export function when(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '-';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? shorten(iso, 30)
    : d.toISOString().slice(0, 19).replace('T', ' ');
}

/** The time between two ISO instants, e.g. "850 ms", "12.3 s", "4 min". */
export function duration(from: unknown, to: unknown): string | undefined {
  if (typeof from !== 'string' || typeof to !== 'string') return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** An object's fields as `name=value`, nested values as JSON, cut to `max` characters. */
export function summary(value: unknown, max = 120): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return shorten(value, max);
  const parts = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return shorten(parts.join(' '), max);
}

/** Rows under a header, each column as wide as its widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
