// Fuzzing every decoder in the test command (pnpm stress runs 100k cases): valid encodings mutated (bytes flipped,
// cut, inserted, repeated) and split at random, plus plain random bytes. Only messages under maxMessageSize or a
// FramedError come out; never another exception, never a report after the end, never a case that takes long.
import { FramedError, type Framing, type Role } from "@framed/core";
import { applyMutations, byteMutation, concatBytes, decodeChunks, encodeMessages, splitAt } from "@framed/core/testing";
import { lengthPrefix } from "@framed/length-prefix";
import { ndjson, newline, newlineBytes } from "@framed/newline";
import { DEFAULT_DEFLATE_PARAMS, websocketFraming } from "@framed/websocket";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const MUTATED_CASES = 2000;
const RANDOM_CASES = 1000;
/** A decoder is synchronous: "never hangs" means each case returns, and quickly. */
const CASE_TIME_LIMIT_MS = 1000;

interface Subject {
  name: string;
  framing: Framing<unknown>;
  /** The decoding side; the valid input is encoded by the other. */
  role: Role;
  maxMessageSize: number;
  messages: unknown[];
  /** Byte size of a decoded message, or undefined when it has none to check (a JSON value). */
  sizeOf(message: unknown): number | undefined;
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;
const bytesOrText = (message: unknown) =>
  typeof message === "string" ? utf8Length(message) : message instanceof Uint8Array ? message.length : Number.NaN;
const bytes = (...values: number[]) => Uint8Array.from(values);

const subjects: Subject[] = [
  {
    name: "length-prefix (uint32be)",
    framing: lengthPrefix({ maxMessageSize: 64 }) as Framing<unknown>,
    role: "server",
    maxMessageSize: 64,
    messages: [bytes(), bytes(1, 2, 3), new Uint8Array(64).fill(7), bytes(0xff)],
    sizeOf: bytesOrText,
  },
  {
    name: "length-prefix (varint, oversize discard)",
    framing: lengthPrefix({ header: "varint", maxMessageSize: 200, oversize: "discard" }) as Framing<unknown>,
    role: "server",
    maxMessageSize: 200,
    messages: [bytes(9), new Uint8Array(130).fill(1), bytes(), new Uint8Array(200).fill(2)],
    sizeOf: bytesOrText,
  },
  {
    name: "newline (text)",
    framing: newline({ maxMessageSize: 32 }) as Framing<unknown>,
    role: "server",
    maxMessageSize: 32,
    messages: ["hello", "", "héllo wörld 😀", "tab\tand\rcr", "x".repeat(32)],
    sizeOf: bytesOrText,
  },
  {
    name: "newline (bytes, two-byte delimiter, oversize skip)",
    framing: newlineBytes({ delimiter: "\r\n", maxMessageSize: 16, oversize: "skip" }) as Framing<unknown>,
    role: "server",
    maxMessageSize: 16,
    messages: [bytes(1, 13, 2), bytes(), new Uint8Array(16).fill(10)],
    sizeOf: bytesOrText,
  },
  {
    name: "ndjson",
    framing: ndjson({ maxMessageSize: 64 }) as Framing<unknown>,
    role: "server",
    maxMessageSize: 64,
    messages: [{ a: 1, b: [true, null] }, "s\nt", 42.5, [], { nested: { deep: "é😀" } }],
    sizeOf: () => undefined,
  },
  {
    name: "websocket (server reads masked client frames)",
    framing: websocketFraming({ maxMessageSize: 300 }) as Framing<unknown>,
    role: "server",
    maxMessageSize: 300,
    messages: ["hello", bytes(1, 2, 3), "", "κόσμε 😀", new Uint8Array(200).fill(3)],
    sizeOf: bytesOrText,
  },
  {
    name: "websocket (client reads server frames)",
    framing: websocketFraming({ maxMessageSize: 300 }) as Framing<unknown>,
    role: "client",
    maxMessageSize: 300,
    messages: ["hello", bytes(1, 2, 3), "", new Uint8Array(300).fill(4)],
    sizeOf: bytesOrText,
  },
  {
    name: "websocket permessage-deflate (server reads compressed frames)",
    framing: websocketFraming({
      maxMessageSize: 300,
      deflate: DEFAULT_DEFLATE_PARAMS,
      compressionThreshold: 0,
    }) as Framing<unknown>,
    role: "server",
    maxMessageSize: 300,
    messages: ["compress me ".repeat(20), bytes(5, 5, 5, 5), "", new Uint8Array(300)],
    sizeOf: bytesOrText,
  },
];

// Bytes that matter to some framing: delimiters, varint continuation, big lengths, opcodes, JSON syntax.
const mutation = byteMutation(
  [
    bytes(10),
    bytes(13, 10),
    bytes(0x80),
    bytes(0xff, 0xff, 0xff, 0xff),
    bytes(0x7f),
    bytes(0x88, 0x80),
    bytes(0xc1),
    bytes(0x22),
    bytes(0x7b),
  ],
  16,
);

function cutsFor(length: number, raw: readonly number[]): number[] {
  if (length < 2) return [];
  return [...new Set(raw.map((c) => 1 + (c % (length - 1))))].sort((a, b) => a - b);
}

/** Decode `input` in `chunks`; throw a descriptive Error when any rule is broken. */
function checkDecode(subject: Subject, input: Uint8Array, rawCuts: readonly number[]): void {
  const started = performance.now();
  let record: ReturnType<typeof decodeChunks<unknown>>;
  try {
    // Fresh copies: a session may change the chunks it is given (WebSocket unmasks in place).
    const chunks = splitAt(input, cutsFor(input.length, rawCuts)).map((chunk) => chunk.slice());
    record = decodeChunks(subject.framing, chunks, { role: subject.role });
  } catch (error) {
    throw new Error(`${subject.name}: threw instead of ending with a FramedError: ${String(error)}`);
  }
  const error = record.end?.error;
  if (error !== undefined && !(error instanceof FramedError)) {
    throw new Error(`${subject.name}: ended with a non-FramedError: ${String(error)}`);
  }
  for (const warning of record.warnings) {
    if (!(warning instanceof FramedError)) throw new Error(`${subject.name}: warned with ${String(warning)}`);
  }
  for (const message of record.messages) {
    const size = subject.sizeOf(message);
    if (size !== undefined && !(size <= subject.maxMessageSize)) {
      throw new Error(
        `${subject.name}: delivered a ${size}-byte message over maxMessageSize ${subject.maxMessageSize}`,
      );
    }
  }
  const took = performance.now() - started;
  if (took > CASE_TIME_LIMIT_MS) throw new Error(`${subject.name}: one case took ${Math.round(took)} ms`);
}

describe.each(subjects)("$name", (subject) => {
  const valid = encodeMessages(subject.framing, subject.messages, subject.role === "server" ? "client" : "server");

  it(`${MUTATED_CASES} mutated valid inputs end in messages under the limit or a FramedError, never a throw`, () => {
    fc.assert(
      fc.property(
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (mutations, cuts) => checkDecode(subject, applyMutations(valid, mutations), cuts),
      ),
      { numRuns: MUTATED_CASES },
    );
  });

  it(`${RANDOM_CASES} random inputs after a valid prefix end in messages under the limit or a FramedError`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), fc.array(fc.nat(), { maxLength: 12 }), (random, cuts) =>
        checkDecode(subject, concatBytes([valid.subarray(0, valid.length >> 1), random]), cuts),
      ),
      { numRuns: RANDOM_CASES },
    );
  });

  it("the unmutated valid input decodes to every message (the fuzz starts from a real encoding)", () => {
    const record = decodeChunks(subject.framing, [valid.slice()], { role: subject.role, end: false });
    expect(record.end).toBeUndefined();
    expect(record.messages).toHaveLength(subject.messages.length);
  });
});
