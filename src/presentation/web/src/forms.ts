// Form logic kept apart from the page, so it is tested on its own.

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

// A run's input as typed: empty is null, anything else must be JSON.
export function parseInput(text: string): Parsed {
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

// The lines of a log at or above `level` ("all" keeps every line).
// console.log lines rank with info.
const kRank: Record<string, number> = { debug: 0, log: 1, info: 1, warn: 2, error: 3 };
export function atLeast<T extends { level: string }>(lines: T[], level: string): T[] {
  if (level === 'all') return lines;
  const floor = kRank[level] ?? 0;
  return lines.filter((line) => (kRank[line.level] ?? 0) >= floor);
}
