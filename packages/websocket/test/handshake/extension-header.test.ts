// Sec-WebSocket-Extensions syntax: offers, parameters, quoted strings, malformed values.
import { describe, expect, it } from "vitest";
import {
  ExtensionSyntaxError,
  formatExtensionHeader,
  parseExtensionHeader,
} from "../../src/handshake/extension-header.ts";

describe("parseExtensionHeader", () => {
  it("reads several offers with valueless, token and quoted parameters", () => {
    expect(
      parseExtensionHeader(
        'permessage-deflate; client_max_window_bits, permessage-deflate ;server_max_window_bits="10" , x-foo',
      ),
    ).toEqual([
      { name: "permessage-deflate", params: [{ name: "client_max_window_bits", value: true }] },
      { name: "permessage-deflate", params: [{ name: "server_max_window_bits", value: "10" }] },
      { name: "x-foo", params: [] },
    ]);
  });

  it("unescapes quoted values, lower-cases names and skips empty list elements", () => {
    expect(parseExtensionHeader(',  Permessage-Deflate; Server_Max_Window_Bits = "1\\0",,')).toEqual([
      { name: "permessage-deflate", params: [{ name: "server_max_window_bits", value: "10" }] },
    ]);
  });

  it("keeps repeated parameters so negotiation can decline them", () => {
    expect(parseExtensionHeader("permessage-deflate; a; a")[0].params).toHaveLength(2);
  });

  it.each([
    ["a parameter without a name", "permessage-deflate; =1"],
    ["a parameter without a value after '='", "permessage-deflate; a="],
    ["an unterminated quoted string", 'permessage-deflate; a="10'],
    ["a quoted value that is not a token", 'permessage-deflate; a="1 0"'],
    ["an empty quoted value", 'permessage-deflate; a=""'],
    ["two names without a separator", "permessage-deflate other"],
    ["a separator inside a name", "perm(essage"],
    ["a leading semicolon", "; a"],
  ])("throws ExtensionSyntaxError for %s", (_, header) => {
    expect(() => parseExtensionHeader(header)).toThrow(ExtensionSyntaxError);
  });
});

describe("formatExtensionHeader", () => {
  it("writes what parseExtensionHeader reads back", () => {
    const header = "permessage-deflate; server_no_context_takeover; client_max_window_bits=12, x-other";
    expect(formatExtensionHeader(parseExtensionHeader(header))).toBe(header);
  });
});
