// Codec-only microbenchmarks in one process (tinybench): decode and encode of the same bytes, ours next to
// the peer codecs, each result checked so nothing is optimised away.
import { createRequire } from "node:module";
import { lengthPrefix } from "@framed/length-prefix";
import { newline } from "@framed/newline";
import { websocketFraming } from "@framed/websocket";
import * as lp from "it-length-prefixed";
import split2 from "split2";
import { Bench } from "tinybench";
import { encodeFrame } from "./wire.mjs";

const require = createRequire(import.meta.url);
// ws does not export its Receiver; load it by path (the same code its servers run).
const Receiver = require(require.resolve("ws").replace(/index\.js$/, "lib/receiver.js"));

const COUNT = 10_000;
const SIZE = 64;

function chunks(bytes, size = 65536) {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

function countingSession(framing, role = "server") {
  const state = { messages: 0, bytes: 0, writes: 0 };
  const session = framing.open(
    {
      message: (m) => {
        state.messages++;
        state.bytes += m.length;
      },
      write: () => state.writes++,
      warn: () => {},
      end: () => {},
    },
    { role },
  );
  return { session, state };
}

function check(label, actual, expected) {
  if (actual !== expected) throw new Error(`codec bench ${label}: got ${actual}, expected ${expected}`);
}

export async function runCodecBench({ quick }) {
  const bench = new Bench({ time: quick ? 200 : 1000, warmupTime: 100 });
  const payloads = Array.from({ length: COUNT }, () => new Uint8Array(SIZE).fill(7));
  const lpWire = Buffer.concat(payloads.map(() => encodeFrame("lp-varint", SIZE)));
  const nlWire = Buffer.concat(payloads.map(() => encodeFrame("newline", SIZE)));
  const wsWire = Buffer.concat(payloads.map(() => encodeFrame("ws", SIZE)));
  const lines = payloads.map(() => "a".repeat(SIZE));

  bench
    .add("length-prefix decode: framed", () => {
      const { session, state } = countingSession(lengthPrefix({ header: "varint" }));
      for (const chunk of chunks(lpWire)) session.receive(chunk);
      check("framed lp decode", state.messages, COUNT);
    })
    .add("length-prefix decode: it-length-prefixed", () => {
      let n = 0;
      for (const _ of lp.decode(chunks(lpWire))) n++;
      check("it-lp decode", n, COUNT);
    })
    .add("length-prefix encode: framed", () => {
      const { session, state } = countingSession(lengthPrefix({ header: "varint" }), "client");
      for (const payload of payloads) session.send(payload);
      check("framed lp encode", state.writes, COUNT * 2);
    })
    .add("length-prefix encode: it-length-prefixed", () => {
      let bytes = 0;
      for (const chunk of lp.encode(payloads)) bytes += chunk.length;
      check("it-lp encode", bytes, COUNT * (SIZE + 1));
    })
    .add("newline decode: framed", () => {
      const { session, state } = countingSession(newline());
      for (const chunk of chunks(nlWire)) session.receive(chunk);
      check("framed newline decode", state.messages, COUNT);
    })
    .add("newline decode: split2", () => {
      let n = 0;
      const splitter = split2();
      splitter.on("data", () => n++);
      for (const chunk of chunks(nlWire)) splitter.write(chunk);
      splitter.end();
      check("split2 decode", n, COUNT);
    })
    .add("newline encode: framed", () => {
      const { session, state } = countingSession(newline(), "client");
      for (const line of lines) session.send(line);
      check("framed newline encode", state.writes > 0, true);
    })
    .add("websocket decode (server, masked): framed", () => {
      const { session, state } = countingSession(websocketFraming({ unmaskInPlace: false }));
      for (const chunk of chunks(wsWire)) session.receive(chunk);
      check("framed ws decode", state.messages, COUNT);
    })
    .add("websocket decode (server, masked): ws Receiver", () => {
      let n = 0;
      const receiver = new Receiver({ isServer: true, maxPayload: 1 << 20 });
      receiver.on("message", () => n++);
      for (const chunk of chunks(Buffer.from(wsWire))) receiver.write(Buffer.from(chunk));
      check("ws Receiver decode", n, COUNT);
    });

  await bench.run();
  const rows = bench.tasks.map((task) => ({
    task: task.name,
    messagesPerSecond: Math.round(COUNT * (task.result?.throughput?.mean ?? task.result?.hz ?? 0)),
  }));
  console.log(`\nCodec only (${COUNT} × ${SIZE}-byte messages per iteration, in 64 KiB chunks):`);
  for (const row of rows)
    console.log(`  ${row.task.padEnd(50)} ${row.messagesPerSecond.toLocaleString("en-US").padStart(14)} msg/s`);
  return rows;
}
