// Node-side fixture for the Chromium tests: the chat server, plus a length-prefix client ("cli-bot") that
// answers every message from someone else with `cli-bot heard <from>: <text>`, so a browser test can see
// a TCP client receive its message and send one back.
import { connect } from "@framed/length-prefix/node";
import { encodeChatBytes, parseChatMessage } from "../chat-message.ts";
import { startChatServer } from "../server.ts";

declare module "vitest" {
  interface ProvidedContext {
    browserChatWebSocketUrl: string;
  }
}

const BOT_NAME = "cli-bot";

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const chat = await startChatServer({ port: 0, tcpPort: 0 });
  const bot = await connect({ port: chat.tcpPort });
  const botDone = (async () => {
    for await (const data of bot) {
      const message = parseChatMessage(data);
      if (message.from !== BOT_NAME) {
        await bot.send(encodeChatBytes({ from: BOT_NAME, text: `${BOT_NAME} heard ${message.from}: ${message.text}` }));
      }
    }
  })().catch(() => {}); // ends when the server closes
  provide("browserChatWebSocketUrl", chat.webSocketUrl);
  return async () => {
    await bot.close();
    await botDone;
    await chat.close();
  };
}
