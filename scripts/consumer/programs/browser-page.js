// The page's script, bundled by esbuild from the installed @framed/websocket: an echo through the browser's own
// WebSocket against the Node server that served the page. `window.runEcho()` resolves with what came back.
import { connect } from "@framed/websocket/browser";

window.runEcho = async () => {
  const stream = await connect(`ws://${location.host}/echo`);
  const sent = ["hello", new Uint8Array([1, 2, 3, 250]), "x".repeat(2000)];
  for (const message of sent) await stream.send(message);
  const received = [];
  for await (const message of stream) {
    received.push(typeof message === "string" ? { text: message } : { bytes: Array.from(message) });
    if (received.length === sent.length) break;
  }
  return received;
};
