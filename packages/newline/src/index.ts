/**
 * `@framed/newline`: delimiter-terminated messages (text, bytes, NDJSON), sans-I/O and runtime-neutral.
 */
export { ndjson } from "./ndjson.ts";
export { newline } from "./newline.ts";
export { newlineBytes } from "./newline-bytes.ts";
export type { LineOptions, NdjsonOptions, TextLineOptions } from "./options.ts";
