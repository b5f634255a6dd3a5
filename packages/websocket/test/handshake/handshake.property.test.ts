// Property tests: any bytes or mutated request give a parsed request or a FramedError, never anything else;
// any client offer our server answers is accepted by our client.
import { FramedError } from "@framed/core";
import { applyMutations, byteMutation, splitAnywhere } from "@framed/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createClientHandshake, validateUpgradeResponse } from "../../src/handshake/client-handshake.ts";
import { parseExtensionHeader } from "../../src/handshake/extension-header.ts";
import { HttpHeadReader, parseRequestHead, parseResponseHead } from "../../src/handshake/http-head.ts";
import { acceptUpgrade, validateUpgradeRequest } from "../../src/handshake/server-handshake.ts";
import { latin1Bytes, latin1Text, requestBytes } from "./requests.ts";

type Outcome =
  | { kind: "need-more" }
  | { kind: "request"; url: string }
  | { kind: "refused"; status: number | undefined };

/** Drive the server's sans-I/O path over chunks; anything thrown that is not a FramedError fails the test. */
function serverOutcome(chunks: readonly Uint8Array[], maxSize = 2048): Outcome {
  const reader = new HttpHeadReader("request", maxSize);
  try {
    for (const chunk of chunks) {
      const head = reader.push(chunk);
      if (head) return { kind: "request", url: validateUpgradeRequest(parseRequestHead(head.text)).url };
    }
    return { kind: "need-more" };
  } catch (error) {
    if (!(error instanceof FramedError) || error.code !== "HANDSHAKE_FAILED") throw error;
    expect(error.status).toBeGreaterThanOrEqual(400);
    return { kind: "refused", status: error.status };
  }
}

/** Bytes that matter to an HTTP head, worth inserting. */
const mutation = byteMutation(
  [":", "\r\n", " ", ",", ";", "=", '"', "\\", "\r\n\r\n", "\0", "\n"].map(latin1Bytes),
  12,
);

describe("server handshake over arbitrary input", () => {
  it("random bytes give need-more, a request or a HANDSHAKE_FAILED with a 4xx/5xx status", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        serverOutcome(splitAnywhere(bytes, cuts));
      }),
      { numRuns: 500 },
    );
  });

  it("mutated valid requests give a request or a HANDSHAKE_FAILED, the same at every split", () => {
    const extensions = 'permessage-deflate; client_max_window_bits; server_max_window_bits="10", x-foo';
    const valid = requestBytes({ "Sec-WebSocket-Protocol": "chat, superchat", "Sec-WebSocket-Extensions": extensions });
    fc.assert(
      fc.property(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (mutations, cuts) => {
          const bytes = applyMutations(valid, mutations);
          const whole = serverOutcome([bytes]);
          expect(serverOutcome(splitAnywhere(bytes, cuts))).toEqual(whole);
          if (whole.kind === "request") {
            const request = validateUpgradeRequest(parseRequestHead(latin1Text(bytes).split("\r\n\r\n")[0]));
            expect(acceptUpgrade(request, { deflate: true, protocols: ["chat"] }).response.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a valid request is read the same at any split", () => {
    const valid = requestBytes({}, new Uint8Array([0x88, 0x80, 1, 2, 3, 4]));
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), (cuts) => {
        expect(serverOutcome(splitAnywhere(valid, cuts))).toEqual({ kind: "request", url: "/chat" });
      }),
      { numRuns: 300 },
    );
  });

  it("random extension headers parse or throw ExtensionSyntaxError, never anything else", () => {
    const alphabet = fc.constantFrom(...'permessage-deflate; client_max_window_bits="15", \\\t x'.split(""));
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 60 }).map((chars) => chars.join("")),
        (header) => {
          try {
            parseExtensionHeader(header);
          } catch (error) {
            expect((error as Error).name).toBe("ExtensionSyntaxError");
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("client and server agree", () => {
  const deflateOptions = fc.option(
    fc.record(
      {
        serverNoContextTakeover: fc.boolean(),
        clientNoContextTakeover: fc.boolean(),
        serverMaxWindowBits: fc.integer({ min: 9, max: 15 }),
        clientMaxWindowBits: fc.integer({ min: 9, max: 15 }),
      },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  );

  it("whatever the offers and preferences, our client accepts our server's 101 and both see the same agreement", () => {
    const protocol = fc.stringMatching(/^[a-z][a-z0-9.]{0,8}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(protocol, { maxLength: 4 }),
        fc.uniqueArray(protocol, { maxLength: 4 }),
        deflateOptions,
        deflateOptions,
        (offered, supported, clientDeflate, serverDeflate) => {
          const client = createClientHandshake({
            host: "h",
            path: "/",
            protocols: offered,
            deflate: clientDeflate ?? true,
          });
          const request = validateUpgradeRequest(parseRequestHead(latin1Text(client.request).slice(0, -4)));
          const server = acceptUpgrade(request, { protocols: supported, deflate: serverDeflate ?? true });
          const result = validateUpgradeResponse(parseResponseHead(latin1Text(server.response).slice(0, -4)), client);
          expect(result.protocol).toBe(server.protocol);
          expect(result.deflate).toEqual(server.deflate);
          if (server.protocol) expect(offered).toContain(server.protocol);
        },
      ),
      { numRuns: 500 },
    );
  });
});
