// `node scripts/example.mjs json-rpc-stdio`: spawns child.ts, talks JSON-RPC 2.0 to it over its stdin/stdout (NDJSON),
// sends a few good and bad requests plus one line that is not JSON, and prints what came back.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { ndjson } from "@framed/newline/node";
import type { RpcResponse } from "./json-rpc.ts";
import { RpcClient } from "./rpc-client.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const childScript = fileURLToPath(new URL("./child.ts", import.meta.url));
// stderr inherited: the child's log lines ("line 4 is not JSON") show up next to the transcript.
const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", childScript], {
  cwd: root,
  stdio: ["pipe", "pipe", "inherit"],
});
const stream = ndjson.childProcess(child);
const client = new RpcClient(stream);

const show = (request: string, response: RpcResponse) => {
  const outcome = "result" in response ? JSON.stringify(response.result) : `error ${JSON.stringify(response.error)}`;
  console.log(`${request.padEnd(34)} → ${outcome}`);
};

console.log(`json-rpc-stdio: child pid ${child.pid}, NDJSON over its stdin/stdout`);
show("add [2, 3]", await client.call("add", [2, 3]));
show('echo {"hello":"framed"}', await client.call("echo", { hello: "framed" }));
// Concurrent: the 50 ms sleep is answered after the echo sent behind it, matched by id.
const [slept, quick] = await Promise.all([client.call("sleep", { ms: 50 }), client.call("echo", "quick")]);
show("sleep {ms: 50} (concurrent)", slept);
show('echo "quick" (concurrent)', quick);
show("divide [1, 2]", await client.call("divide", [1, 2]));
show('add ["two", 3]', await client.call("add", ["two", 3]));
// A raw line that is not JSON, written past the framing on purpose (the stream would only send valid JSON).
const orphan = client.nextOrphan();
child.stdin?.write("{this is not json\n");
show("(raw line) {this is not json", await orphan);
show("add [40, 2] (after the bad line)", await client.call("add", [40, 2]));

await stream.close(); // ends the child's stdin (every call was answered already), so the child exits
await client.done;
const [code] = child.exitCode === null ? await once(child, "exit") : [child.exitCode];
console.log(`json-rpc-stdio: child exited with code ${code}`);
process.exit(code === 0 ? 0 : 1);
