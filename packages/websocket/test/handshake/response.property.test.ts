// Property tests for the client's side of the handshake: any bytes, or a real 101 mutated, read through the
// response head reader and checked against our request give an agreement or a HANDSHAKE_FAILED, never
// another exception, and the same at every split.
import { FramedError } from "@framed/core";
import { applyMutations, byteMutation, splitAnywhere } from "@framed/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createClientHandshake, validateUpgradeResponse } from "../../src/handshake/client-handshake.ts";
import { HttpHeadReader, parseRequestHead, parseResponseHead } from "../../src/handshake/http-head.ts";
import { acceptUpgrade, validateUpgradeRequest } from "../../src/handshake/server-handshake.ts";
import { latin1Bytes, latin1Text } from "./requests.ts";

const handshake = createClientHandshake({
  host: "server.example.com",
  path: "/chat",
  protocols: ["chat", "superchat"],
  deflate: true,
});
const request = validateUpgradeRequest(parseRequestHead(latin1Text(handshake.request).slice(0, -4)));
/** A real 101 from our server (subprotocol and permessage-deflate agreed) followed by a first frame. */
const VALID = Uint8Array.from([
  ...acceptUpgrade(request, { protocols: ["chat"], deflate: true }).response,
  0x81,
  0x02,
  0x68,
  0x69,
]);

type Outcome = { kind: "need-more" } | { kind: "agreed"; protocol: string; deflate: boolean } | { kind: "refused" };

/** Drive the client's sans-I/O path over chunks; anything thrown that is not HANDSHAKE_FAILED fails the test. */
function clientOutcome(chunks: readonly Uint8Array[]): Outcome {
  const reader = new HttpHeadReader("response", 2048);
  try {
    for (const chunk of chunks) {
      const head = reader.push(chunk);
      if (!head) continue;
      const result = validateUpgradeResponse(parseResponseHead(head.text), handshake, head.rest);
      return { kind: "agreed", protocol: result.protocol, deflate: result.deflate !== null };
    }
    return { kind: "need-more" };
  } catch (error) {
    if (!(error instanceof FramedError) || error.code !== "HANDSHAKE_FAILED") throw error;
    return { kind: "refused" };
  }
}

/** Bytes that matter to an HTTP head and its extension parameters, worth inserting. */
const mutation = byteMutation(
  [":", "\r\n", " ", ",", ";", "=", '"', "\\", "\r\n\r\n", "\0", "\n", "\t", "server_max_window_bits=8"].map(
    latin1Bytes,
  ),
  12,
);

describe("client handshake over arbitrary responses", () => {
  it("the unmutated 101 is agreed with its subprotocol and permessage-deflate, at any split", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), (cuts) => {
        expect(clientOutcome(splitAnywhere(VALID, cuts))).toEqual({ kind: "agreed", protocol: "chat", deflate: true });
      }),
      { numRuns: 300 },
    );
  });

  it("random bytes give need-more, an agreement or HANDSHAKE_FAILED, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        clientOutcome(splitAnywhere(bytes, cuts));
      }),
      { numRuns: 1000 },
    );
  });

  it("mutated 101 responses give an agreement or HANDSHAKE_FAILED, the same at every split", () => {
    fc.assert(
      fc.property(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (mutations, cuts) => {
          const bytes = applyMutations(VALID, mutations);
          const whole = clientOutcome([bytes]);
          expect(clientOutcome(splitAnywhere(bytes, cuts))).toEqual(whole);
          // Only what was offered can be agreed, however the response was bent.
          if (whole.kind === "agreed") expect(["", "chat", "superchat"]).toContain(whole.protocol);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
