// HttpHeaders: case-insensitive lookups over a flat list of fields, as the handshake makes them.
import { describe, expect, it } from "vitest";
import { HttpHeaders } from "../../src/handshake/http-headers.ts";

describe("HttpHeaders", () => {
  const headers = HttpHeaders.fromPairs(["Host", "a", "X-Seen", "1", "x-seen", "2", "X-SEEN", "3", "Xseen", "no"]);

  it("finds a field whatever the case of the name asked for and of the name sent", () => {
    expect(headers.get("host")).toBe("a");
    expect(headers.get("HOST")).toBe("a");
    expect(headers.has("hOsT")).toBe(true);
  });

  it("joins repeated fields with a comma and a space, in arrival order", () => {
    expect(headers.get("x-seen")).toBe("1, 2, 3");
    expect(headers.getAll("X-Seen")).toEqual(["1", "2", "3"]);
    expect(headers.count("x-seen")).toBe(3);
  });

  it("does not match a name of another length or a name that differs in more than case", () => {
    expect(headers.get("x-see")).toBeUndefined();
    expect(headers.get("x_seen")).toBeUndefined();
    expect(headers.count("absent")).toBe(0);
    expect(headers.has("absent")).toBe(false);
    expect(headers.getAll("absent")).toEqual([]);
  });

  it("keeps names as sent when listing fields", () => {
    expect([...headers].map(([name]) => name)).toEqual(["Host", "X-Seen", "x-seen", "X-SEEN", "Xseen"]);
  });
});
