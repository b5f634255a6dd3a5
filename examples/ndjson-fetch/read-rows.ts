/**
 * The one NDJSON consumer, shared by the page, the Deno client and the tests: frames a fetch body with
 * `@framed/newline/browser` and reports each row, and each line that is not JSON, as it arrives.
 */
import type { FramedError } from "@framed/core";
import { ndjson } from "@framed/newline/browser";

export interface Row {
  id: number;
  name: string;
  value: number;
}

export interface RowHandlers {
  row(row: Row): void;
  /** A line that is not JSON: reported with its 1-based line number, then reading carries on. */
  badLine(lineNumber: number, message: string): void;
}

/**
 * Read every row of an NDJSON response. Resolves with the counts once the body ends; rejects on a
 * transport failure or an HTTP error (`CONNECT_FAILED` with `status`).
 *
 * @example
 * ```ts
 * await readRows(await fetch("/rows?count=5"), { row: (r) => render(r), badLine: (n, m) => warn(n, m) });
 * ```
 */
export async function readRows(response: Response, handlers: RowHandlers): Promise<{ rows: number; badLines: number }> {
  // "skip": a bad line becomes a warning carrying its line number instead of ending the stream.
  const stream = ndjson.fromResponse(response, { invalidJson: "skip", maxMessageSize: 64 * 1024 });
  let rows = 0;
  let badLines = 0;
  const unsubscribe = stream.onWarning((warning: FramedError) => {
    badLines++;
    handlers.badLine(warning.messageNumber ?? 0, warning.message);
  });
  try {
    for await (const value of stream) {
      rows++;
      handlers.row(value as Row);
    }
  } finally {
    unsubscribe();
  }
  return { rows, badLines };
}
