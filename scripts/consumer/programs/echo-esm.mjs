// Node ESM consumer: every framing's `/node` entry by `import`, as the package READMEs show.
import * as lengthPrefix from "@framed/length-prefix/node";
import * as newline from "@framed/newline/node";
import * as websocket from "@framed/websocket/node";
import checks from "./echo-checks.cjs";

const both = (module) => ({ server: module, client: module });
checks.report(
  await checks.runEchoes("Node ESM (import)", {
    "length-prefix": both(lengthPrefix),
    newline: both(newline),
    websocket: both(websocket),
  }),
);
