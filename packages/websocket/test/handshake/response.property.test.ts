// Property tests for the client's side of the handshake: any bytes, or a real 101 mutated, read through the
// response head reader and checked against our request give an agreement or a HANDSHAKE_FAILED, never
// another exception, and the same at every split.
import { FramedError } from "@framed/core";
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

type Mutation =
  | { kind: "flip"; at: number; byte: number }
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc
      .constantFrom(
        ":",
        "\r\n",
        " ",
        ",",
        ";",
        "=",
        '"',
        "\\",
        "\r\n\r\n",
        "\0",
        "\n",
        "\t",
        "server_max_window_bits=8",
      )
      .map(latin1Bytes),
  }),
);

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  const out = [...bytes];
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    if (m.kind === "flip" && out.length > 0) out[at % out.length] = m.byte;
    else if (m.kind === "delete") out.splice(at, m.length);
    else if (m.kind === "insert") out.splice(at, 0, ...m.bytes);
  }
  return Uint8Array.from(out);
}

function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe("client handshake over arbitrary responses", () => {
  it("the unmutated 101 is agreed with its subprotocol and permessage-deflate, at any split", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), (cuts) => {
        expect(clientOutcome(split(VALID, cuts))).toEqual({ kind: "agreed", protocol: "chat", deflate: true });
      }),
      { numRuns: 300 },
    );
  });

  it("random bytes give need-more, an agreement or HANDSHAKE_FAILED, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        clientOutcome(split(bytes, cuts));
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
          const bytes = mutate(VALID, mutations);
          const whole = clientOutcome([bytes]);
          expect(clientOutcome(split(bytes, cuts))).toEqual(whole);
          // Only what was offered can be agreed, however the response was bent.
          if (whole.kind === "agreed") expect(["", "chat", "superchat"]).toContain(whole.protocol);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
