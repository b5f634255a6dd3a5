// The shared vocabulary on Deno: `{ host, port }` addresses (Deno's `hostname` accepted as a deprecated alias),
// `server` on the listener, and TLS `ca` to connect (the old `caCerts` still accepted).

import { connect, listen } from "../src/deno.ts";
import { check, checkEqual } from "./fixtures/check.ts";
import { roundTrip } from "./fixtures/round-trip.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

async function echo(stream: AsyncIterable<string> & { send(message: string): Promise<void> }) {
  for await (const message of stream) await stream.send(message);
}

Deno.test("Deno vocabulary: listen and connect take host, and hostname as its alias; the listener has server", async () => {
  const server = await listen({ host: "127.0.0.1", port: 0 }, tinyFraming(), echo);
  try {
    checkEqual(server.address.host, "127.0.0.1", "address.host");
    check(server.server.addr.transport === "tcp", "server is the Deno.Listener");
    for (const address of [
      { host: "127.0.0.1", port: server.address.port },
      { hostname: "127.0.0.1", port: server.address.port },
    ]) {
      const client = await connect(address, tinyFraming());
      checkEqual(await roundTrip(client, ["one", "two"]), ["one", "two"], `echoed via ${Object.keys(address)[0]}`);
      await client.closed;
    }
  } finally {
    await server.close();
  }
});

Deno.test("Deno vocabulary: TLS connect trusts certificates given as ca, and as the deprecated caCerts", async () => {
  const fixture = (name: string) => Deno.readTextFile(new URL(`../../../test-support/tls/${name}`, import.meta.url));
  const cert = await fixture("localhost.cert.pem");
  const key = await fixture("localhost.key.pem");
  const server = await listen({ port: 0 }, tinyFraming(), echo, { tls: { cert, key } });
  try {
    for (const tls of [{ ca: cert }, { ca: [cert] }, { caCerts: [cert] }]) {
      const client = await connect({ port: server.address.port }, tinyFraming(), { tls });
      checkEqual(
        await roundTrip(client, ["secret"]),
        ["secret"],
        `echoed over TLS with ${JSON.stringify(Object.keys(tls))}`,
      );
      await client.closed;
    }
  } finally {
    await server.close();
  }
});
