// The page's script, bundled by esbuild from the installed packages: an echo per framing against the Node
// server that served the page. WebSocket through the browser's own WebSocket; length-prefix and newline
// through a WebSocket used as a byte pipe (the server echoes each binary message unchanged, so the framed
// bytes come back as sent). `window.runEcho(framing)` resolves with what came back.
import * as lengthPrefix from "@framed/length-prefix/browser";
import * as newline from "@framed/newline/browser";
import * as websocket from "@framed/websocket/browser";

const url = () => `ws://${location.host}/echo`;
const open = {
  websocket: () => websocket.connect(url()),
  "length-prefix": () => lengthPrefix.fromWebSocket(new WebSocket(url())),
  newline: () => newline.fromWebSocket(new WebSocket(url())),
};
export const messages = {
  websocket: ["hello", new Uint8Array([1, 2, 3, 250]), "x".repeat(2000)],
  "length-prefix": [new Uint8Array([1, 2, 3, 4, 5, 6, 7]), new Uint8Array(0), new Uint8Array(3000).fill(7)],
  newline: ["alpha", "béta ✓", ""],
};
const plain = (message) => (typeof message === "string" ? { text: message } : { bytes: Array.from(message) });

window.runEcho = async (framing) => {
  const stream = await open[framing]();
  const sent = messages[framing];
  for (const message of sent) await stream.send(message);
  const received = [];
  for await (const message of stream) {
    received.push(plain(message));
    if (received.length === sent.length) break;
  }
  return { sent: sent.map(plain), received };
};
