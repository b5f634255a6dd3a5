// reconnecting() over the Node WebSocket client against our server: what the default shouldReconnect
// refuses (an HTTP 401/403 handshake, a 1008 policy close), what it retries, and fresh headers per attempt.
import { type ReconnectState, reconnecting } from "@framed/core";
import { afterEach, describe, expect, it } from "vitest";
import { connect, listen, type ServerOptions, type ServerWebSocketStream } from "../../src/node.ts";
import { within } from "./helpers.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(onStream: (stream: ServerWebSocketStream) => void, options: ServerOptions = {}) {
  const listener = await listen({ port: 0 }, onStream, options);
  cleanups.push(() => listener.close());
  return listener;
}

/** The first state of `stream` that passes `test`, or the current one if it already does. */
function stateWhere(
  stream: { state: ReconnectState; onStateChange(l: (s: ReconnectState) => void): () => void },
  test: (state: ReconnectState) => boolean,
): Promise<ReconnectState> {
  if (test(stream.state)) return Promise.resolve(stream.state);
  return new Promise((resolve) => {
    const off = stream.onStateChange((state) => {
      if (!test(state)) return;
      off();
      resolve(state);
    });
  });
}

const fast = { minDelay: 10, maxDelay: 50, hints: false } as const;

describe("reconnecting WebSocket clients", () => {
  for (const status of [401, 403]) {
    it(`stop without retrying when the handshake is refused with HTTP ${status}`, async () => {
      const listener = await server(() => {}, { verify: () => ({ status }) });
      let attempts = 0;
      const stream = reconnecting(() => {
        attempts++;
        return connect(listener.url);
      }, fast);
      const stopped = await within(
        stateWhere(stream, (s) => s.type === "stopped"),
        5000,
        "stopped",
      );
      expect(stopped).toMatchObject({ type: "stopped", reason: "refused" });
      expect((stopped as { cause: { error: { status: number } } }).cause.error.status).toBe(status);
      expect(attempts).toBe(1);
      await stream.close();
    });
  }

  it("stop without retrying when the server closes with 1008 (policy violation)", async () => {
    const listener = await server((stream) => void stream.close({ code: 1008, reason: "banned" }));
    const stream = reconnecting(() => connect(listener.url), fast);
    void (async () => {
      for await (const _ of stream);
    })();
    const stopped = await within(
      stateWhere(stream, (s) => s.type === "stopped"),
      5000,
      "stopped",
    );
    expect(stopped).toMatchObject({ reason: "refused", cause: { closeInfo: { code: 1008, reason: "banned" } } });
    await stream.close();
  });

  it("retry after another close code (1011) and after a 503 refusal", async () => {
    let connections = 0;
    const listener = await server((stream) => void stream.close({ code: 1011 }), {
      verify: () => (++connections === 2 ? { status: 503 } : true),
    });
    const stream = reconnecting(() => connect(listener.url), fast);
    void (async () => {
      for await (const _ of stream);
    })();
    await within(
      stateWhere(stream, (s) => s.type === "open" && s.connection === 2),
      5000,
      "a second connection",
    );
    expect(connections).toBeGreaterThanOrEqual(3);
    await stream.close();
  });

  it("open is called before every attempt, so each handshake carries a freshly fetched token", async () => {
    const seen: string[] = [];
    const listener = await server(() => {}, {
      verify: (request) => {
        const token = request.headers.get("authorization") ?? "";
        seen.push(token);
        return token === "Bearer 3" ? true : { status: 503 };
      },
    });
    let issued = 0;
    const freshToken = async () => `Bearer ${++issued}`;
    const stream = reconnecting(
      async ({ attempt }) =>
        connect(listener.url, { headers: { authorization: await freshToken(), "x-attempt": `${attempt}` } }),
      fast,
    );
    await within(
      stateWhere(stream, (s) => s.type === "open"),
      5000,
      "open",
    );
    expect(seen).toEqual(["Bearer 1", "Bearer 2", "Bearer 3"]);
    await stream.close();
  });
});
