// framed: @framed/length-prefix/node echo. Args: [port] [header] [for-await]. Written with
// `stream.consume((message) => stream.send(message))`, the handler the core README recommends for servers;
// with "for-await", as a loop (`for await` + `await send`) instead, to show what the loop costs.
import { announce, echoHandler, importBuilt, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

const { listen } = await importBuilt("@framed/length-prefix/node");
const header = process.argv[3] ?? "varint";
const server = await listen({ host: "127.0.0.1", port: portArg() }, echoHandler(process.argv[4]), {
  header,
  maxMessageSize: MAX_MESSAGE_SIZE,
});
announce(server.address.port);
