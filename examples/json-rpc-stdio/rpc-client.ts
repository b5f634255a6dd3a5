/**
 * The parent's side of JSON-RPC over a framed stream: `call` numbers each request and resolves with the
 * response carrying its id; responses with id null (parse errors) go to `orphans`.
 */
import type { MessageStream } from "@framed/core";
import type { RpcResponse } from "./json-rpc.ts";

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, (response: RpcResponse) => void>();
  private readonly orphanWaiters: Array<(response: RpcResponse) => void> = [];
  /** Finishes when the child's output ends. */
  readonly done: Promise<void>;

  constructor(private readonly stream: MessageStream<unknown>) {
    this.done = this.readResponses();
  }

  /** Send a request and wait for its response (result or error, both resolve). */
  call(method: string, params?: unknown): Promise<RpcResponse> {
    const id = this.nextId++;
    const response = new Promise<RpcResponse>((resolve) => this.pending.set(id, resolve));
    return this.stream.send({ jsonrpc: "2.0", id, method, params }).then(() => response);
  }

  /** The next response with id null (what a server answers to a line it could not parse). */
  nextOrphan(): Promise<RpcResponse> {
    return new Promise((resolve) => this.orphanWaiters.push(resolve));
  }

  private async readResponses(): Promise<void> {
    for await (const value of this.stream) {
      const response = value as RpcResponse;
      const resolve = typeof response.id === "number" ? this.pending.get(response.id) : undefined;
      if (resolve) {
        this.pending.delete(response.id as number);
        resolve(response);
      } else {
        this.orphanWaiters.shift()?.(response);
      }
    }
  }
}
