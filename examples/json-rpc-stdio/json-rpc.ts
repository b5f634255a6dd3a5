/**
 * JSON-RPC 2.0 message shapes and the server-side dispatch: one value in, one response (or none) out.
 * Pure and runtime-neutral; the transport is the caller's business.
 */

export interface RpcRequest {
  jsonrpc: "2.0";
  id?: string | number | null;
  method: string;
  params?: unknown;
}

export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

export type RpcResponse =
  | { jsonrpc: "2.0"; id: string | number | null; result: unknown }
  | { jsonrpc: "2.0"; id: string | number | null; error: RpcError };

/** The error codes the spec reserves (https://www.jsonrpc.org/specification#error_object). */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;

/** A method throws this to answer with a specific error (anything else becomes -32603). */
export class RpcMethodError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export type RpcMethods = Record<string, (params: unknown) => unknown>;

export function errorResponse(id: string | number | null, error: RpcError): RpcResponse {
  return { jsonrpc: "2.0", id, error };
}

function isRequest(value: unknown): value is RpcRequest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const request = value as Partial<RpcRequest>;
  const idOk =
    request.id === undefined || request.id === null || typeof request.id === "string" || typeof request.id === "number";
  return request.jsonrpc === "2.0" && typeof request.method === "string" && idOk;
}

/**
 * Answer one decoded JSON value. Resolves to `undefined` for a notification (a request without `id`),
 * which the spec says gets no response, even when it fails.
 *
 * @example
 * ```ts
 * await answer({ jsonrpc: "2.0", id: 1, method: "add", params: [2, 3] }, { add: ([a, b]) => a + b });
 * // → { jsonrpc: "2.0", id: 1, result: 5 }
 * ```
 */
export async function answer(value: unknown, methods: RpcMethods): Promise<RpcResponse | undefined> {
  if (!isRequest(value)) {
    const id = (value as { id?: unknown } | null)?.id;
    const echoedId = typeof id === "string" || typeof id === "number" ? id : null;
    return errorResponse(echoedId, { code: INVALID_REQUEST, message: "Invalid Request" });
  }
  const { id, method, params } = value;
  const respond = (response: RpcResponse) => (id === undefined ? undefined : response);
  if (!Object.hasOwn(methods, method)) {
    return respond(errorResponse(id ?? null, { code: METHOD_NOT_FOUND, message: `Method not found: ${method}` }));
  }
  try {
    return respond({ jsonrpc: "2.0", id: id ?? null, result: await methods[method](params) });
  } catch (error) {
    const failure =
      error instanceof RpcMethodError
        ? { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) }
        : { code: INTERNAL_ERROR, message: `Internal error: ${(error as Error).message}` };
    return respond(errorResponse(id ?? null, failure));
  }
}
