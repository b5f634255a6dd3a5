// The core conformance kit over the WebSocket framing, both roles, with and without permessage-deflate.
import {
  checkConformance,
  checkRandomBytes,
  checkRandomSplits,
  concatBytes,
  encodeMessages,
} from "@framed/core/testing";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type WebSocketOptions, websocketFraming } from "../../src/index.ts";
import { closePayload, deflateParams, frame, open } from "./frames.ts";

const MESSAGES: (string | Uint8Array)[] = [
  "",
  new Uint8Array(0),
  "hello",
  "κόσμε \u{1F600} €",
  Uint8Array.from({ length: 300 }, (_, i) => i & 0xff),
  new Uint8Array(70_000).map((_, i) => (i * 13) & 0xff),
];

/** The peer's encoding of MESSAGES followed by its close frame (EOF without a close is an error in WebSocket). */
function encodedBy(role: "client" | "server", options: WebSocketOptions, messages = MESSAGES): Uint8Array {
  const framing = websocketFraming(options);
  return concatBytes([
    encodeMessages(framing, messages, role),
    frame({ opcode: 0x8, payload: closePayload(1000), mask: role === "client" }),
  ]);
}

describe("conformance kit", () => {
  for (const decoder of ["server", "client"] as const) {
    const encoder = decoder === "server" ? "client" : "server";

    test(`every split of a ${encoder}'s frames decodes to the same messages (${decoder} decodes, small messages)`, () => {
      const small = MESSAGES.slice(0, 4);
      checkConformance(
        { framing: websocketFraming(), messages: small, role: decoder, encoded: encodedBy(encoder, {}, small) },
        { numRuns: 100 },
      );
    });

    // checkEverySplit is quadratic in the encoded size, so the 70 kB message gets random splits only.
    test(`random splits of a ${encoder}'s frames, with a 70 kB message, decode alike (${decoder} decodes)`, () => {
      checkRandomSplits(
        { framing: websocketFraming(), messages: MESSAGES, role: decoder, encoded: encodedBy(encoder, {}) },
        { numRuns: 100 },
      );
    });

    test(`compressed messages survive every split (${decoder} decodes, permessage-deflate)`, () => {
      const options = { deflate: deflateParams(), compressionThreshold: 0 };
      const messages = ["", "hello hello hello", "κόσμε κόσμε κόσμε", new Uint8Array(200).fill(1)];
      checkConformance(
        { framing: websocketFraming(options), messages, role: decoder, encoded: encodedBy(encoder, options, messages) },
        { numRuns: 100 },
      );
    });

    test(`random bytes end in messages or a FramedError, never a throw (${decoder})`, () => {
      checkRandomBytes(websocketFraming(), { role: decoder, numRuns: 400 });
      checkRandomBytes(websocketFraming({ deflate: deflateParams(), maxMessageSize: 4096 }), {
        role: decoder,
        numRuns: 400,
      });
    });
  }

  test("random payloads behind valid compressed-frame headers end in messages or a FramedError", () => {
    // An unmasked RSV1 binary frame header of 60 bytes, so the random tail goes through the inflater.
    checkRandomBytes(websocketFraming({ deflate: deflateParams(), maxMessageSize: 4096 }), {
      role: "client",
      seedPrefix: Uint8Array.of(0xc2, 60),
      numRuns: 400,
    });
  });

  test("random text frames are either valid UTF-8 messages or fail with 1007", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (payload) => {
        const harness = open();
        harness.session.receive(frame({ opcode: 0x1, payload }));
        let valid = true;
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(payload);
        } catch {
          valid = false;
        }
        if (valid) expect(harness.record.messages.length).toBe(1);
        else expect(harness.record.end?.code).toBe(1007);
      }),
      { numRuns: 300 },
    );
  });
});
