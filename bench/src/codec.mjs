// Codec-only microbenchmarks in one process (tinybench): decode and encode of the same bytes, ours next to
// the peer codecs. Before timing, every codec's output is compared with the others' (same messages, same
// bytes); inside the timed loop each run checks its message count and byte total, so nothing is optimised
// away and a broken codec fails the run instead of looking fast.
import { Buffer } from "node:buffer";
import * as lp from "it-length-prefixed";
import split2 from "split2";
import { Bench } from "tinybench";
import { Receiver, Sender } from "ws";
import { encodeFrame } from "./wire.mjs";

const CHUNK = 64 * 1024;

function chunked(bytes) {
  const out = [];
  for (let i = 0; i < bytes.length; i += CHUNK) out.push(bytes.subarray(i, i + CHUNK));
  return out;
}

async function importOurs(specifier) {
  try {
    return await import(specifier);
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") return undefined;
    throw error;
  }
}

/** Run a framing session over `chunks` (or `send` each of `messages`) and collect what it reports. */
function runSession(framing, role, { chunks, messages }) {
  const out = { messages: [], writes: [], end: undefined };
  const session = framing.open(
    {
      message: (m) => out.messages.push(m),
      write: (bytes) => out.writes.push(bytes),
      warn: () => {},
      end: (outcome) => (out.end = outcome),
    },
    { role },
  );
  if (chunks) for (const chunk of chunks) session.receive(chunk);
  if (messages) for (const message of messages) session.send(message);
  if (out.end?.error) throw out.end.error;
  return out;
}

/** A sink that only counts, for the timed loops. */
function countingSession(framing, role) {
  const state = { messages: 0, bytes: 0 };
  const session = framing.open(
    {
      message: (m) => {
        state.messages++;
        state.bytes += m.length;
      },
      write: (bytes) => (state.bytes += bytes.length),
      warn: () => {},
      end: (outcome) => {
        if (outcome.error) throw outcome.error;
      },
    },
    { role },
  );
  return { session, state };
}

function sameBytes(a, b) {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function assertSameMessages(label, actual, expected) {
  if (actual.length !== expected.length)
    throw new Error(`codec bench ${label}: ${actual.length} messages, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const same =
      typeof expected[i] === "string" ? actual[i] === expected[i] : sameBytes(toBytes(actual[i]), expected[i]);
    if (!same) throw new Error(`codec bench ${label}: message ${i} differs from the expected one`);
  }
}

function assertSameBytes(label, chunks, expected) {
  const joined = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  if (!joined.equals(expected)) throw new Error(`codec bench ${label}: encoded bytes differ from the expected wire`);
}

function check(label, actual, expected) {
  if (actual !== expected) throw new Error(`codec bench ${label}: got ${actual}, expected ${expected}`);
}

const toBytes = (m) => (typeof m.subarray === "function" && !(m instanceof Uint8Array) ? m.subarray() : m);

/** it-length-prefixed yields Uint8ArrayList (a list of chunk views) or Uint8Array depending on version. */
function decodeItLp(chunks) {
  return [...lp.decode(chunks)].map(toBytes);
}

function decodeSplit2(chunks) {
  const lines = [];
  const splitter = split2();
  splitter.on("data", (line) => lines.push(line));
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  return lines;
}

function decodeWsReceiver(chunks) {
  const messages = [];
  const receiver = new Receiver({ isServer: true, maxPayload: 64 << 20 });
  receiver.on("message", (data) => messages.push(data));
  for (const chunk of chunks) receiver.write(chunk);
  return messages;
}

const wsFrameOptions = { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: false };

/** Fresh copies of masked frames: unmasking in place (both ws and ours do) must not see unmasked input. */
function freshChunks(wire) {
  return chunked(Buffer.from(wire));
}

/** The cases at one message size; `ours` holds our modules (undefined when not built). */
function casesAt(size, count, ours) {
  const payloads = Array.from({ length: count }, () => new Uint8Array(size).fill(0x5a));
  const lines = Array.from({ length: count }, () => "a".repeat(size));
  const lpWire = Buffer.concat(payloads.map(() => encodeFrame("lp-varint", size)));
  const nlWire = Buffer.concat(payloads.map(() => encodeFrame("newline", size)));
  const wsMasked = Buffer.concat(payloads.map(() => encodeFrame("ws", size)));
  const wsServerWire = Buffer.concat(payloads.flatMap((p) => Sender.frame(Buffer.from(p), wsFrameOptions)));
  const lpChunks = chunked(lpWire);
  const nlChunks = chunked(nlWire);
  const total = count * size;

  const cases = [];
  const add = (group, impl, missing, verify, run) => cases.push({ group, impl, missing, verify, run });

  // ---- length-prefix (varint) -------------------------------------------------------------------
  const lpFraming = () => ours.lengthPrefix.lengthPrefix({ header: "varint" });
  add(
    "length-prefix decode",
    "framed",
    !ours.lengthPrefix,
    () =>
      assertSameMessages(
        "framed lp decode",
        runSession(lpFraming(), "server", { chunks: lpChunks }).messages,
        payloads,
      ),
    () => {
      const { session, state } = countingSession(lpFraming(), "server");
      for (const chunk of lpChunks) session.receive(chunk);
      check("framed lp decode", state.bytes, total);
    },
  );
  add(
    "length-prefix decode",
    "it-length-prefixed",
    false,
    () => assertSameMessages("it-lp decode", decodeItLp(lpChunks), payloads),
    () => {
      // A Uint8ArrayList is joined into one Uint8Array, as a user needs it (and as ours hands it out).
      let bytes = 0;
      for (const message of lp.decode(lpChunks)) bytes += toBytes(message).byteLength;
      check("it-lp decode", bytes, total);
    },
  );
  add(
    "length-prefix encode",
    "framed",
    !ours.lengthPrefix,
    () => assertSameBytes("framed lp encode", runSession(lpFraming(), "client", { messages: payloads }).writes, lpWire),
    () => {
      const { session, state } = countingSession(lpFraming(), "client");
      for (const payload of payloads) session.send(payload);
      check("framed lp encode", state.bytes, lpWire.length);
    },
  );
  add(
    "length-prefix encode",
    "it-length-prefixed",
    false,
    () => assertSameBytes("it-lp encode", [...lp.encode(payloads)].map(toBytes), lpWire),
    () => {
      let bytes = 0;
      for (const chunk of lp.encode(payloads)) bytes += chunk.byteLength;
      check("it-lp encode", bytes, lpWire.length);
    },
  );

  // ---- newline (text lines) ---------------------------------------------------------------------
  const nlFraming = () => ours.newline.newline();
  add(
    "newline decode",
    "framed",
    !ours.newline,
    () =>
      assertSameMessages(
        "framed newline decode",
        runSession(nlFraming(), "server", { chunks: nlChunks }).messages,
        lines,
      ),
    () => {
      const { session, state } = countingSession(nlFraming(), "server");
      for (const chunk of nlChunks) session.receive(chunk);
      check("framed newline decode", state.bytes, total);
    },
  );
  add(
    "newline decode",
    "split2",
    false,
    () => assertSameMessages("split2 decode", decodeSplit2(nlChunks), lines),
    () => {
      let bytes = 0;
      const splitter = split2();
      splitter.on("data", (line) => (bytes += line.length));
      for (const chunk of nlChunks) splitter.write(chunk);
      splitter.end();
      check("split2 decode", bytes, total);
    },
  );
  add(
    "newline encode",
    "framed",
    !ours.newline,
    () =>
      assertSameBytes("framed newline encode", runSession(nlFraming(), "client", { messages: lines }).writes, nlWire),
    () => {
      const { session, state } = countingSession(nlFraming(), "client");
      for (const line of lines) session.send(line);
      check("framed newline encode", state.bytes, nlWire.length);
    },
  );
  add(
    "newline encode",
    'Buffer.from(line + "\\n")',
    false,
    () =>
      assertSameBytes(
        "Buffer.from encode",
        lines.map((line) => Buffer.from(`${line}\n`)),
        nlWire,
      ),
    () => {
      let bytes = 0;
      for (const line of lines) bytes += Buffer.from(`${line}\n`).length;
      check("Buffer.from encode", bytes, nlWire.length);
    },
  );

  // ---- websocket (binary; server side: masked in, unmasked out) ----------------------------------
  const wsFraming = () => ours.websocket.websocketFraming({ maxMessageSize: 64 << 20 });
  add(
    "websocket decode (server, masked)",
    "framed",
    !ours.websocket,
    () =>
      assertSameMessages(
        "framed ws decode",
        runSession(wsFraming(), "server", { chunks: freshChunks(wsMasked) }).messages,
        payloads,
      ),
    () => {
      const { session, state } = countingSession(wsFraming(), "server");
      for (const chunk of freshChunks(wsMasked)) session.receive(chunk);
      check("framed ws decode", state.bytes, total);
    },
  );
  add(
    "websocket decode (server, masked)",
    "ws Receiver",
    false,
    () => assertSameMessages("ws Receiver decode", decodeWsReceiver(freshChunks(wsMasked)), payloads),
    () => {
      let bytes = 0;
      const receiver = new Receiver({ isServer: true, maxPayload: 64 << 20 });
      receiver.on("message", (data) => (bytes += data.length));
      for (const chunk of freshChunks(wsMasked)) receiver.write(chunk);
      check("ws Receiver decode", bytes, total);
    },
  );
  add(
    "websocket encode (server)",
    "framed",
    !ours.websocket,
    () =>
      assertSameBytes(
        "framed ws encode",
        runSession(wsFraming(), "server", { messages: payloads }).writes,
        wsServerWire,
      ),
    () => {
      const { session, state } = countingSession(wsFraming(), "server");
      for (const payload of payloads) session.send(payload);
      check("framed ws encode", state.bytes, wsServerWire.length);
    },
  );
  add(
    "websocket encode (server)",
    "ws Sender.frame",
    false,
    () =>
      assertSameBytes(
        "ws Sender.frame",
        payloads.flatMap((p) => Sender.frame(p, wsFrameOptions)),
        wsServerWire,
      ),
    () => {
      let bytes = 0;
      for (const payload of payloads) for (const part of Sender.frame(payload, wsFrameOptions)) bytes += part.length;
      check("ws Sender.frame", bytes, wsServerWire.length);
    },
  );
  return cases;
}

/**
 * @returns rows `{ size, group, impl, messagesPerSecond | status }`, also printed.
 */
export async function runCodecBench({ quick, log = console.log }) {
  const ours = {
    lengthPrefix: await importOurs("@framed/length-prefix"),
    newline: await importOurs("@framed/newline"),
    websocket: await importOurs("@framed/websocket"),
  };
  const sizes = quick
    ? [[64, 10_000]]
    : [
        [64, 10_000],
        [65536, 64],
      ];
  const rows = [];
  for (const [size, count] of sizes) {
    const cases = casesAt(size, count, ours);
    const bench = new Bench({ time: quick ? 150 : 700, warmupTime: quick ? 50 : 200, throws: true });
    for (const c of cases) {
      if (c.missing) continue;
      c.verify();
      bench.add(`${c.group}: ${c.impl}`, c.run);
    }
    await bench.run();
    for (const c of cases) {
      const row = { size, messages: count, group: c.group, impl: c.impl };
      if (c.missing) row.status = "not built yet";
      else {
        const task = bench.getTask(`${c.group}: ${c.impl}`);
        row.messagesPerSecond = Math.round((count * 1000) / task.result.period);
      }
      rows.push(row);
    }
  }
  log(`\nCodec only (in process; ${CHUNK / 1024} KiB chunks; outputs checked equal before timing):`);
  for (const row of rows) {
    const rate = row.status ?? `${row.messagesPerSecond.toLocaleString("en-US")} msg/s`;
    const base = rows.find((r) => r.size === row.size && r.group === row.group && r.impl === "framed");
    const ratio =
      row.impl !== "framed" && base?.messagesPerSecond && row.messagesPerSecond
        ? `  framed is ${(base.messagesPerSecond / row.messagesPerSecond).toFixed(2)}×`
        : "";
    log(`  ${String(row.size).padStart(6)} B  ${`${row.group}: ${row.impl}`.padEnd(58)} ${rate.padStart(18)}${ratio}`);
  }
  return rows;
}
