// What every Deno echo server shares: `listening <port>` once ready, exit on SIGTERM or when the runner's
// stdin pipe closes.
declare const Deno: {
  args: string[];
  stdin: { readable: ReadableStream<Uint8Array> };
  exit(code: number): never;
  addSignalListener(signal: string, listener: () => void): void;
};

export const MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
export const portArg = (): number => Number(Deno.args[0] ?? 0);
export const headerArg = (): string => Deno.args[1] ?? "varint";

export function announce(port: number): void {
  console.log(`listening ${port}`);
  Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
  (async () => {
    try {
      for await (const _ of Deno.stdin.readable) {
        // The runner never writes; EOF means it is gone.
      }
    } catch {
      // A closed pipe is the same signal.
    }
    Deno.exit(0);
  })();
}

/** What our echo handler needs of a stream. */
interface EchoStream<T> {
  send(message: T): Promise<void>;
  consume(handler: (message: T) => unknown): Promise<void>;
}

/** Our echo handler, as on Node (see serve.mjs): `stream.consume((message) => stream.send(message))`. */
export function echoHandler<T>(): (stream: EchoStream<T>) => Promise<void> {
  return (stream) => stream.consume((message) => stream.send(message));
}
