// Smoke test: the example runs to completion and prints what it echoed.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { checkConformance } from "@framed/core/testing";
import { describe, expect, it } from "vitest";
import { tlv } from "../tlv-framing.ts";

describe("custom-framing example", () => {
  it("the TLV framing passes the core conformance kit", () => {
    checkConformance(
      { framing: tlv(), messages: ["", "text", new Uint8Array([0, 255]), "é".repeat(40)] },
      { numRuns: 100 },
    );
  });

  it("running the example echoes three messages and exits 0", () => {
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    const output = execFileSync(process.execPath, ["scripts/example.mjs", "custom-framing"], {
      cwd: root,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(output).toContain('echoed text "hello"');
    expect(output).toContain("echoed bytes [1, 2, 3]");
    expect(output).toContain("custom-framing: 3 messages echoed");
  });
});
