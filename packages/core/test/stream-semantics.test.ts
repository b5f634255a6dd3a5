// MessageStream semantics in Node (the same cases run in Deno and Chromium).
import { describe, it } from "vitest";
import { streamSemantics } from "./fixtures/stream-semantics.ts";

describe("MessageStream semantics (Node)", () => {
  for (const semanticsCase of streamSemantics) it(semanticsCase.name, semanticsCase.run);
});
