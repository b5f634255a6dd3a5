// browser-chat in real Chromium: two pages' worth of WebSocket connections (the page's own joinChat) and the
// fixture's length-prefix client see each other's messages; a connection sending non-JSON is closed with 1008.
import { connect } from "@framed/websocket/browser";
import { describe, expect, inject, it } from "vitest";
import { joinChat } from "../chat-client.ts";
import type { ChatMessage } from "../chat-message.ts";

const url = inject("browserChatWebSocketUrl");

describe("browser-chat in Chromium", () => {
  it("two browser connections and the length-prefix client all see each other's messages", async () => {
    const seenByAda: ChatMessage[] = [];
    const seenByBea: ChatMessage[] = [];
    const ada = await joinChat(url, "ada", (message) => seenByAda.push(message));
    const bea = await joinChat(url, "bea", (message) => seenByBea.push(message));

    await ada.say("hello from ada");
    await expect.poll(() => seenByBea).toContainEqual({ from: "ada", text: "hello from ada" });
    // The TCP client received it over length-prefix and answered; both browsers get the answer.
    const botReply = { from: "cli-bot", text: "cli-bot heard ada: hello from ada" };
    await expect.poll(() => seenByAda).toContainEqual(botReply);
    await expect.poll(() => seenByBea).toContainEqual(botReply);

    await bea.say("and bea answers");
    await expect.poll(() => seenByAda).toContainEqual({ from: "bea", text: "and bea answers" });
    await expect.poll(() => seenByAda).toContainEqual({ from: "cli-bot", text: "cli-bot heard bea: and bea answers" });
    // Order is kept per sender: ada's own message came back before the bot's answer to it.
    const adaLog = seenByAda.map((message) => message.text);
    expect(adaLog.indexOf("hello from ada")).toBeLessThan(adaLog.indexOf("cli-bot heard ada: hello from ada"));

    await Promise.all([ada.leave(), bea.leave()]);
  });

  it("a connection that sends non-JSON is closed with 1008 and a reason; the others stay connected", async () => {
    const seenByCy: ChatMessage[] = [];
    const cy = await joinChat(url, "cy", (message) => seenByCy.push(message));
    const bad = await connect(url);
    await bad.send("<not json>");
    const { code, reason } = await bad.closed;
    expect(code).toBe(1008);
    expect(reason).toContain("not a chat message: not JSON");

    await cy.say("cy is still here");
    await expect.poll(() => seenByCy).toContainEqual({ from: "cy", text: "cy is still here" });
    await cy.leave();
  });
});
