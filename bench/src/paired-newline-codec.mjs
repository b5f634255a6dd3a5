// Paired codec-only comparison of @framed/newline between this checkout ("head") and another ("base"): both
// built dists are loaded into one Node process and alternate in short slices, so load from other work on the
// machine falls on both alike (paired.mjs, with servers and sockets, cannot see a few-percent change in the
// codec through that noise). Rate = messages per CPU second of this process; the ratio is head ÷ base per
// slice pair, reported as its median and quartiles. Run it twice with the checkouts swapped (--swap): the
// side loaded first can gain or lose a few percent from the JIT, and swapping shows how much.
//
//   node bench/src/paired-newline-codec.mjs --against /path/to/base/checkout [--slices 30] [--slice-ms 40]
//        [--only "text 64B/64K,encode text 64B"] [--swap]
//
// Both checkouts must be built (`npx -y pnpm@10 build`).
import { Buffer } from "node:buffer";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { repoRoot } from "./processes.mjs";

const { values } = parseArgs({
  options: {
    against: { type: "string" },
    slices: { type: "string", default: "30" },
    "slice-ms": { type: "string", default: "40" },
    only: { type: "string" },
    swap: { type: "boolean", default: false },
  },
});
if (!values.against) {
  console.error(
    "usage: node bench/src/paired-newline-codec.mjs --against /path/to/other/checkout (see the file's head)",
  );
  process.exit(2);
}
const load = (root) => import(pathToFileURL(path.join(root, "packages/newline/dist/index.js")).href);
const roots = { base: path.resolve(values.against), head: repoRoot.replace(/\/$/, "") };
const order = values.swap ? ["head", "base"] : ["base", "head"];
const sides = {};
for (const name of order) sides[name] = await load(roots[name]);

const utf8 = new TextEncoder();
/** `bytes` cut into Node Buffers of `size`, as a socket hands them over. */
const chunks = (bytes, size) => {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(Buffer.from(bytes.subarray(i, i + size)));
  return out;
};
const lines = (count, length, eol = "\n") =>
  utf8.encode(Array.from({ length: count }, (_, i) => `${i}:`.padEnd(length, "x") + eol).join(""));
const values64 = Array.from({ length: 10_000 }, (_, i) => ({ id: i, method: "sum", params: [i, i + 1] }));
const ndjsonWire = utf8.encode(values64.map((v) => `${JSON.stringify(v)}\n`).join(""));
const texts64 = Array.from({ length: 10_000 }, (_, i) => `${i}:`.padEnd(64, "x"));

// [framing from the module, chunks to decode, messages expected] or [framing, messages to encode].
const decodeCases = {
  "text 64B/64K": [(nl) => nl.newline(), chunks(lines(10_000, 64), 65536), 10_000],
  "text 64B/1500": [(nl) => nl.newline(), chunks(lines(10_000, 64), 1500), 10_000],
  "text 64B crlf/64K": [(nl) => nl.newline(), chunks(lines(10_000, 64, "\r\n"), 65536), 10_000],
  "text strict-crlf/64K": [(nl) => nl.newline({ delimiter: "\r\n" }), chunks(lines(10_000, 64, "\r\n"), 65536), 10_000],
  "text 64B max100/64K": [(nl) => nl.newline({ maxMessageSize: 100 }), chunks(lines(10_000, 64), 65536), 10_000],
  "bytes 64B/64K": [(nl) => nl.newlineBytes(), chunks(lines(10_000, 64), 65536), 10_000],
  "bytes 64B/1500": [(nl) => nl.newlineBytes(), chunks(lines(10_000, 64), 1500), 10_000],
  "ndjson/64K": [(nl) => nl.ndjson(), chunks(ndjsonWire, 65536), 10_000],
  "text 64K/64K": [(nl) => nl.newline(), chunks(lines(64, 65536), 65536), 64],
  "bytes 64K/16K": [(nl) => nl.newlineBytes(), chunks(lines(64, 65536), 16384), 64],
};
const encodeCases = {
  "encode text 64B": [(nl) => nl.newline(), texts64],
  "encode ndjson": [(nl) => nl.ndjson(), values64],
  "encode bytes 64B": [(nl) => nl.newlineBytes(), texts64.map((t) => utf8.encode(t))],
  "encode text 64K": [(nl) => nl.newline(), Array.from({ length: 64 }, (_, i) => `${i}:`.padEnd(65536, "x"))],
};

/** Decode `input` in one session (or encode `messages`); returns the message count, checked. */
function decodeOnce(framing, input, expected) {
  let count = 0;
  const sink = {
    message: () => count++,
    write() {},
    warn() {},
    end: (o) => {
      if (o.error) throw o.error;
    },
  };
  const session = framing.open(sink, { role: "server" });
  for (const chunk of input) session.receive(chunk);
  session.receiveEnd();
  if (count !== expected) throw new Error(`decoded ${count} messages, expected ${expected}`);
  return count;
}
function encodeOnce(framing, messages) {
  let bytes = 0;
  const sink = {
    message() {},
    write: (b) => (bytes += b.length),
    writeSlab: (_, size) => (bytes += size),
    warn() {},
    end() {},
  };
  const session = framing.open(sink, { role: "server" });
  for (const message of messages) session.send(message);
  if (bytes === 0) throw new Error("nothing was written");
  return messages.length;
}

const cases = [
  ...Object.entries(decodeCases).map(([name, [make, input, n]]) => [name, make, () => (f) => decodeOnce(f, input, n)]),
  ...Object.entries(encodeCases).map(([name, [make, messages]]) => [name, make, () => (f) => encodeOnce(f, messages)]),
];
const only = values.only?.split(",");
const slices = Number(values.slices);
const sliceMs = Number(values["slice-ms"]);
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.round(q * (xs.length - 1))];
const fmt = (x) => Math.round(x).toLocaleString("en-US");

console.log(`paired-newline-codec: base ${roots.base}, head ${roots.head}; loaded first: ${order[0]}`);
for (const [name, make, runner] of cases) {
  if (only && !only.includes(name)) continue;
  const run = runner();
  const rates = { base: [], head: [] };
  // Four unrecorded slices first, for the JIT; then the sides alternate, each going first in every other pair.
  for (let i = 0; i < slices + 4; i++) {
    for (const side of i % 2 ? ["head", "base"] : ["base", "head"]) {
      let messages = 0;
      const start = performance.now();
      const cpu = process.cpuUsage();
      do messages += run(make(sides[side]));
      while (performance.now() - start < sliceMs);
      const used = process.cpuUsage(cpu);
      if (i >= 4) rates[side].push((messages * 1e6) / (used.user + used.system));
    }
  }
  const ratios = rates.base.map((b, i) => rates.head[i] / b);
  console.log(
    `${name.padEnd(22)} base ${fmt(quantile(rates.base, 0.5)).padStart(11)}  head ${fmt(quantile(rates.head, 0.5)).padStart(11)} msg/s` +
      `  head ÷ base ${quantile(ratios, 0.5).toFixed(3)} (quartiles ${quantile(ratios, 0.25).toFixed(3)}–${quantile(ratios, 0.75).toFixed(3)}, ${ratios.length} pairs)`,
  );
}
