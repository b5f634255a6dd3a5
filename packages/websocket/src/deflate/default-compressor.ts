/**
 * The compressor used when `websocket()` is given deflate parameters but no `compressor`: node:zlib
 * where the runtime has it (Node ≥ 20.16 and Deno expose `process.getBuiltinModule`), none elsewhere.
 *
 * Found at run time instead of imported so the runtime-neutral entry stays free of `node:` imports and
 * bundles for browsers unchanged. Adapters that want certainty pass `createZlibCompressor(zlib)` explicitly.
 */
import type { CompressorFactory } from "./compressor.ts";
import { createZlibCompressor, type ZlibModule } from "./zlib-compressor.ts";

let cached: CompressorFactory | null | undefined;

/** The shared node:zlib compressor of this runtime, or null when there is none. */
export function defaultCompressor(): CompressorFactory | null {
  if (cached !== undefined) return cached;
  cached = null;
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof runtime?.getBuiltinModule !== "function") return cached;
  const zlib = runtime.getBuiltinModule("node:zlib") as ZlibModule | undefined;
  if (!zlib) return cached;
  try {
    cached = createZlibCompressor(zlib);
  } catch {
    // A node:zlib without the synchronous handle: deflate then needs an explicit compressor.
  }
  return cached;
}
