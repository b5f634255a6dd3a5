// The Bun rows of the generated tables: our Bun servers against Bun's own echo and framed on Node, in their
// own README section, the main table staying Node's, and issue 23's targets judged at 1 and 100 connections.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain .mjs module without types
import { groups } from "../src/cases.mjs";
// @ts-expect-error: plain .mjs module without types
import { bunSection, readmeSection, replaceSection } from "../src/readme.mjs";
// @ts-expect-error: plain .mjs module without types
import { ceilingChecks, compare, verdicts } from "../src/report.mjs";

type Row = { server: string; runtime: string; size: number; conns: number; samples: number[] };

const websocket = groups.find((g: { framing: string }) => g.framing === "websocket");
const definition = (id: string) => websocket.servers.find((s: { id: string }) => s.id === id);
const names: Record<string, string> = { "plain-tcp": "plain TCP" };

function row(server: string, runtime: string, size: number, conns: number, samples: number[]) {
  const role = server === "plain-tcp" ? "ceiling" : (definition(server)?.role ?? "peer");
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    framing: "websocket",
    size,
    conns,
    server,
    name: names[server] ?? definition(server)?.name ?? server,
    role,
    runtime,
    status: "ok",
    samples,
    messagesPerSecond: sorted[sorted.length >> 1],
  };
}

// Three rounds of a 64 B × 100 block: the wrapper at 0.9× Bun's bare echo in every round, framed's own core on
// Bun at 1.5× framed on Node.
const block = (size: number, conns: number): Row[] => [
  row("plain-tcp", "node", size, conns, [3_000_000, 3_000_000, 3_000_000]),
  row("framed-websocket-node", "node", size, conns, [1_000_000, 1_200_000, 1_100_000]),
  row("framed-websocket-bun", "bun", size, conns, [1_500_000, 1_800_000, 1_650_000]),
  row("framed-websocket-bun-native", "bun", size, conns, [1_800_000, 1_800_000, 1_800_000]),
  row("bun-websocket", "bun", size, conns, [2_000_000, 2_000_000, 2_000_000]),
  row("ws", "node", size, conns, [200_000, 200_000, 200_000]),
];
const results = [...block(64, 1), ...block(64, 100)];
const plan = { groups: [websocket], sizes: [64], conns: [1, 100] };
const comparisons = compare(results, [websocket]);
const report = {
  date: "2026-12-06T04:40:00.000Z",
  command: ["--only", "websocket"],
  machine: { cores: 2, cpu: "AMD EPYC", memoryGiB: 24, node: "v20.20.2", bun: "1.4.5", platform: "linux" },
  loadAverage: { atStart: 1.5, atEnd: 2.5 },
  plan: { sizes: [64], conns: [1, 100], rounds: 3, durationMs: 500, inflightPerConnection: 256 },
  results,
  comparisons,
  targets: verdicts(comparisons, plan, ceilingChecks(results)),
};

const againstOf = (ours: string, conns = 100) =>
  comparisons
    .filter((c: { ours: string; conns: number }) => c.ours === ours && c.conns === conns)
    .map((c: { against: string }) => c.against);

describe("who a server is compared with", () => {
  it("compares a Bun server with the ceiling and exactly the servers its definition lists", () => {
    expect(againstOf("framed-websocket-bun-native")).toEqual(["plain-tcp", "framed-websocket-node", "bun-websocket"]);
    expect(againstOf("framed-websocket-bun")).toEqual(["plain-tcp", "framed-websocket-node", "bun-websocket"]);
  });

  it("never compares a Node server with Bun's bare echo, a peer of Bun servers only", () => {
    expect(againstOf("framed-websocket-node")).toEqual(["plain-tcp", "ws"]);
  });
});

describe("issue 23's targets", () => {
  it("judges the Bun.serve wrapper against Bun's bare echo at 100 connections too, round by round", () => {
    const verdict = report.targets.find(
      (t: { ours: string; conns: number; size: number }) =>
        t.ours === "framed-websocket-bun-native" && t.conns === 100 && t.size === 64,
    );
    expect(verdict).toMatchObject({ against: "bun-websocket", target: 0.8, met: true, primary: false, issue: 23 });
    expect(verdict.ratio).toBeCloseTo(0.9);
  });

  it("judges framed's own core on Bun against framed on Node (ahead = at least 1×)", () => {
    const verdict = report.targets.find(
      (t: { ours: string; conns: number }) => t.ours === "framed-websocket-bun" && t.conns === 1,
    );
    expect(verdict).toMatchObject({ against: "framed-websocket-node", target: 1, met: true });
    expect(verdict.ratio).toBeCloseTo(1.5);
  });
});

describe("the README sections", () => {
  it("keeps the main table Node's: no Bun row and no column for Bun's bare echo", () => {
    const main = readmeSection(report, "websocket");
    expect(main).not.toContain("bun");
    expect(main).not.toContain("Bun.serve");
    expect(main).toContain("| 64 B | 100 | node | 1,100,000 | 0.37× | 5.50× |");
  });

  it("gives each Bun server a row with its ratio to Bun's bare echo and to framed on Node, at 1 and 100 connections", () => {
    const bun = bunSection(report, "websocket");
    expect(bun).toContain(
      "| size | conns | server | msg/s | ÷ plain TCP | ÷ framed websocket (node) | ÷ Bun.serve WebSocket (bare) |",
    );
    expect(bun).toContain("| 64 B | 100 | **framed websocket (bun, Bun.serve)** | 1,800,000 | 0.60× | 1.64× | 0.90× |");
    expect(bun).toContain("| 64 B | 1 | **framed websocket (bun, own core)** | 1,650,000 | 0.55× | 1.50× | 0.82× |");
    // The figures compared with, in their own rows.
    expect(bun).toContain("| 64 B | 100 | Bun.serve WebSocket (bare) | 2,000,000 |");
    expect(bun).toContain("| 64 B | 100 | framed websocket (node) | 1,100,000 |");
    expect(bun).toContain("Bun 1.4.5 and Node v20.20.2");
    expect(bun).toContain("`node bench/src/run.mjs --only websocket`");
    expect(bun).toContain(
      "- 64 B × 100, framed websocket (bun, Bun.serve) ÷ Bun.serve WebSocket (bare): 0.90× (target ≥ 0.8×): **met**",
    );
  });

  it("has no Bun section for a framing without Bun servers in the report", () => {
    expect(bunSection(report, "newline")).toBeUndefined();
  });

  it("replaces only what lies between the markers, and names the file when they are missing", () => {
    const text = "intro\n<!-- bench:bun:start -->\nold\n<!-- bench:bun:end -->\nafter\n";
    expect(replaceSection(text, "<!-- bench:bun:start -->", "<!-- bench:bun:end -->", "new")).toBe(
      "intro\n<!-- bench:bun:start -->\nnew\n<!-- bench:bun:end -->\nafter\n",
    );
    expect(() => replaceSection("no markers", "<!-- a -->", "<!-- b -->", "x", "packages/x/README.md")).toThrow(
      "packages/x/README.md: no <!-- a --> … <!-- b --> section to fill",
    );
  });
});
