// Makes sure the system programs the tests use are present: Chromium (browser tests) and Python's
// `websockets` (a foreign WebSocket peer). Installs them with apt-get when root on Debian/Ubuntu;
// otherwise stops with a message that says how. Never downloads a browser any other way.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasApt = existsSync("/usr/bin/apt-get");

function pythonHasWebsockets() {
  if (!existsSync("/usr/bin/python3")) return false;
  return spawnSync("/usr/bin/python3", ["-c", "import websockets"], { stdio: "ignore" }).status === 0;
}

const missing = [];
if (!existsSync(chromium)) missing.push({ what: `Chromium at ${chromium}`, apt: "chromium" });
if (!pythonHasWebsockets()) missing.push({ what: "Python websockets for /usr/bin/python3", apt: "python3-websockets" });
// @framed/topics: its Redis backplane tests start their own redis-server on a free port.
if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status !== 0) {
  missing.push({ what: "redis-server (for @framed/topics)", apt: "redis-server" });
}

if (missing.length > 0) {
  const packages = missing.map((m) => m.apt);
  if (!isRoot || !hasApt) {
    console.error(`Missing: ${missing.map((m) => m.what).join("; ")}.`);
    console.error(
      `Install them with: sudo apt-get install -y ${packages.join(" ")}  (or set CHROMIUM_PATH to a Chromium binary).`,
    );
    process.exit(1);
  }
  console.log(`Installing ${packages.join(", ")} with apt-get (missing: ${missing.map((m) => m.what).join("; ")})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
}
