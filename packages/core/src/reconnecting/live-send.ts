/**
 * A send on a live connection that tells a refusal before any byte was written (the connection is ending,
 * and the message can safely wait for the next one) from a failure after (it may have reached the peer).
 */
import { isFramedError } from "../errors.ts";
import type { MessageStream } from "../message-stream.ts";
import type { SendResult } from "./options.ts";

/**
 * `connection.send(message)`, resolving `"sent"`. A connection that is ending refuses a send at once with
 * `CLOSED` (its `closed` comes a little later): then the result is `refusedAtOnce()`'s, which queues the
 * message for the next connection. A send refused later (it waited under backpressure, so its bytes were
 * written) rejects as it is: re-sending it could deliver it twice.
 */
export function sendLive<T>(
  connection: MessageStream<T>,
  message: T,
  refusedAtOnce: () => Promise<SendResult>,
): Promise<SendResult> {
  let atOnce = true;
  const result = connection.send(message).then(sent, (error: unknown) => {
    if (atOnce && isFramedError(error, "CLOSED")) return refusedAtOnce();
    throw error;
  });
  // Queued after the reaction above, so that reaction runs first only when the promise was already
  // rejected when send returned: refused before anything was written.
  queueMicrotask(() => {
    atOnce = false;
  });
  return result;
}

const sent = (): SendResult => "sent";
