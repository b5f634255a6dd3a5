// Real Deno: reconnecting() over Deno TCP (@framed/length-prefix/deno) against the example's Node server,
// which is killed (SIGKILL) and started again on the same port. Sends made during the outage are queued and
// arrive in order, once, before later ones.
import assert from "node:assert/strict";
import { asText, reconnecting } from "@framed/core";
import { connect } from "@framed/length-prefix/deno";

declare const Deno: {
  Command: new (
    command: string,
    options: { args: string[]; cwd: string; stdout: "piped"; stderr: "inherit"; stdin: "piped" },
  ) => {
    spawn(): {
      stdout: ReadableStream<Uint8Array>;
      stdin: WritableStream<Uint8Array>;
      kill(signal: string): void;
      status: Promise<{ code: number }>;
    };
  };
  test(name: string, fn: () => Promise<void>): void;
};

const root = new URL("../../..", import.meta.url).pathname;

/** Start serve.ts with Node on `port` (0: any); resolves once it listens, with its port and a kill. */
async function startNodeServer(port: number) {
  const child = new Deno.Command("node", {
    args: [
      "--conditions=source",
      "--import",
      "tsx",
      "examples/reconnect/serve.ts",
      "--framing",
      "length-prefix",
    ].concat(["--port", String(port)]),
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
    stdin: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  const deadline = Date.now() + 15_000;
  while (!/^listening (\d+)$/m.test(output) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    output += value;
  }
  let killed = false;
  const kill = async () => {
    if (killed) return; // the finally block may kill a server the test already killed
    killed = true;
    child.kill("SIGKILL");
    await reader.cancel();
    await child.stdin.close().catch(() => {});
    await child.status;
  };
  const listening = /^listening (\d+)$/m.exec(output);
  if (!listening) {
    await kill();
    throw new Error(`serve.ts did not start:\n${output}`);
  }
  return { port: Number(listening[1]), kill };
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("a Deno client survives its Node server being killed and restarted: queued sends arrive in order, once", async () => {
  let server = await startNodeServer(0);
  const port = server.port;
  const stream = reconnecting(async () => asText(await connect({ port }, { header: "varint" })), {
    minDelay: 20,
    maxDelay: 200,
  });
  const echoes: string[] = [];
  const reading = (async () => {
    for await (const message of stream) echoes.push(message);
  })();
  const results: string[] = [];
  const send = async (from: number, to: number) => {
    for (let i = from; i <= to; i++) results.push(await stream.sendOrQueue(`m${i}`));
  };
  try {
    await until(() => stream.state.type === "open", 5000, "the first connection");
    await send(1, 3);
    await until(() => echoes.length === 3, 5000, "echoes of m1..m3");
    await server.kill();
    await until(() => stream.state.type === "reconnecting", 5000, "the client to notice the outage");
    await send(4, 6);
    server = await startNodeServer(port);
    await until(() => stream.state.type === "open", 10_000, "the second connection");
    await send(7, 8);
    await until(() => echoes.length >= 8, 5000, "echoes of m4..m8");
    assert.deepEqual(echoes, ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"]);
    assert.deepEqual(results, ["sent", "sent", "sent", "queued", "queued", "queued", "sent", "sent"]);
  } finally {
    await stream.close();
    await reading;
    await server.kill();
  }
});
