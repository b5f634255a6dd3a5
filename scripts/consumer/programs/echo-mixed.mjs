// ESM and CommonJS in one process (the dual-package hazard): each framing's server is loaded by `require`,
// its client by `import`, so two copies of every package run side by side and must still agree on the wire.
import { createRequire } from "node:module";
import * as lengthPrefix from "@framed/length-prefix/node";
import * as newline from "@framed/newline/node";
import * as websocket from "@framed/websocket/node";
import checks from "./echo-checks.cjs";

const require = createRequire(import.meta.url);
checks.report(
  await checks.runEchoes("Node ESM + CommonJS in one process (server required, client imported)", {
    "length-prefix": { server: require("@framed/length-prefix/node"), client: lengthPrefix },
    newline: { server: require("@framed/newline/node"), client: newline },
    websocket: { server: require("@framed/websocket/node"), client: websocket },
  }),
);
