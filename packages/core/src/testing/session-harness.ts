/**
 * Drive a framing session with plain arrays instead of a socket: the sans-I/O test harness.
 */

import { concatBytes } from "../bytes.ts";
import type { FramedError } from "../errors.ts";
import type { Framing, FramingSession, Role, SessionEnd, SessionSink } from "../framing.ts";

export { concatBytes };

/** Everything a session produced, in arrays. */
export interface SessionRecord<T> {
  messages: T[];
  writes: Uint8Array[];
  warnings: FramedError[];
  /** Set once the session reported its end. */
  end?: SessionEnd;
}

/** A session wired to a recording sink. */
export interface RecordedSession<T> {
  session: FramingSession<T>;
  record: SessionRecord<T>;
}

/**
 * Open a session whose sink records into arrays.
 *
 * @example
 * ```ts
 * const { session, record } = openRecorded(lengthPrefix(), "server");
 * session.receive(bytes);
 * expect(record.messages).toEqual([...]);
 * ```
 */
export function openRecorded<T>(framing: Framing<T>, role: Role = "server"): RecordedSession<T> {
  const record: SessionRecord<T> = { messages: [], writes: [], warnings: [] };
  const sink: SessionSink<T> = {
    message: (message) => {
      if (record.end) throw new Error(`${framing.name}: message reported after the session ended`);
      record.messages.push(message);
    },
    write: (bytes) => {
      record.writes.push(bytes.slice());
    },
    warn: (error) => {
      record.warnings.push(error);
    },
    end: (outcome) => {
      if (record.end) throw new Error(`${framing.name}: session ended twice`);
      record.end = outcome;
    },
  };
  return { session: framing.open(sink, { role }), record };
}

/** Feed `chunks` (then EOF unless `end: false`) to a fresh session and return what it produced. */
export function decodeChunks<T>(
  framing: Framing<T>,
  chunks: Iterable<Uint8Array>,
  options: { role?: Role; end?: boolean } = {},
): SessionRecord<T> {
  const { session, record } = openRecorded(framing, options.role ?? "server");
  for (const chunk of chunks) {
    if (record.end) break;
    session.receive(chunk);
  }
  if (options.end !== false && !record.end) session.receiveEnd();
  return record;
}

/** Encode `messages` with a fresh session of `role` and return the bytes as one array. */
export function encodeMessages<T>(framing: Framing<T>, messages: Iterable<T>, role: Role = "client"): Uint8Array {
  const { session, record } = openRecorded(framing, role);
  for (const message of messages) session.send(message);
  return concatBytes(record.writes);
}
