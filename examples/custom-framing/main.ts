// Serve the TLV framing over TCP, echo three messages, print them, and exit.
import { connect, listen } from "@framed/core/node";
import { tlv } from "./tlv-framing.ts";

const server = await listen({ port: 0 }, tlv(), async (stream) => {
  for await (const message of stream) await stream.send(message);
});
const client = await connect({ port: server.address.port }, tlv());
const messages = ["hello", new Uint8Array([1, 2, 3]), "framed"];
for (const message of messages) await client.send(message);

let count = 0;
for await (const echoed of client) {
  console.log(`echoed ${typeof echoed === "string" ? `text "${echoed}"` : `bytes [${[...echoed].join(", ")}]`}`);
  if (++count === messages.length) break;
}
await server.close();
console.log(`custom-framing: ${count} messages echoed`);
