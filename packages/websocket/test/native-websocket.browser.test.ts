// Chromium's native WebSocket as a client of our Node and Deno servers (started by browser.fixtures.ts):
// text, binary, permessage-deflate, and close codes both ways.
import { describe, expect, inject, it } from "vitest";

const servers = [
  ["Node", "websocketEchoUrl"],
  ["Deno", "websocketDenoEchoUrl"],
] as const;

function open(url: string, protocols?: string[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    socket.binaryType = "arraybuffer";
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

function nextMessage(socket: WebSocket): Promise<string | ArrayBuffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no message within 5 s")), 5000);
    socket.addEventListener(
      "message",
      (event) => {
        clearTimeout(timer);
        resolve(event.data);
      },
      { once: true },
    );
  });
}

function closeEvent(socket: WebSocket): Promise<CloseEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no close within 5 s")), 5000);
    socket.addEventListener(
      "close",
      (event) => {
        clearTimeout(timer);
        resolve(event);
      },
      { once: true },
    );
  });
}

describe.each(servers)("Chromium WebSocket against our %s server", (_runtime, key) => {
  const url = inject(key);

  it("echoes text as a string, and agrees on the subprotocol", async () => {
    const socket = await open(url, ["other", "chat"]);
    expect(socket.protocol).toBe("chat");
    socket.send("héllo from Chromium ✓");
    expect(await nextMessage(socket)).toBe("héllo from Chromium ✓");
    socket.close();
  });

  it("echoes binary as binary", async () => {
    const socket = await open(url);
    socket.send(new Uint8Array([0, 1, 2, 253, 254, 255]));
    const reply = await nextMessage(socket);
    expect(reply).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(reply as ArrayBuffer)]).toEqual([0, 1, 2, 253, 254, 255]);
    socket.close();
  });

  it("negotiates permessage-deflate and echoes a large compressible message", async () => {
    const socket = await open(url);
    expect(socket.extensions).toContain("permessage-deflate");
    socket.send("deflate?");
    expect(await nextMessage(socket)).toContain("permessage-deflate");
    const text = "compressible text, ".repeat(20_000);
    socket.send(text);
    expect(await nextMessage(socket)).toBe(text);
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 13) % 256);
    socket.send(bytes);
    const echoed = new Uint8Array((await nextMessage(socket)) as ArrayBuffer);
    expect(echoed.length).toBe(bytes.length);
    expect(echoed.every((byte, i) => byte === bytes[i])).toBe(true);
    socket.close();
  });

  it("receives the server's close code and reason", async () => {
    const socket = await open(url);
    const closed = closeEvent(socket);
    socket.send("close:4321:server chose this");
    const event = await closed;
    expect(event.code).toBe(4321);
    expect(event.reason).toBe("server chose this");
    expect(event.wasClean).toBe(true);
  });

  it("delivers its own close code and reason to the server's `closed`", async () => {
    const id = `c${Math.random().toString(36).slice(2)}`;
    const socket = await open(url);
    socket.send(`name:${id}`);
    const closed = closeEvent(socket);
    socket.close(4100, "browser leaving");
    expect((await closed).code).toBe(4100);
    const probe = await open(url);
    let seen: unknown = {};
    // The server learns of the close when its TCP side finishes, which may trail the browser's event.
    for (let attempt = 0; attempt < 20 && JSON.stringify(seen) === "{}"; attempt++) {
      probe.send(`close-of:${id}`);
      seen = JSON.parse((await nextMessage(probe)) as string);
      if (JSON.stringify(seen) === "{}") await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen).toEqual({ initiator: "remote", code: 4100, reason: "browser leaving" });
    probe.close();
  });

  it("a refused upgrade (403 from verify) fires error, then an unclean close with 1006", async () => {
    const path = `/refuse-${Math.random().toString(36).slice(2)}`;
    const socket = new WebSocket(new URL(path, url));
    const errored = new Promise<boolean>((resolve) => socket.addEventListener("error", () => resolve(true)));
    const event = await closeEvent(socket);
    expect(await errored).toBe(true);
    expect(event.code).toBe(1006);
    expect(event.wasClean).toBe(false);
    const probe = await open(url);
    probe.send(`refusal-of:${path}`);
    expect(JSON.parse((await nextMessage(probe)) as string)).toBe(403);
    probe.close();
  });
});
