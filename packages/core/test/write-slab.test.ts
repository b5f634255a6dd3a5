// WriteSlab and PendingWrites: small frames carved one after another leave as one view of the slab, nothing
// else's bytes are ever merged in, and two slabs (two copies of a module, two framings) never mix.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PendingWrites } from "../src/pending-writes.ts";
import { WRITE_SLAB_SIZE, WriteSlab } from "../src/write-slab.ts";

const joined = (pieces: Uint8Array[]) => pieces.flatMap((piece) => [...piece]);

/** A fresh slab with its first region taken, so each test starts at a known offset of a known slab. */
function freshSlab(): WriteSlab {
  const slab = new WriteSlab();
  slab.take(0);
  return slab;
}

function frame(slab: WriteSlab, bytes: number[]): Uint8Array {
  const region = slab.take(bytes.length);
  region.set(bytes);
  return region;
}

/** Write `bytes` in place at the slab's reserved offset; returns their size, not yet taken. */
function inPlace(slab: WriteSlab, bytes: number[]): number {
  const at = slab.reserve(bytes.length);
  slab.bytes.set(bytes, at);
  return bytes.length;
}

describe("WriteSlab", () => {
  it("hands out fresh regions that later takes never overwrite, across slab refills", () => {
    const slab = new WriteSlab();
    const regions = Array.from({ length: 30_000 }, (_, i) => frame(slab, [i & 255, (i >> 8) & 255, 7, 7, 7]));
    expect(new Set(regions.map((r) => r.buffer)).size).toBeGreaterThan(1);
    for (const [i, region] of regions.entries()) expect([...region]).toEqual([i & 255, (i >> 8) & 255, 7, 7, 7]);
  });

  it("an aligned region starts on an 8-byte boundary", () => {
    const slab = freshSlab();
    slab.take(3);
    for (let i = 0; i < 50; i++) expect(slab.take(1 + (i % 13), true).byteOffset % 8).toBe(0);
  });

  it("allocates no memory until it is first used, then starts small and doubles up to WRITE_SLAB_SIZE", () => {
    const slab = new WriteSlab();
    expect(slab.buffer.byteLength).toBe(0);
    const sizes: number[] = [];
    for (let i = 0; i < 2000; i++) {
      slab.take(100);
      if (sizes.at(-1) !== slab.buffer.byteLength) sizes.push(slab.buffer.byteLength);
    }
    expect(sizes).toEqual([1024, 2048, 4096, 8192, 16_384, 32_768, 65_536]);
  });

  it("a first region larger than a small slab gets a slab it fits in", () => {
    const slab = new WriteSlab();
    const region = slab.take(5000);
    expect(region.length).toBe(5000);
    expect(slab.buffer.byteLength).toBe(8192);
    expect(slab.take(WRITE_SLAB_SIZE).length).toBe(WRITE_SLAB_SIZE);
  });

  it("send hands a target without writeSlab a view of exactly the written bytes", () => {
    const slab = freshSlab();
    const written: Uint8Array[] = [];
    slab.send({ write: (bytes) => written.push(bytes) }, inPlace(slab, [7, 8, 9]));
    frame(slab, [1, 1, 1]); // taken after it: must not overwrite it
    expect(written.map((w) => [...w])).toEqual([[7, 8, 9]]);
  });

  it("send names the slab to a target with writeSlab, so the target takes the region from that slab", () => {
    const slab = freshSlab();
    const calls: [WriteSlab, number][] = [];
    slab.send(
      { write: () => expect.unreachable(), writeSlab: (from, size) => calls.push([from, size]) },
      inPlace(slab, [4, 5]),
    );
    expect(calls).toEqual([[slab, 2]]);
  });

  it("writeUtf8 encodes exactly as TextEncoder, with the suffix after the text", () => {
    const slab = freshSlab();
    const size = slab.writeUtf8("héllo 😀", new Uint8Array([13, 10]));
    expect(slab.commit(size)).toEqual(new TextEncoder().encode("héllo 😀\r\n"));
  });

  it("writeUtf8 refuses a text or suffix too long for a slab (-1), never a truncated line", () => {
    const slab = freshSlab();
    expect(slab.writeUtf8("a".repeat(5000))).toBe(-1);
    expect(slab.writeUtf8("short", new Uint8Array(70_000))).toBe(-1);
  });
});

describe("PendingWrites", () => {
  it("frames carved and written one after another leave as a single view of the slab", () => {
    const slab = freshSlab();
    const pending = new PendingWrites();
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) {
      frames.push(frame(slab, [i, i, i]));
      pending.add(frames[i]);
    }
    const pieces = pending.take();
    expect(pieces).toHaveLength(1);
    expect(pieces[0].buffer).toBe(frames[0].buffer);
    expect(joined(pieces)).toEqual(frames.flatMap((f) => [...f]));
    expect(pending.size).toBe(300);
  });

  it("a frame carved after another connection's frame is not merged across it", () => {
    const slab = freshSlab();
    const pending = new PendingWrites();
    pending.add(frame(slab, [1, 2]));
    frame(slab, [9, 9]); // another connection's, queued elsewhere
    pending.add(frame(slab, [3, 4]));
    expect(pending.take().map((p) => [...p])).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("frames of two slabs at the same offsets are never merged (two framings, or two copies of a module)", () => {
    const one = freshSlab();
    const other = freshSlab();
    const pending = new PendingWrites();
    pending.add(frame(one, [1, 2]));
    frame(other, [8, 8]); // same offset as [1, 2], in the other slab
    pending.add(frame(other, [3, 4])); // starts exactly where [1, 2] ends, in the other slab
    pending.addSlab(one, inPlace(one, [5])); // continues [1, 2]'s slab, but not the tail
    const pieces = pending.take();
    expect(pieces.map((p) => [...p])).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("views that sit next to each other in one buffer merge into one view of exactly their bytes", () => {
    const memory = new Uint8Array([1, 2, 3, 4, 5]);
    const pending = new PendingWrites();
    pending.add(memory.subarray(0, 2));
    pending.add(memory.subarray(2, 4));
    const pieces = pending.take();
    expect(pieces).toHaveLength(1);
    expect(pieces[0].buffer).toBe(memory.buffer);
    expect([...pieces[0]]).toEqual([1, 2, 3, 4]);
  });

  it("a lone view is written as the very object given", () => {
    const view = new Uint8Array([1, 2, 3]);
    const pending = new PendingWrites();
    pending.add(view);
    expect(pending.take()[0]).toBe(view);
  });

  it("the same region written twice stays two pieces", () => {
    const slab = freshSlab();
    const region = frame(slab, [5, 6]);
    const pending = new PendingWrites();
    pending.add(region);
    pending.add(region);
    expect(joined(pending.take())).toEqual([5, 6, 5, 6]);
  });

  it("a region of a fresh slab never continues the previous slab's run", () => {
    const slab = freshSlab();
    const pending = new PendingWrites();
    const before = frame(slab, [1]);
    pending.add(before);
    // Fill the slab so the next region comes from a new one, possibly at the same offset.
    let next = frame(slab, [2]);
    for (let i = 0; i < WRITE_SLAB_SIZE && next.buffer === before.buffer; i++) next = frame(slab, [2]);
    pending.add(next);
    const pieces = pending.take();
    expect(pieces.map((p) => p.buffer)).toEqual([before.buffer, next.buffer]);
    expect(joined(pieces)).toEqual([1, 2]);
  });

  it("frames written in place and queued with addSlab leave as one view, with views carved around them", () => {
    const slab = freshSlab();
    const pending = new PendingWrites();
    for (let i = 0; i < 50; i++) {
      pending.addSlab(slab, inPlace(slab, [i, i]));
      pending.add(frame(slab, [200 + i]));
    }
    const pieces = pending.take();
    expect(pieces).toHaveLength(1);
    expect(joined(pieces)).toEqual(Array.from({ length: 50 }, (_, i) => [i, i, 200 + i]).flat());
  });

  it("a frame reserved but never sent is overwritten by the next one and never reaches the output", () => {
    const slab = freshSlab();
    const pending = new PendingWrites();
    pending.addSlab(slab, inPlace(slab, [1]));
    inPlace(slab, [66, 66, 66]); // refused before sending (say, too large)
    pending.addSlab(slab, inPlace(slab, [2, 3]));
    expect(joined(pending.take())).toEqual([1, 2, 3]);
  });

  it("empty writes are dropped", () => {
    const slab = freshSlab();
    const pending = new PendingWrites();
    pending.add(new Uint8Array(0));
    pending.add(frame(slab, []));
    expect(pending.take()).toEqual([]);
    expect(pending.size).toBe(0);
  });

  it("keeps every byte in order for any mix of two slabs' views and in-place frames, foreign views and others' frames", () => {
    const write = fc.oneof(
      fc.record({ kind: fc.constant("slab" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ kind: fc.constant("foreign" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ kind: fc.constant("other" as const), bytes: fc.uint8Array({ maxLength: 30 }) }),
      fc.record({ kind: fc.constant("in place" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(write, fc.boolean()), { maxLength: 60 }), (writes) => {
        const slabs = [new WriteSlab(), new WriteSlab()];
        const pending = new PendingWrites();
        const expected: number[] = [];
        for (const [{ kind, bytes }, second] of writes) {
          const slab = slabs[second ? 1 : 0];
          if (kind === "other") {
            frame(slab, [...bytes]);
            continue;
          }
          if (kind === "in place") pending.addSlab(slab, inPlace(slab, [...bytes]));
          else pending.add(kind === "slab" ? frame(slab, [...bytes]) : bytes);
          expected.push(...bytes);
        }
        expect(joined(pending.take())).toEqual(expected);
        expect(pending.size).toBe(expected.length);
      }),
      { numRuns: 300 },
    );
  });
});
