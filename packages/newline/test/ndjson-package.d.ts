// Types for the `ndjson` package (it ships none), only as far as the interop test uses it.
declare module "ndjson" {
  import type { Transform } from "node:stream";

  const ndjson: {
    parse(options?: { strict?: boolean }): Transform;
    stringify(): Transform;
  };
  export default ndjson;
}
