/**
 * The methods the child serves: `add`, `echo` and `sleep`, each checking its params (-32602 when wrong).
 */
import { INVALID_PARAMS, RpcMethodError, type RpcMethods } from "./json-rpc.ts";

/** The longest `sleep` accepted, so a caller cannot park the child for ever. */
const MAX_SLEEP_MS = 5_000;

function invalidParams(expected: string, params: unknown): RpcMethodError {
  return new RpcMethodError(INVALID_PARAMS, `Invalid params: expected ${expected}`, { received: params ?? null });
}

export const methods: RpcMethods = {
  /** `add([a, b])` or `add({ a, b })` → a + b, for finite numbers. */
  add(params) {
    const [a, b] = Array.isArray(params) ? params : [(params as { a?: unknown })?.a, (params as { b?: unknown })?.b];
    if (!Number.isFinite(a) || !Number.isFinite(b) || (Array.isArray(params) && params.length !== 2)) {
      throw invalidParams("two finite numbers, [a, b] or { a, b }", params);
    }
    return (a as number) + (b as number);
  },
  /** `echo(anything)` → the params, unchanged. */
  echo(params) {
    return params ?? null;
  },
  /** `sleep({ ms })` → `{ slept: ms }` after `ms` milliseconds (0 ≤ ms ≤ 5000). */
  async sleep(params) {
    const ms = (params as { ms?: unknown } | null)?.ms;
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > MAX_SLEEP_MS) {
      throw invalidParams(`{ ms } with an integer 0..${MAX_SLEEP_MS}`, params);
    }
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { slept: ms };
  },
};
