// The write slab and PendingWrites: small frames carved one after another leave as one view of the slab,
// and nothing else is ever merged.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PendingWrites } from "../src/pending-writes.ts";
import { currentSlab, reserveSlab, sendFromSlab, takeSlabBytes, WRITE_SLAB_SIZE } from "../src/write-slab.ts";

function frame(bytes: number[]): Uint8Array {
  const region = takeSlabBytes(bytes.length);
  region.set(bytes);
  return region;
}

const joined = (pieces: Uint8Array[]) => pieces.flatMap((piece) => [...piece]);

/** Write `bytes` in place at the slab's reserved offset; returns their size, not yet taken. */
function inPlace(bytes: number[]): number {
  const at = reserveSlab(bytes.length);
  currentSlab().set(bytes, at);
  return bytes.length;
}

describe("write slab", () => {
  it("hands out fresh regions that later takes never overwrite", () => {
    const regions = Array.from({ length: 3000 }, (_, i) => frame([i & 255, (i >> 8) & 255, 7, 7, 7]));
    for (const [i, region] of regions.entries()) expect([...region]).toEqual([i & 255, (i >> 8) & 255, 7, 7, 7]);
  });

  it("an aligned region starts on an 8-byte boundary", () => {
    takeSlabBytes(3);
    for (let i = 0; i < 50; i++) expect(takeSlabBytes(1 + (i % 13), true).byteOffset % 8).toBe(0);
  });
});

describe("PendingWrites", () => {
  it("frames carved and written one after another leave as a single view of the slab", () => {
    const pending = new PendingWrites();
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) {
      frames.push(frame([i, i, i]));
      pending.add(frames[i]);
    }
    const pieces = pending.take();
    if (frames[0].byteOffset + 300 <= WRITE_SLAB_SIZE) {
      expect(pieces).toHaveLength(1);
      expect(pieces[0].buffer).toBe(frames[0].buffer);
    }
    expect(joined(pieces)).toEqual(frames.flatMap((f) => [...f]));
    expect(pending.size).toBe(300);
  });

  it("a frame carved after another connection's frame is not merged across it", () => {
    const pending = new PendingWrites();
    pending.add(frame([1, 2]));
    frame([9, 9]); // another connection's, queued elsewhere
    pending.add(frame([3, 4]));
    expect(pending.take().map((p) => [...p])).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("views that merely sit next to each other in some other buffer are never merged", () => {
    const memory = new Uint8Array([1, 2, 3, 4]);
    const first = memory.subarray(0, 2);
    const second = memory.subarray(2, 4);
    const pending = new PendingWrites();
    pending.add(first);
    pending.add(second);
    const pieces = pending.take();
    expect(pieces).toHaveLength(2);
    expect(pieces[0]).toBe(first);
    expect(pieces[1]).toBe(second);
  });

  it("only the region carved last can continue a run (an older one is written as it is)", () => {
    const pending = new PendingWrites();
    const first = frame([1]);
    const second = frame([2]);
    pending.add(first);
    pending.add(second);
    expect(joined(pending.take())).toEqual([1, 2]);
  });

  it("the same region written twice stays two pieces", () => {
    const region = frame([5, 6]);
    const pending = new PendingWrites();
    pending.add(region);
    pending.add(region);
    expect(joined(pending.take())).toEqual([5, 6, 5, 6]);
  });

  it("a region of a fresh slab never continues the previous slab's run", () => {
    const pending = new PendingWrites();
    const before = frame([1]);
    pending.add(before);
    // Fill the slab so the next region comes from a new one, possibly at the same offset.
    let next = frame([2]);
    while (next.buffer === before.buffer) next = frame([2]);
    pending.add(next);
    const pieces = pending.take();
    expect(pieces.map((p) => p.buffer)).toEqual([before.buffer, next.buffer]);
    expect(joined(pieces)).toEqual([1, 2]);
  });

  it("frames written in place and queued with addSlab leave as one view, with views carved around them", () => {
    const pending = new PendingWrites();
    for (let i = 0; i < 50; i++) {
      pending.addSlab(inPlace([i, i]));
      pending.add(frame([200 + i]));
    }
    const pieces = pending.take();
    expect(pieces.length).toBeLessThanOrEqual(2); // two only where the slab filled up in between
    expect(joined(pieces)).toEqual(Array.from({ length: 50 }, (_, i) => [i, i, 200 + i]).flat());
  });

  it("a frame reserved but never sent is overwritten by the next one and never reaches the output", () => {
    const pending = new PendingWrites();
    pending.addSlab(inPlace([1]));
    inPlace([66, 66, 66]); // refused before sending (say, too large)
    pending.addSlab(inPlace([2, 3]));
    expect(joined(pending.take())).toEqual([1, 2, 3]);
  });

  it("sendFromSlab hands a sink without writeSlab a view of exactly the written bytes", () => {
    const written: Uint8Array[] = [];
    sendFromSlab({ write: (bytes) => written.push(bytes) }, inPlace([7, 8, 9]));
    frame([1, 1, 1]); // taken after it: must not overwrite it
    expect(written.map((w) => [...w])).toEqual([[7, 8, 9]]);
  });

  it("sendFromSlab prefers writeSlab when the sink has it", () => {
    const sizes: number[] = [];
    sendFromSlab({ write: () => expect.unreachable(), writeSlab: (size) => sizes.push(size) }, inPlace([4, 5]));
    expect(sizes).toEqual([2]);
  });

  it("empty writes are dropped", () => {
    const pending = new PendingWrites();
    pending.add(new Uint8Array(0));
    pending.add(frame([]));
    expect(pending.take()).toEqual([]);
    expect(pending.size).toBe(0);
  });

  it("keeps every byte in order for any mix of slab views, in-place frames, foreign views and others' frames", () => {
    const write = fc.oneof(
      fc.record({ kind: fc.constant("slab" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ kind: fc.constant("foreign" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ kind: fc.constant("other" as const), bytes: fc.uint8Array({ maxLength: 30 }) }),
      fc.record({ kind: fc.constant("in place" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
    );
    fc.assert(
      fc.property(fc.array(write, { maxLength: 60 }), (writes) => {
        const pending = new PendingWrites();
        const expected: number[] = [];
        for (const { kind, bytes } of writes) {
          if (kind === "other") {
            frame([...bytes]);
            continue;
          }
          if (kind === "in place") pending.addSlab(inPlace([...bytes]));
          else pending.add(kind === "slab" ? frame([...bytes]) : bytes);
          expected.push(...bytes);
        }
        expect(joined(pending.take())).toEqual(expected);
        expect(pending.size).toBe(expected.length);
      }),
      { numRuns: 300 },
    );
  });
});
