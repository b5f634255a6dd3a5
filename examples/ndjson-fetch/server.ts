/**
 * The HTTP server: `/` the page, `/page.js` its script (bundled on first request with esbuild),
 * `/rows` the NDJSON stream, each row written as soon as it is produced.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { bundlePage } from "../shared/page-bundle.ts";
import { makeRow, parseRowsQuery, type RowsQuery } from "./rows.ts";

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>ndjson-fetch</title>
<h1>NDJSON over fetch</h1>
<form id="form">count <input name="count" value="20" size="5"> delayMs <input name="delayMs" value="100" size="5">
  bad line <input name="bad" value="3" size="3"> <button>stream</button></form>
<p id="status"></p>
<table border="1"><thead><tr><th>id</th><th>name</th><th>value</th></tr></thead><tbody id="rows"></tbody></table>
<script type="module" src="/page.js"></script>
`;

/** Wait for room in the response, or for the client to go away (then `drain` never comes). */
function drainedOrClosed(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });
}

async function streamRows(query: RowsQuery, res: http.ServerResponse): Promise<void> {
  res.writeHead(200, {
    "content-type": "application/x-ndjson",
    "cache-control": "no-store",
    "access-control-allow-origin": "*", // the browser tests' page lives on another origin
  });
  let line = 0;
  let id = 0;
  while (id < query.count && !res.destroyed) {
    line++;
    const text = line === query.bad ? `{"id": ${id + 1}, oops this is not JSON` : JSON.stringify(makeRow(++id));
    // Respect backpressure: a slow reader pauses the producer instead of growing the buffer.
    if (!res.write(`${text}\n`)) await drainedOrClosed(res);
    if (query.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, query.delayMs));
  }
  res.end();
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
  } else if (url.pathname === "/page.js") {
    res
      .writeHead(200, { "content-type": "text/javascript; charset=utf-8" })
      .end(await bundlePage(new URL("./page.ts", import.meta.url)));
  } else if (url.pathname === "/rows") {
    let query: RowsQuery;
    try {
      query = parseRowsQuery(url.searchParams);
    } catch (error) {
      res.writeHead(400, { "content-type": "text/plain", "access-control-allow-origin": "*" });
      res.end(`${(error as Error).message}\n`);
      return;
    }
    await streamRows(query, res);
  } else {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  }
}

/** Start listening; resolves with the base URL and a close that also drops open streams. */
export async function startServer(port: number, host = "127.0.0.1"): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error(`ndjson-fetch: ${req.url}: ${(error as Error).message}`);
      res.destroy();
    });
  });
  server.listen(port, host);
  await new Promise((resolve, reject) => server.once("listening", resolve).once("error", reject));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
