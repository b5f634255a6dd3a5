// The load client, one process for every server of a block: C connections, each keeping N pre-encoded
// messages in flight, counting replies by header only. It takes turns: round 1 measures every target once,
// round 2 again, and so on, so slow drift on a shared machine hits every server alike. Prints one JSON line:
// { targets: [{ samples: [msg/s, …] } | { error }] }.
//
//   node client.mjs --targets 4100,4101:ws --kind lp-varint|lp-u32|newline|ws --size S --conns C
//                   --inflight N --rounds R --duration MS --warmup MS [--first-warmup MS] [--pause 901,902]
//                   [--cpu-pids 901,902]
//
// `--pause` lists each target's process group (same order as --targets): while one server is measured, the
// others are stopped (SIGSTOP) so that whatever an idle server still does (GC, Deno's runtime threads, closing
// the last sample's connections) cannot take the 2 cores from the one being measured.
//
// `--cpu-pids` lists each target's server process (same order): its CPU time (utime + stime from
// /proc/<pid>/stat, every thread of the process) is read at the start and end of each measured window, and each
// target also gets `cpuMicrosPerMessage` per sample, `messages` (the replies counted in each window) and
// `clientBusy`: this client's own CPU time over the window ÷ the window, where near 1 the client (one thread)
// may be what limits messages per second rather than the server.
//
// A target is a port, with `:ws` when it needs a WebSocket upgrade first (not the plain TCP echo). Each reply
// counted is answered with one more request, so exactly N messages per connection stay in flight.
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { parseArgs } from "node:util";
import { encodeFrame, replyCounter } from "./wire.mjs";

const { values } = parseArgs({
  options: {
    targets: { type: "string" },
    pause: { type: "string" },
    kind: { type: "string" },
    size: { type: "string" },
    conns: { type: "string", default: "1" },
    inflight: { type: "string", default: "256" },
    rounds: { type: "string", default: "1" },
    duration: { type: "string", default: "1000" },
    warmup: { type: "string", default: "300" },
    "first-warmup": { type: "string" },
    "cpu-pids": { type: "string" },
  },
});
const kind = values.kind;
const conns = Number(values.conns);
const inflight = Number(values.inflight);
const frame = encodeFrame(kind, Number(values.size));
const burst = Buffer.concat(Array.from({ length: inflight }, () => frame));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuPids = values["cpu-pids"] ? values["cpu-pids"].split(",").map(Number) : undefined;
/** Linux's USER_HZ: the unit of utime and stime in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/** A process's CPU time so far in µs (user + system, all its threads), or NaN without a pid. */
function cpuMicros(pid) {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces, hence the last ")"): utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
}

// The runner closes our stdin if it goes away; never outlive it.
process.stdin.on("end", () => process.exit(1));
process.stdin.resume();

function upgrade(socket) {
  socket.write(
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.off("data", onData);
      const status = head.subarray(0, head.indexOf("\r\n")).toString();
      if (!/^HTTP\/1\.1 101/.test(status)) reject(new Error(`handshake refused: ${status}`));
      else if (end + 4 < head.length) reject(new Error("the server sent data before any request"));
      else resolve();
    };
    socket.on("data", onData);
  });
}

/**
 * One sample against one server: open, warm up, count for `duration`, close. Resolves with msg/s, the replies
 * counted and the server's CPU µs in the window (NaN without `pid`).
 */
async function measure(port, handshake, warmupMs, pid) {
  const run = { measuring: false, total: 0, stopping: false, lost: 0, failure: undefined };
  const refill = (socket, count) => {
    while (count > 0) {
      const n = Math.min(count, inflight);
      socket.write(n === inflight ? burst : burst.subarray(0, n * frame.length));
      count -= n;
    }
  };
  const open = async () => {
    const socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.on("error", (error) => (run.failure ??= error));
    socket.on("close", () => {
      if (!run.stopping) run.lost++;
    });
    if (handshake) await upgrade(socket);
    const count = replyCounter(kind);
    socket.on("data", (chunk) => {
      let done;
      try {
        done = count(chunk);
      } catch (error) {
        run.failure ??= error;
        socket.destroy();
        return;
      }
      if (done > 0) {
        if (run.measuring) run.total += done;
        refill(socket, done);
      }
    });
    return socket;
  };
  const sockets = [];
  try {
    for (let opened = 0; opened < conns; opened += 50) {
      sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, conns - opened) }, open))));
    }
    for (const socket of sockets) socket.write(burst);
    await sleep(warmupMs);
    const cpuBefore = cpuMicros(pid);
    const ownBefore = process.cpuUsage();
    run.measuring = true;
    const started = performance.now();
    await sleep(Number(values.duration));
    run.measuring = false;
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuMicros(pid) - cpuBefore;
    const own = process.cpuUsage(ownBefore);
    const clientBusy = (own.user + own.system) / 1e6 / seconds;
    if (run.failure) throw run.failure;
    if (run.lost > 0) throw new Error(`${run.lost} of ${conns} connections closed by the server`);
    // Zero is a result (a server too slow to answer within the sample), not an error.
    return { rate: Math.round(run.total / seconds), messages: run.total, cpu, clientBusy };
  } finally {
    run.stopping = true;
    for (const socket of sockets) socket.destroy();
  }
}

const targets = values.targets.split(",").map((text) => {
  const [port, mode] = text.split(":");
  const perSample = { samples: [], messages: [], cpuMicrosPerMessage: [], clientBusy: [] };
  return { port: Number(port), handshake: mode === "ws", ...perSample };
});
const groups = values.pause ? values.pause.split(",").map(Number) : [];
/** Let only `running`'s process group run (the others stopped), or every group when `running` is -1. */
function runOnly(running) {
  groups.forEach((group, i) => {
    try {
      process.kill(-group, running === -1 || i === running ? "SIGCONT" : "SIGSTOP");
    } catch {
      // Gone already: the sample reports the dead server.
    }
  });
}
process.on("exit", () => runOnly(-1));

for (let round = 0; round < Number(values.rounds); round++) {
  for (const [index, target] of targets.entries()) {
    if (target.error) continue;
    runOnly(index);
    try {
      const warmup = round === 0 ? Number(values["first-warmup"] ?? values.warmup) : Number(values.warmup);
      const sample = await measure(target.port, target.handshake, warmup, cpuPids?.[index]);
      target.samples.push(sample.rate);
      target.messages.push(sample.messages);
      if (cpuPids) target.cpuMicrosPerMessage.push(sample.messages > 0 ? sample.cpu / sample.messages : null);
      target.clientBusy.push(+sample.clientBusy.toFixed(3));
    } catch (error) {
      target.error = error.message;
    }
    // Let the server see the closed connections before the next one starts.
    await sleep(30);
  }
}
runOnly(-1);
console.log(
  JSON.stringify({
    targets: targets.map(({ error, samples, messages, cpuMicrosPerMessage, clientBusy }) => ({
      ...(error ? { error } : {}),
      samples,
      ...(cpuPids ? { messages, cpuMicrosPerMessage, clientBusy } : {}),
    })),
  }),
);
process.exit(0);
