// permessage-deflate negotiation (RFC 7692 §5–7): the server's pick and the client's check of the answer.
import { FramedError } from "@framed/core";
import { describe, expect, it } from "vitest";
import { acceptDeflateResponse, createDeflateOffer, negotiateDeflate } from "../../src/deflate/negotiate.ts";
import type { DeflateOptions } from "../../src/deflate/params.ts";
import { checkDeflateOptions } from "../../src/deflate/params.ts";
import { formatExtensionHeader, parseExtensionHeader } from "../../src/handshake/extension-header.ts";

/** The server's response header for an offer header, or null when every offer is declined. */
function answer(offers: string, options: DeflateOptions = {}): string | null {
  const agreement = negotiateDeflate(parseExtensionHeader(offers), options);
  return agreement && formatExtensionHeader([agreement.response]);
}

function clientAccepts(response: string, options: DeflateOptions = {}) {
  return acceptDeflateResponse(parseExtensionHeader(response)[0], options);
}

describe("negotiateDeflate (server)", () => {
  it("accepts a bare offer with every default", () => {
    const agreement = negotiateDeflate(parseExtensionHeader("permessage-deflate"));
    expect(agreement?.params).toEqual({
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    });
    expect(formatExtensionHeader([agreement!.response])).toBe("permessage-deflate");
  });

  it("ignores extensions it does not know and returns null when nothing is offered", () => {
    expect(answer("x-webkit-deflate-frame, permessage-foo")).toBeNull();
    expect(answer("x-webkit-deflate-frame, permessage-deflate")).toBe("permessage-deflate");
  });

  it.each([
    ["an unknown parameter", "permessage-deflate; foo"],
    ["a repeated parameter", "permessage-deflate; server_no_context_takeover; server_no_context_takeover"],
    ["a value on server_no_context_takeover", "permessage-deflate; server_no_context_takeover=1"],
    ["a value on client_no_context_takeover", "permessage-deflate; client_no_context_takeover=yes"],
    ["server_max_window_bits without a value", "permessage-deflate; server_max_window_bits"],
    ["server_max_window_bits of 7", "permessage-deflate; server_max_window_bits=7"],
    ["server_max_window_bits of 16", "permessage-deflate; server_max_window_bits=16"],
    ["server_max_window_bits with a leading zero", "permessage-deflate; server_max_window_bits=010"],
    ["client_max_window_bits of 0", "permessage-deflate; client_max_window_bits=0"],
    ["server_max_window_bits of 8, which zlib cannot compress with", "permessage-deflate; server_max_window_bits=8"],
  ])("declines an offer with %s and takes the next acceptable one", (_, bad) => {
    expect(answer(bad)).toBeNull();
    expect(answer(`${bad}, permessage-deflate; client_no_context_takeover`)).toBe(
      "permessage-deflate; client_no_context_takeover",
    );
  });

  it("honours server_no_context_takeover and a smaller server window from the offer", () => {
    const agreement = negotiateDeflate(
      parseExtensionHeader("permessage-deflate; server_no_context_takeover; server_max_window_bits=10"),
    );
    expect(agreement?.params).toMatchObject({ serverNoContextTakeover: true, serverMaxWindowBits: 10 });
    expect(formatExtensionHeader([agreement!.response])).toBe(
      "permessage-deflate; server_no_context_takeover; server_max_window_bits=10",
    );
  });

  it("answers with the smaller of its own and the offered server window", () => {
    expect(answer("permessage-deflate; server_max_window_bits=12", { serverMaxWindowBits: 10 })).toBe(
      "permessage-deflate; server_max_window_bits=10",
    );
    expect(answer("permessage-deflate", { serverMaxWindowBits: 11 })).toBe(
      "permessage-deflate; server_max_window_bits=11",
    );
  });

  it("caps the client window only when the offer allows it, declining offers that do not", () => {
    expect(answer("permessage-deflate; client_max_window_bits", { clientMaxWindowBits: 10 })).toBe(
      "permessage-deflate; client_max_window_bits=10",
    );
    expect(answer("permessage-deflate; client_max_window_bits=9", { clientMaxWindowBits: 10 })).toBe(
      "permessage-deflate; client_max_window_bits=9",
    );
    expect(answer("permessage-deflate", { clientMaxWindowBits: 10 })).toBeNull();
    expect(answer("permessage-deflate, permessage-deflate; client_max_window_bits", { clientMaxWindowBits: 12 })).toBe(
      "permessage-deflate; client_max_window_bits=12",
    );
  });

  it("never answers client_max_window_bits when the offer did not name it", () => {
    expect(answer("permessage-deflate")).toBe("permessage-deflate");
    expect(answer("permessage-deflate; client_max_window_bits")).toBe("permessage-deflate");
  });

  it("records the client window the client announced, for sizing the inflater", () => {
    expect(
      negotiateDeflate(parseExtensionHeader("permessage-deflate; client_max_window_bits=11"))?.params
        .clientMaxWindowBits,
    ).toBe(11);
  });

  it("adds the no-context-takeover parameters its options require", () => {
    expect(answer("permessage-deflate", { serverNoContextTakeover: true, clientNoContextTakeover: true })).toBe(
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
    );
  });
});

describe("createDeflateOffer (client)", () => {
  it("always lets the server cap our window, and names what the options ask for", () => {
    expect(formatExtensionHeader([createDeflateOffer()])).toBe("permessage-deflate; client_max_window_bits");
    expect(
      formatExtensionHeader([
        createDeflateOffer({
          serverNoContextTakeover: true,
          clientNoContextTakeover: true,
          serverMaxWindowBits: 10,
          clientMaxWindowBits: 12,
        }),
      ]),
    ).toBe(
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12",
    );
  });
});

describe("acceptDeflateResponse (client)", () => {
  it("reads an agreement, taking defaults for what the server left out", () => {
    expect(clientAccepts("permessage-deflate")).toEqual({
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    });
    expect(
      clientAccepts(
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=10",
      ),
    ).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 9,
      clientMaxWindowBits: 10,
    });
  });

  it("keeps its own client window and no-context-takeover when the server does not answer them", () => {
    expect(
      clientAccepts("permessage-deflate", { clientMaxWindowBits: 11, clientNoContextTakeover: true }),
    ).toMatchObject({
      clientMaxWindowBits: 11,
      clientNoContextTakeover: true,
    });
  });

  it.each<[string, string, DeflateOptions]>([
    ["an unknown parameter", "permessage-deflate; foo", {}],
    ["a repeated parameter", "permessage-deflate; client_no_context_takeover; client_no_context_takeover", {}],
    ["client_max_window_bits without a value", "permessage-deflate; client_max_window_bits", {}],
    [
      "a client window above the offered one",
      "permessage-deflate; client_max_window_bits=12",
      { clientMaxWindowBits: 10 },
    ],
    ["a client window of 8, which zlib cannot compress with", "permessage-deflate; client_max_window_bits=8", {}],
    [
      "a server window above the offered one",
      "permessage-deflate; server_max_window_bits=12",
      { serverMaxWindowBits: 10 },
    ],
    ["no server window when one was offered", "permessage-deflate", { serverMaxWindowBits: 10 }],
    ["no server_no_context_takeover when it was offered", "permessage-deflate", { serverNoContextTakeover: true }],
    ["a bad server window value", "permessage-deflate; server_max_window_bits=99", {}],
  ])("fails the handshake on %s", (_, response, options) => {
    expect(() => clientAccepts(response, options)).toThrow(FramedError);
  });
});

describe("checkDeflateOptions", () => {
  it("refuses window sizes our compressor cannot use and accepts the rest", () => {
    expect(() => checkDeflateOptions({ serverMaxWindowBits: 8 }, "server")).toThrow(RangeError);
    expect(() => checkDeflateOptions({ clientMaxWindowBits: 8 }, "server")).toThrow(RangeError);
    expect(() => checkDeflateOptions({ clientMaxWindowBits: 8 }, "client")).toThrow(RangeError);
    expect(() => checkDeflateOptions({ serverMaxWindowBits: 16 }, "client")).toThrow(RangeError);
    expect(() => checkDeflateOptions({ serverMaxWindowBits: 10.5 }, "client")).toThrow(RangeError);
    expect(checkDeflateOptions({ serverMaxWindowBits: 8, clientMaxWindowBits: 9 }, "client")).toBeTruthy();
  });
});
