// Chromium's native WebSocket on a topic shared through a real Redis with a length-prefix TCP service on
// another server (browser.fixtures.ts): what the browser sends reaches the service, and the service's answer
// comes back to the browser, each crossing Redis.
import { expect, inject, it } from "vitest";

it("a Chromium WebSocket client and a length-prefix service exchange messages through Redis", async () => {
  const socket = new WebSocket(inject("topicsWebSocketUrl"));
  socket.binaryType = "arraybuffer";
  const received: string[] = [];
  socket.onmessage = (event) =>
    received.push(typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data));
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error("could not open the WebSocket"));
  });
  // This server joins the topic on Redis when the browser subscribes: send until the first answer shows the
  // subscription is live (bounded: 50 tries, 100 ms apart).
  let tries = 0;
  while (!received.some((m) => m.startsWith("service heard")) && tries < 50) {
    socket.send(`browser: hello ${tries++}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const answers = received.filter((m) => m.startsWith("service heard browser: hello"));
  expect(answers.length).toBeGreaterThan(0);
  // The browser also got its own messages back (the sender is a subscriber too), as text.
  expect(received).toContain("browser: hello 0");
  // And once live, every further message makes the round trip, in order.
  const before = answers.length;
  for (let i = 0; i < 5; i++) socket.send(`browser: again ${i}`);
  await expect
    .poll(() => received.filter((m) => m.startsWith("service heard browser: again")), { timeout: 5000 })
    .toEqual(Array.from({ length: 5 }, (_, i) => `service heard browser: again ${i}`));
  expect(received.filter((m) => m.startsWith("service heard browser: hello")).length).toBeGreaterThanOrEqual(before);
  socket.close();
});
