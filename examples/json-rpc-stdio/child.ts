// The JSON-RPC child: serves `methods` over this process's stdin/stdout, one JSON value per line.
// Run by main.ts; stderr carries its log, stdout only responses. It exits when stdin ends.
import { ndjson } from "@framed/newline/node";
import { answer, errorResponse, INVALID_REQUEST, PARSE_ERROR, type RpcResponse } from "./json-rpc.ts";
import { methods } from "./methods.ts";

// "skip": a line that is not JSON, or is over 1 MiB, is reported as a warning and the stream carries on,
// which is what JSON-RPC wants (answer with id null, keep serving).
const rpc = ndjson.stdio({ invalidJson: "skip", oversize: "skip", maxMessageSize: 1024 * 1024 });

const reply = (response: RpcResponse | undefined) => {
  if (response) rpc.send(response).catch(() => {}); // a closed parent simply gets no answer
};

rpc.onWarning((warning) => {
  console.error(`json-rpc child: ${warning.code}: ${warning.message}`);
  if (warning.code === "INVALID_JSON") {
    reply(errorResponse(null, { code: PARSE_ERROR, message: "Parse error", data: warning.message }));
  } else if (warning.code === "MESSAGE_TOO_LARGE") {
    reply(errorResponse(null, { code: INVALID_REQUEST, message: "Invalid Request: too large", data: warning.message }));
  }
});

for await (const value of rpc) {
  // Not awaited: a slow `sleep` must not hold up the requests behind it.
  void answer(value, methods).then(reply);
}
// stdin ended. The write side closed as this loop saw the end, so a request still running (a `sleep`) gets no
// answer: callers wait for their answers before closing, as main.ts does.
