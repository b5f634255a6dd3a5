/**
 * The rows the server streams and how a /rows request asks for them (count, delay, an optional bad line).
 */
import type { Row } from "./read-rows.ts";

export interface RowsQuery {
  count: number;
  delayMs: number;
  /** 1-based line number to replace with a line that is not JSON (0: none). */
  bad: number;
}

const MAX_COUNT = 100_000;
const MAX_DELAY_MS = 10_000;

function bounded(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const text = params.get(name);
  if (text === null) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer from 0 to ${max}, got "${text}"`);
  }
  return value;
}

/** Parse `?count=N&delayMs=M&bad=L`; throws RangeError naming the bad parameter. */
export function parseRowsQuery(params: URLSearchParams): RowsQuery {
  return {
    count: bounded(params, "count", 10, MAX_COUNT),
    delayMs: bounded(params, "delayMs", 0, MAX_DELAY_MS),
    bad: bounded(params, "bad", 0, MAX_COUNT),
  };
}

const NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];

/** Row `id` (1-based), the same every time. */
export function makeRow(id: number): Row {
  return { id, name: NAMES[(id - 1) % NAMES.length], value: (id * 37) % 101 };
}
