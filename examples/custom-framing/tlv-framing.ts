/**
 * A type-length-value framing written against the core contract: one type byte, a 2-byte big-endian
 * length, then the payload. Type 1 is text, type 2 is bytes.
 *
 *   +--------+-----------------+-------------------+
 *   | type   | length (u16 BE) | payload           |
 *   +--------+-----------------+-------------------+
 */
import { ByteQueue, FramedError, type Framing } from "@framed/core";

export type TlvMessage = string | Uint8Array;

export function tlv(options: { maxMessageSize?: number } = {}): Framing<TlvMessage> {
  const maxMessageSize = Math.min(options.maxMessageSize ?? 0xffff, 0xffff);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return {
    name: "tlv",
    open(sink) {
      const queue = new ByteQueue();
      let ended = false;
      const fail = (error: FramedError) => {
        ended = true;
        sink.end({ error });
      };
      return {
        receive(chunk) {
          if (ended) return;
          queue.push(chunk);
          while (queue.length >= 3) {
            const type = queue.byteAt(0);
            const length = (queue.byteAt(1) << 8) | queue.byteAt(2);
            if (type !== 1 && type !== 2) return fail(new FramedError("INVALID_FRAME", `tlv: unknown type ${type}`));
            if (length > maxMessageSize) {
              return fail(new FramedError("MESSAGE_TOO_LARGE", `tlv: ${length} bytes is over ${maxMessageSize}`));
            }
            if (queue.length < 3 + length) return;
            queue.skip(3);
            const payload = queue.take(length);
            sink.message(type === 1 ? decoder.decode(payload) : payload);
          }
        },
        receiveEnd() {
          if (ended) return;
          ended = true;
          if (queue.length > 0) sink.end({ error: new FramedError("TRUNCATED", "tlv: stream ended inside a message") });
          else sink.end({});
        },
        send(message) {
          const payload = typeof message === "string" ? encoder.encode(message) : message;
          if (payload.length > maxMessageSize)
            throw new FramedError("MESSAGE_TOO_LARGE", `tlv: cannot send ${payload.length} bytes`);
          sink.write(Uint8Array.of(typeof message === "string" ? 1 : 2, payload.length >> 8, payload.length & 0xff));
          sink.write(payload);
        },
        close: () => false,
      };
    },
  };
}
