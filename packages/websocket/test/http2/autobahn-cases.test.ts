// The shared Autobahn-category cases (../shared/autobahn-cases.ts) over HTTP/2: each raw peer is an RFC 8441
// extended CONNECT stream on one HTTP/2 session to a framed echo server, sending hand-built frames, while a
// healthy raw WebSocket stream on the same session checks that sibling streams never notice.
import { once } from "node:events";
import * as http2 from "node:http2";
import { within } from "@framed/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frame, RawClient } from "../node/helpers.ts";
import { AUTOBAHN_SERVER_OPTIONS, type AutobahnServer, autobahnCases } from "../shared/autobahn-cases.ts";
import { type RawPeer, textOf } from "../shared/wire.ts";
import { type Http2EchoServer, http2EchoServer, tlsFixture } from "./http2-helpers.ts";

let server: Http2EchoServer;
let session: http2.ClientHttp2Session;
let healthy: RawPeer;

beforeAll(async () => {
  server = await http2EchoServer(AUTOBAHN_SERVER_OPTIONS);
  session = http2.connect(`https://127.0.0.1:${server.port}`, { ca: tlsFixture.cert });
  await within(once(session, "remoteSettings"), 5000, "the server's SETTINGS");
  healthy = await autobahn.open();
});

afterAll(async () => {
  healthy?.destroy();
  await server?.close();
  session?.destroy();
});

/** HTTP/2 fields for the HTTP/1.1 request a case asks for: its WebSocket fields, not its connection ones. */
function connectFields(request: string | undefined): http2.OutgoingHttpHeaders {
  const fields: http2.OutgoingHttpHeaders = {
    ":method": "CONNECT",
    ":protocol": "websocket",
    ":scheme": "https",
    ":path": "/",
    ":authority": `127.0.0.1:${server.port}`,
    "sec-websocket-version": "13",
  };
  for (const line of (request ?? "").split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name.startsWith("sec-websocket-") && name !== "sec-websocket-key") fields[name] = line.slice(colon + 1).trim();
  }
  return fields;
}

const autobahn: AutobahnServer = {
  open: async (options = {}) => {
    const stream = session.request(connectFields(options.request), { endStream: false });
    stream.on("error", () => {});
    // A TCP peer's socket closes when the server ends it; an HTTP/2 stream only once both halves ended.
    stream.on("end", () => stream.end());
    const [fields] = (await within(once(stream, "response"), 5000, "the CONNECT response")) as [
      http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader,
    ];
    if (fields[":status"] !== 200) throw new Error(`expected a 200, got ${fields[":status"]}`);
    const response = Object.entries(fields)
      .map(([name, value]) => `${name}: ${value}`)
      .join("\r\n");
    if (options.extra) stream.write(options.extra);
    return RawClient.over(stream, response);
  },
  healthyStillEchoes: async () => {
    healthy.send(frame(0x1, "still here"));
    expect(textOf((await healthy.read()).payload)).toBe("still here");
    expect(session.closed || session.destroyed).toBe(false);
  },
};

const categories = [...new Set(autobahnCases.map((entry) => entry.category))];
for (const category of categories) {
  describe(category, () => {
    for (const entry of autobahnCases.filter((candidate) => candidate.category === category)) {
      it(entry.name, () => entry.run(autobahn));
    }
  });
}
