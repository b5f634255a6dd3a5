// Node CommonJS consumer: every framing's `/node` entry by `require`, plus the rule that an error from a
// framing entry is a FramedError of `@framed/core` (one class, however many entry files were loaded).
"use strict";
const checks = require("./echo-checks.cjs");
const core = require("@framed/core");
const lengthPrefix = require("@framed/length-prefix/node");
const newline = require("@framed/newline/node");
const websocket = require("@framed/websocket/node");

async function errorIdentity() {
  const check = "Node CommonJS (require): an error from @framed/newline/node is a FramedError of @framed/core";
  try {
    const listener = await newline.listen({ host: "127.0.0.1", port: 0 }, (stream) => stream.close());
    let error;
    try {
      const stream = await newline.connect({ host: "127.0.0.1", port: listener.address.port });
      await checks.within(stream.close(), "client close");
      error = await stream.send("after close").then(
        () => undefined,
        (e) => e,
      );
    } finally {
      await checks.within(listener.close(), "server close");
    }
    if (error === undefined) throw new Error("send after close resolved");
    const facts = [
      `code ${error.code}`,
      `instanceof FramedError ${error instanceof core.FramedError}`,
      `isFramedError ${core.isFramedError(error)}`,
    ];
    if (error.code !== "CLOSED" || !(error instanceof core.FramedError) || !core.isFramedError(error)) {
      throw new Error(`send after close rejected with ${facts.join(", ")}`);
    }
    return { check, ok: true };
  } catch (error) {
    return { check, ok: false, detail: error.message };
  }
}

(async () => {
  const both = (module) => ({ server: module, client: module });
  const results = await checks.runEchoes("Node CommonJS (require)", {
    "length-prefix": both(lengthPrefix),
    newline: both(newline),
    websocket: both(websocket),
  });
  results.push(await errorIdentity());
  checks.report(results);
})();
