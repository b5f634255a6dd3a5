// `framed bridge` between Chromium's own WebSocket and a newline TCP service (both started by
// browser.fixtures.ts): each WebSocket message is one line and each line one message, in order, and the
// service hanging up closes the page's WebSocket normally.
import { expect, inject, it } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    cliBridgePort: number;
  }
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error("the WebSocket did not open within 5 s")), 5000);
    socket.onopen = () => {
      clearTimeout(timer);
      resolve(socket);
    };
    socket.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`could not open ${url}`));
    };
  });
}

it("carries a page's WebSocket messages to a newline service and its lines back, one for one, then closes with it", async () => {
  const socket = await open(`ws://127.0.0.1:${inject("cliBridgePort")}/`);
  const received: string[] = [];
  const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener("close", resolve));
  socket.addEventListener("message", (event) => received.push(event.data as string));
  const messages = ["hello", "grüße ✓", "", "x".repeat(100_000), ...Array.from({ length: 500 }, (_, i) => `n${i}`)];
  for (const message of messages) socket.send(message);
  socket.send("bye");
  const event = await closed;
  expect(received).toEqual(messages.map((message) => message.toUpperCase()));
  expect(event.code).toBe(1000);
});
