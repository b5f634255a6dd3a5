// What is measured: for each framing, our servers (Node, and Deno and Bun where the package has their adapter),
// the peers users pick today and a plain TCP echo (the ceiling), all speaking one wire format; plus the
// targets the framing issues set.
import { fileURLToPath } from "node:url";
import { bunBinary } from "../../scripts/bun-binary.mjs";
import { repoRoot } from "./processes.mjs";

const serverScript = (file) => fileURLToPath(new URL(`./servers/${file}`, import.meta.url));
const denoBin = `${repoRoot}node_modules/.bin/deno`;
const bunBin = bunBinary();

function nodeServer(file, ...args) {
  return { runtime: "node", command: process.execPath, args: [serverScript(file), "0", ...args] };
}

/**
 * Bun runs the server files as they are (TypeScript); our packages' `./bun` entries resolve to their built `dist`,
 * as users get them.
 */
function bunServer(file, ...args) {
  return { runtime: "bun", command: bunBin, args: [serverScript(file), "0", ...args] };
}

function denoServer(file, ...args) {
  return {
    runtime: "deno",
    command: denoBin,
    args: ["run", "--config", `${repoRoot}deno.json`, "--allow-net=127.0.0.1", serverScript(file), "0", ...args],
  };
}

/** The ceiling: bytes in, the same bytes out, no framing. Never does a WebSocket handshake. */
export const ceiling = { id: "plain-tcp", name: "plain TCP", role: "ceiling", ...nodeServer("plain-tcp.mjs") };

/**
 * A second plain TCP echo, the same program in its own process, measured last in every round. It is no one's
 * target: how far it reads from the first one is how far two identical servers drift apart in this run, the
 * noise under every ratio to the ceiling. At 64 KiB on a 2-core VM the two have read 0.67× and 1.27× of each
 * other in one paired run.
 */
export const ceilingTwin = {
  id: "plain-tcp-twin",
  name: "plain TCP (a second one)",
  role: "control",
  ...nodeServer("plain-tcp.mjs"),
};

/**
 * One group per framing. `package`/`entry` name our build output (checked before starting the server);
 * targets apply to the server named by `targetServer`, at one connection, as the issues state them, unless a
 * target names its own `ours` and `conns` (issue 23's, on Bun). A server with `comparedWith` is compared with
 * the ceiling and exactly those servers; a peer with `peerOf` is a peer of that runtime's servers only.
 */
export const groups = [
  {
    framing: "length-prefix",
    wire: "lp-varint",
    servers: [
      {
        id: "framed-length-prefix-node",
        name: "framed length-prefix (node)",
        role: "ours",
        package: "@framed/length-prefix",
        entry: "./node",
        ...nodeServer("framed-length-prefix.mjs", "varint"),
      },
      {
        id: "framed-length-prefix-node-await",
        name: "framed length-prefix (node, for await)",
        variant: "for await",
        role: "ours",
        package: "@framed/length-prefix",
        entry: "./node",
        ...nodeServer("framed-length-prefix.mjs", "varint", "for-await"),
      },
      {
        id: "framed-length-prefix-deno",
        name: "framed length-prefix (deno)",
        role: "ours",
        package: "@framed/length-prefix",
        entry: "./deno",
        ...denoServer("framed-length-prefix.deno.ts", "varint"),
      },
      {
        id: "framed-length-prefix-bun",
        name: "framed length-prefix (bun)",
        role: "ours",
        package: "@framed/length-prefix",
        entry: "./bun",
        ...bunServer("framed-length-prefix.bun.ts", "varint"),
        comparedWith: ["framed-length-prefix-node"],
      },
      {
        id: "framed-length-prefix-bun-nodenet",
        name: "framed length-prefix (bun, node:net)",
        variant: "node:net",
        role: "ours",
        package: "@framed/length-prefix",
        entry: "./node",
        ...bunServer("framed-length-prefix-nodenet.bun.ts", "varint"),
        comparedWith: ["framed-length-prefix-node", "framed-length-prefix-bun"],
      },
      { id: "it-length-prefixed", name: "it-length-prefixed", role: "peer", ...nodeServer("it-length-prefixed.mjs") },
      {
        id: "length-prefixed-stream",
        name: "length-prefixed-stream",
        role: "peer",
        ...nodeServer("length-prefixed-stream.mjs"),
      },
    ],
    targetServer: "framed-length-prefix-node",
    targets: [
      { size: 64, against: "it-length-prefixed", atLeast: 10, issue: 3 },
      { size: 64, against: "plain-tcp", atLeast: 0.4, issue: 3 },
      { size: 65536, against: "plain-tcp", atLeast: 0.95, issue: 3 },
    ],
  },
  {
    framing: "newline",
    wire: "newline",
    servers: [
      {
        id: "framed-newline-node",
        name: "framed newline (node)",
        role: "ours",
        package: "@framed/newline",
        entry: "./node",
        ...nodeServer("framed-newline.mjs"),
      },
      {
        id: "framed-newline-node-await",
        name: "framed newline (node, for await)",
        variant: "for await",
        role: "ours",
        package: "@framed/newline",
        entry: "./node",
        ...nodeServer("framed-newline.mjs", "for-await"),
      },
      {
        id: "framed-newline-deno",
        name: "framed newline (deno)",
        role: "ours",
        package: "@framed/newline",
        entry: "./deno",
        ...denoServer("framed-newline.deno.ts"),
      },
      {
        id: "framed-newline-bun",
        name: "framed newline (bun)",
        role: "ours",
        package: "@framed/newline",
        entry: "./bun",
        ...bunServer("framed-newline.bun.ts"),
        comparedWith: ["framed-newline-node"],
      },
      { id: "split2", name: "split2", role: "peer", ...nodeServer("split2.mjs") },
      { id: "readline", name: "readline", role: "peer", ...nodeServer("readline.mjs") },
    ],
    targetServer: "framed-newline-node",
    targets: [
      { size: 64, against: "split2", atLeast: 5, issue: 4 },
      { size: 64, against: "plain-tcp", atLeast: 0.4, issue: 4 },
      { size: 65536, against: "plain-tcp", atLeast: 0.9, issue: 4 },
    ],
  },
  {
    framing: "websocket",
    wire: "ws",
    servers: [
      {
        id: "framed-websocket-node",
        name: "framed websocket (node)",
        role: "ours",
        package: "@framed/websocket",
        entry: "./node",
        handshake: true,
        ...nodeServer("framed-websocket.mjs"),
      },
      {
        id: "framed-websocket-node-await",
        name: "framed websocket (node, for await)",
        variant: "for await",
        role: "ours",
        package: "@framed/websocket",
        entry: "./node",
        handshake: true,
        ...nodeServer("framed-websocket.mjs", "for-await"),
      },
      {
        // Runs once @framed/websocket has a ./deno entry (the Deno and browser issue adds it); until then the
        // availability check reports "no Deno adapter yet".
        id: "framed-websocket-deno",
        name: "framed websocket (deno)",
        role: "ours",
        package: "@framed/websocket",
        entry: "./deno",
        handshake: true,
        ...denoServer("framed-websocket.deno.ts"),
      },
      {
        id: "framed-websocket-bun",
        name: "framed websocket (bun, own core)",
        role: "ours",
        package: "@framed/websocket",
        entry: "./bun",
        handshake: true,
        ...bunServer("framed-websocket.bun.ts"),
        comparedWith: ["framed-websocket-node", "bun-websocket"],
      },
      {
        id: "framed-websocket-bun-nodenet",
        name: "framed websocket (bun, own core, node:net)",
        variant: "node:net",
        role: "ours",
        package: "@framed/websocket",
        entry: "./node",
        handshake: true,
        ...bunServer("framed-websocket-nodenet.bun.ts"),
        comparedWith: ["framed-websocket-node", "framed-websocket-bun"],
      },
      {
        id: "framed-websocket-bun-native",
        name: "framed websocket (bun, Bun.serve)",
        role: "ours",
        package: "@framed/websocket",
        entry: "./bun",
        handshake: true,
        ...bunServer("framed-websocket-native.bun.ts"),
        comparedWith: ["bun-websocket", "framed-websocket-node"],
      },
      {
        id: "bun-websocket",
        name: "Bun.serve WebSocket (bare)",
        role: "peer",
        // The peer of our Bun servers only (a Node server is measured against ws).
        peerOf: "bun",
        handshake: true,
        ...bunServer("bun-websocket.bun.ts"),
      },
      { id: "ws", name: "ws (bufferutil)", role: "peer", handshake: true, ...nodeServer("ws.mjs") },
    ],
    targetServer: "framed-websocket-node",
    targets: [
      { size: 64, against: "ws", atLeast: 4, issue: 5 },
      { size: 65536, against: "plain-tcp", atLeast: 0.9, issue: 5 },
      // Issue 23, at both sizes and both connection counts: the Bun.serve wrapper within 0.8× of Bun's bare
      // echo, and framed's own core on Bun ahead of framed on Node.
      ...[64, 65536].flatMap((size) =>
        [1, 100].flatMap((conns) => [
          { ours: "framed-websocket-bun-native", size, conns, against: "bun-websocket", atLeast: 0.8, issue: 23 },
          { ours: "framed-websocket-bun", size, conns, against: "framed-websocket-node", atLeast: 1, issue: 23 },
        ]),
      ),
    ],
  },
];

/** Every server id, for `--profile` and error messages. */
/** A server of any group (or the ceiling) by its id; undefined for an unknown id. */
export const serverById = (id) => [ceiling, ...groups.flatMap((g) => g.servers)].find((s) => s.id === id);

export function allServerIds() {
  return [ceiling.id, ...groups.flatMap((g) => g.servers.map((s) => s.id))];
}

/** Messages in flight per connection: 256, capped so one case never holds more than 64 MiB in flight. */
export const MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
export function inflightFor(size, conns) {
  return Math.max(1, Math.min(256, Math.floor(MAX_BYTES_IN_FLIGHT / (size * conns))));
}
