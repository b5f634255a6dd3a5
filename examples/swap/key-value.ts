/**
 * The application: a tiny key-value protocol written once against MessageStream, with no idea which
 * framing or runtime carries it.
 *
 *   request  { id, op: "set", key, value } | { id, op: "get", key } | { id, op: "delete", key } | { id, op: "keys" }
 *   response { id, ok: true, value? } | { id, ok: false, error }
 */
import { asJson, type MessageStream } from "@framed/core";

export type Request =
  | { id: number; op: "set"; key: string; value: unknown }
  | { id: number; op: "get"; key: string }
  | { id: number; op: "delete"; key: string }
  | { id: number; op: "keys" };

export type Response = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

type AnyStream = MessageStream<string> | MessageStream<Uint8Array> | MessageStream<string | Uint8Array>;

function answer(store: Map<string, unknown>, request: Request): Response {
  switch (request.op) {
    case "set":
      store.set(request.key, request.value);
      return { id: request.id, ok: true };
    case "get":
      return store.has(request.key)
        ? { id: request.id, ok: true, value: store.get(request.key) }
        : { id: request.id, ok: false, error: `no key "${request.key}"` };
    case "delete":
      return { id: request.id, ok: true, value: store.delete(request.key) };
    case "keys":
      return { id: request.id, ok: true, value: [...store.keys()] };
    default:
      return { id: (request as { id: number }).id, ok: false, error: `unknown op "${(request as { op: string }).op}"` };
  }
}

/** Serve one connection from a shared store. */
export async function serveKeyValue(stream: AnyStream, store: Map<string, unknown>): Promise<void> {
  const json = asJson<Request>(stream);
  for await (const request of json) await json.send(answer(store, request));
}

/** The client's script: a few requests, each awaited in turn. Returns what was sent and received. */
export async function runKeyValueScript(stream: AnyStream): Promise<Array<{ sent: Request; received: Response }>> {
  const json = asJson<Response>(stream);
  const replies = json[Symbol.asyncIterator]();
  const script: Request[] = [
    { id: 1, op: "set", key: "greeting", value: "hello, framed" },
    { id: 2, op: "set", key: "primes", value: [2, 3, 5, 7] },
    { id: 3, op: "get", key: "greeting" },
    { id: 4, op: "keys" },
    { id: 5, op: "delete", key: "primes" },
    { id: 6, op: "get", key: "primes" },
  ];
  const log: Array<{ sent: Request; received: Response }> = [];
  for (const request of script) {
    await json.send(request);
    const reply = await replies.next();
    if (reply.done) throw new Error(`server closed before answering request ${request.id}`);
    log.push({ sent: request, received: reply.value as Response });
  }
  await json.close();
  return log;
}

/** One line per exchange, for the demo table. */
export function describeExchange({ sent, received }: { sent: Request; received: Response }): string {
  const request = "key" in sent ? `${sent.op} ${sent.key}` : sent.op;
  const reply = received.ok
    ? received.value === undefined
      ? "ok"
      : JSON.stringify(received.value)
    : `error: ${received.error}`;
  return `${request.padEnd(16)} → ${reply}`;
}
