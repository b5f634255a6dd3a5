// What is measured: each framing's server next to its peers and the plain TCP ceiling, on the same wire bytes.
import { fileURLToPath } from "node:url";

const server = (file, ...args) => [fileURLToPath(new URL(`./servers/${file}`, import.meta.url)), ...args];
const deno = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));
const denoEcho = (framing, ...flags) => ({
  command: deno,
  args: [
    "run",
    "--allow-net=127.0.0.1",
    "--no-check",
    "examples/echo/deno.ts",
    "--framing",
    framing,
    "--port",
    "0",
    "--quiet",
    "--max-message-size",
    String(64 << 20),
    ...flags,
  ],
});

/** One group: our servers, the peers users pick today, and the ceiling, all speaking `kind`. */
export const groups = [
  {
    framing: "length-prefix",
    kind: "lp-varint",
    ours: [
      {
        name: "framed length-prefix (node)",
        command: process.execPath,
        args: server("framed-length-prefix.mjs", "0", "varint"),
      },
      { name: "framed length-prefix (deno)", ...denoEcho("length-prefix", "--header", "varint") },
    ],
    peers: [
      { name: "it-length-prefixed", command: process.execPath, args: server("it-length-prefixed.mjs") },
      { name: "length-prefixed-stream", command: process.execPath, args: server("length-prefixed-stream.mjs") },
    ],
    targets: { 64: { peer: "it-length-prefixed", ratio: 10, ceiling: 0.4 }, 65536: { ceiling: 0.95 } },
  },
  {
    framing: "newline",
    kind: "newline",
    ours: [
      { name: "framed newline (node)", command: process.execPath, args: server("framed-newline.mjs") },
      { name: "framed newline (deno)", ...denoEcho("newline") },
    ],
    peers: [
      { name: "split2", command: process.execPath, args: server("split2.mjs") },
      { name: "readline", command: process.execPath, args: server("readline.mjs") },
    ],
    targets: { 64: { peer: "split2", ratio: 5, ceiling: 0.4 }, 65536: { ceiling: 0.9 } },
  },
  {
    framing: "websocket",
    kind: "ws",
    ours: [{ name: "framed websocket (node)", command: process.execPath, args: server("framed-websocket.mjs") }],
    peers: [{ name: "ws", command: process.execPath, args: server("ws.mjs") }],
    targets: { 64: { peer: "ws", ratio: 4 }, 65536: { ceiling: 0.9 } },
  },
];

export const ceiling = { name: "plain TCP", command: process.execPath, args: server("plain-tcp.mjs") };

/** Messages in flight per connection: 256, capped so a run never holds more than 64 MiB in flight. */
export function inflightFor(size, conns) {
  return Math.max(1, Math.min(256, Math.floor((64 * 1024 * 1024) / (size * conns))));
}
