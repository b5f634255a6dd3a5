// Help and version: every command has --help with examples, exits 0 and loads no command module; a bare
// `framed` prints the usage and exits 2.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/exit-codes.ts";
import { parseCommand } from "../src/options.ts";
import { ensureBuilt, runCli } from "./run-cli.ts";

beforeAll(() => ensureBuilt(), 60_000);

describe("framed --help", () => {
  it("lists the commands and every exit code", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(EXIT.OK);
    for (const command of ["connect", "listen", "bridge"]) expect(stdout).toContain(`  ${command} <`);
    for (const exitCode of Object.values(EXIT)) expect(stdout).toMatch(new RegExp(`\\s${exitCode}  \\S`));
  });

  for (const command of ["connect", "listen", "bridge"]) {
    it(`framed ${command} --help shows its usage with examples and exits 0, whatever else is on the line`, async () => {
      const { code, stdout } = await runCli([command, "--bogus", "--help"]);
      expect(code).toBe(EXIT.OK);
      expect(stdout).toContain(`usage: framed ${command}`);
      expect(stdout).toMatch(/examples:\n {2}framed /);
    });
  }

  it("a bare framed prints the usage and exits 2; --version prints the package version", async () => {
    const bare = await runCli([]);
    expect(bare.code).toBe(EXIT.USAGE);
    expect(bare.stdout).toContain("usage: framed <command>");
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect((await runCli(["--version"])).stdout).toBe(`${version}\n`);
  });
});

describe("parseCommand", () => {
  it("reads the echo example's --header as the length-prefix header, and a value with a colon as an HTTP header", () => {
    const command = parseCommand("connect", ["lp://h:1", "--header", "uint16le", "--header", "Origin: http://x"]);
    expect(command).toMatchObject({ lengthHeader: "uint16le", headers: [["Origin", "http://x"]] });
  });

  it("understands escapes in --delimiter and refuses flags of other commands", () => {
    expect(parseCommand("connect", ["h:1", "--delimiter", "\\r\\n\\x00"])).toMatchObject({ delimiter: "\r\n\0" });
    expect(() => parseCommand("bridge", ["a:1", "b:2", "--echo"])).toThrow(/--echo is not an option of framed bridge/);
    expect(() => parseCommand("bridge", ["a:1", "b:2", "--framing", "newline"])).toThrow(
      /not an option of framed bridge/,
    );
  });
});
