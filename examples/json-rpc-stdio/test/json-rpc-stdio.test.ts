// Smoke test of the json-rpc-stdio example: the transcript the parent prints, and the child driven directly
// (a bad line gets -32700 with id null and the child keeps answering).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ndjson } from "@framed/newline/node";
import { afterEach, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const childScript = fileURLToPath(new URL("../child.ts", import.meta.url));
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGTERM");
});

function runExample(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["scripts/example.mjs", "json-rpc-stdio"],
      { cwd: root, timeout: 20_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(`${stdout}${stderr}`),
    );
  });
}

function startChild() {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", childScript], { cwd: root });
  running.push(child);
  let log = "";
  child.stderr.on("data", (chunk) => (log += chunk));
  const rpc = ndjson.childProcess(child);
  const responses = rpc[Symbol.asyncIterator]();
  const next = async () => (await responses.next()).value;
  return { child, rpc, next, log: () => log };
}

describe("json-rpc-stdio example", () => {
  it("prints results, -32601, -32602 and -32700 (id null) answers, then the child exits 0", async () => {
    const output = await runExample();
    expect(output).toMatch(/^add \[2, 3\] +→ 5$/m);
    expect(output).toMatch(/^echo \{"hello":"framed"\} +→ \{"hello":"framed"\}$/m);
    expect(output).toMatch(/^sleep \{ms: 50\} \(concurrent\) +→ \{"slept":50\}$/m);
    expect(output).toMatch(/^echo "quick" \(concurrent\) +→ "quick"$/m);
    expect(output).toMatch(/^divide \[1, 2\] +→ error \{"code":-32601,"message":"Method not found: divide"\}$/m);
    expect(output).toMatch(/^add \["two", 3\] +→ error \{"code":-32602,/m);
    expect(output).toMatch(/^\(raw line\) \{this is not json +→ error \{"code":-32700,"message":"Parse error",/m);
    expect(output).toMatch(/^add \[40, 2\] \(after the bad line\) +→ 42$/m);
    expect(output).toContain("json-rpc-stdio: child exited with code 0");
  });

  it("the child answers a line that is not JSON with -32700, id null and its line number, and keeps serving", async () => {
    const { child, rpc, next, log } = startChild();
    await rpc.send({ jsonrpc: "2.0", id: 1, method: "add", params: { a: 1, b: 2 } });
    expect(await next()).toEqual({ jsonrpc: "2.0", id: 1, result: 3 });
    child.stdin?.write("not json at all\n");
    expect(await next()).toMatchObject({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: "Parse error", data: expect.stringContaining("line 2 is not JSON") },
    });
    await rpc.send({ jsonrpc: "2.0", id: 2, method: "echo", params: ["still", "here"] });
    expect(await next()).toEqual({ jsonrpc: "2.0", id: 2, result: ["still", "here"] });
    await expect.poll(log).toContain("INVALID_JSON: line 2 is not JSON");
    await rpc.close();
    expect(await new Promise((resolve) => child.once("exit", resolve))).toBe(0);
  });

  it("the child answers -32600 to a value that is not a request and says nothing to a notification", async () => {
    const { rpc, next } = startChild();
    await rpc.send([1, 2, 3]);
    expect(await next()).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid Request" } });
    await rpc.send({ jsonrpc: "2.0", method: "nope" }); // a notification: no answer, even for an unknown method
    await rpc.send({ jsonrpc: "2.0", id: "s", method: "sleep", params: { ms: -1 } });
    expect(await next()).toMatchObject({ id: "s", error: { code: -32602 } });
    await rpc.close();
  });

  it("the child skips a line over 1 MiB without holding it, answers -32600 with id null, and keeps serving", async () => {
    const { child, rpc, next } = startChild();
    child.stdin?.write(`${"x".repeat(1024 * 1024 + 10)}\n`);
    expect(await next()).toMatchObject({ id: null, error: { code: -32600, message: "Invalid Request: too large" } });
    await rpc.send({ jsonrpc: "2.0", id: 3, method: "add", params: [1, 1] });
    expect(await next()).toEqual({ jsonrpc: "2.0", id: 3, result: 2 });
    await rpc.close();
  });
});
