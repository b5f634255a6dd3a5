/**
 * `@framed/core/testing`: the sans-I/O harness, in-memory byte pipes and the conformance kit.
 */
export * from "./conformance.ts";
export * from "./memory-pipe.ts";
export * from "./mutations.ts";
export * from "./session-harness.ts";
export * from "./stream-pair.ts";
export * from "./within.ts";
