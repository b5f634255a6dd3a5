/**
 * The browser's side of the chat, used by the page and by the Chromium tests: a native WebSocket through
 * `@framed/websocket/browser`, speaking `{ from, text }` JSON.
 */
import { connect } from "@framed/websocket/browser";
import { type ChatMessage, encodeChatMessage, parseChatMessage } from "./chat-message.ts";

export interface ChatConnection {
  say(text: string): Promise<void>;
  leave(): Promise<void>;
  /** Resolves when the server closes the connection, with its close code and reason. */
  readonly closed: Promise<{ code?: number; reason?: string }>;
}

/**
 * Join the chat at `url` (`ws://host:port/chat`) as `name`; `onMessage` sees every message, ours included.
 *
 * @example
 * ```ts
 * const chat = await joinChat(`ws://${location.host}/chat`, "ada", (m) => show(`${m.from}: ${m.text}`));
 * await chat.say("hello");
 * ```
 */
export async function joinChat(
  url: string,
  name: string,
  onMessage: (message: ChatMessage) => void,
): Promise<ChatConnection> {
  const stream = await connect(url);
  void (async () => {
    for await (const data of stream) onMessage(parseChatMessage(data));
  })().catch(() => stream.abort()); // a server that sends garbage is left; `closed` says so
  return {
    say: (text) => stream.send(encodeChatMessage({ from: name, text })),
    leave: async () => {
      await stream.close();
    },
    closed: stream.closed.then(({ code, reason }) => ({ code, reason })),
  };
}
