// The `framed` command from the @framed/cli tarball, run the way its README shows ("a file through a line echo
// server: every line comes back, then framed exits 0") against a newline echo server from the installed
// @framed/newline. Usage: node cli-echo.mjs <label> <cwd> <command> [args…]; `connect 127.0.0.1:<port>` is
// appended to the command. Prints one JSON line.
import { spawn } from "node:child_process";
import { listen } from "@framed/newline/node";

const [label, cwd, command, ...args] = process.argv.slice(2);
const check = `${label}: framed connect sends stdin lines to a newline echo server and prints every reply, exit 0`;
const lines = ["one", "two ✓", "three"];

const server = await listen({ host: "127.0.0.1", port: 0 }, async (stream) => {
  for await (const line of stream) await stream.send(line);
});
const child = spawn(command, [...args, "connect", `127.0.0.1:${server.address.port}`], {
  cwd,
  stdio: ["pipe", "pipe", "pipe"],
  env: { ...process.env, NO_COLOR: "1" },
});
let stdout = "";
let stderr = "";
child.stdout.on("data", (chunk) => {
  stdout += chunk;
});
child.stderr.on("data", (chunk) => {
  stderr += chunk;
});
child.stdin.end(`${lines.join("\n")}\n`);
const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
const status = await new Promise((resolve) => child.on("close", (code, signal) => resolve(code ?? signal)));
clearTimeout(timer);
await server.close();
const ok = status === 0 && stdout === `${lines.join("\n")}\n`;
const detail = ok ? undefined : `exit ${status}; stdout ${JSON.stringify(stdout)}; stderr ${stderr.slice(-800)}`;
console.log(JSON.stringify({ check, ok, detail }));
process.exit(0);
