// The Node side of the browser check: serves the page and its bundle over HTTP and echoes WebSocket messages on
// /echo with the installed @framed/websocket/node. Prints `{"port": n}` once listening; runs until killed.
import { readFileSync } from "node:fs";
import http from "node:http";
import { attach } from "@framed/websocket/node";

const bundle = readFileSync(new URL("./page.bundle.js", import.meta.url));
const page =
  '<!doctype html><meta charset="utf-8"><title>framed consumer</title><script type="module" src="/page.bundle.js"></script>';
const server = http.createServer((request, response) => {
  if (request.url === "/page.bundle.js") response.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
  else response.writeHead(200, { "content-type": "text/html" }).end(page);
});
attach(
  server,
  async (stream) => {
    for await (const message of stream) await stream.send(message);
  },
  { path: "/echo" },
);
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
