// "Did you mean …": the known names closest to a mistyped one, for error messages (register,
// field and peripheral names, CLI words). Case-insensitive edit distance (insert, delete,
// substitute, swap two neighbours).
import { InvalidArgument } from './errors.js';

function requireString(what: string, v: unknown): asserts v is string {
  if (typeof v !== 'string') throw new InvalidArgument(what, v, 'must be a string');
}

/** Optimal-string-alignment distance between a and b, compared without case. */
export function editDistance(a: string, b: string): number {
  requireString('name', a);
  requireString('name', b);
  const s = a.toUpperCase();
  const t = b.toUpperCase();
  // Three rows: two back (for a swap), the previous and the current.
  let back2: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, back2[j - 2]! + 1);
      row.push(d);
    }
    back2 = prev;
    prev = row;
  }
  return prev[t.length]!;
}

/**
 * The candidates close enough to `name` to be what was meant (at most `limit`, nearest first;
 * within a third of the name's length, at least 1 and at most 3 edits; a candidate that starts
 * with or contains the name also counts). Empty when nothing is close.
 */
export function closestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  requireString('name', name);
  if (candidates === null || typeof (candidates as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function')
    throw new InvalidArgument('candidates', candidates, 'must be an iterable of names');
  if (!Number.isInteger(limit) || limit < 0) throw new InvalidArgument('limit', limit, 'must be a whole number 0 or more');
  const upper = name.toUpperCase();
  const budget = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  const scored: [number, string][] = [];
  for (const c of candidates) {
    requireString('candidate name', c);
    const d = editDistance(name, c);
    const contains = upper.length >= 3 && c.toUpperCase().includes(upper);
    if (d <= budget || contains) scored.push([contains ? Math.min(d, budget) : d, c]);
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  return scored.slice(0, limit).map((e) => e[1]);
}

/** `; did you mean A or B?` for a message, or '' when no known name is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const near = closestNames(name, candidates);
  if (near.length === 0) return '';
  const last = near.pop()!;
  return `; did you mean ${near.length ? `${near.join(', ')} or ${last}` : last}?`;
}
