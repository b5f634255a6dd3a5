/**
 * The terminal client: length-prefixed chat over TCP. Each stdin line is sent as `{ from: name, text }`,
 * each message received is printed as `from: text`. Ends when stdin ends or the server closes.
 */
import * as readline from "node:readline";
import { connect } from "@framed/length-prefix/node";
import { encodeChatBytes, MAX_CHAT_MESSAGE_BYTES, parseChatMessage } from "./chat-message.ts";

export async function runChatCli(options: { host: string; tcpPort: number; name: string }): Promise<void> {
  const stream = await connect(
    { host: options.host, port: options.tcpPort },
    { maxMessageSize: MAX_CHAT_MESSAGE_BYTES },
  );
  console.log(`browser-chat client ${options.name} connected to ${options.host}:${options.tcpPort}`);
  const lines = readline.createInterface({ input: process.stdin });
  lines.on("line", (text) => {
    stream.send(encodeChatBytes({ from: options.name, text })).catch((error) => {
      console.error(`not sent: ${error.message}`);
    });
  });
  lines.on("close", () => void stream.close());
  try {
    for await (const data of stream) {
      const message = parseChatMessage(data);
      console.log(`${message.from}: ${message.text}`);
    }
  } finally {
    lines.close();
  }
  const { initiator, error } = await stream.closed;
  console.log(`browser-chat client: disconnected (${error ? `${error.code}: ${error.message}` : initiator})`);
}
