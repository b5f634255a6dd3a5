/**
 * The chat room: every member's messages are read, checked, and broadcast to every member, whatever
 * framing each one speaks. A bad message closes its sender only.
 */
import type { MessageStream } from "@framed/core";
import { type ChatMessage, parseChatMessage } from "./chat-message.ts";

/** One connected client, seen through its framing. */
export interface ChatMember {
  /** For log lines: `websocket 127.0.0.1:51234`. */
  readonly label: string;
  readonly stream: MessageStream<string | Uint8Array> | MessageStream<Uint8Array>;
  /** Send one message encoded for this member's framing. */
  deliver(message: ChatMessage): Promise<void>;
  /** Close this member after bad input, saying why where the framing can. */
  reject(reason: string): Promise<unknown>;
}

export class ChatHub {
  private readonly members = new Set<ChatMember>();

  constructor(private readonly log: (line: string) => void) {}

  /** Serve one member until it leaves or sends something that is not a chat message. */
  async serve(member: ChatMember): Promise<void> {
    this.members.add(member);
    this.log(`${member.label} joined (${this.members.size} connected)`);
    try {
      for await (const data of member.stream) {
        let message: ChatMessage;
        try {
          message = parseChatMessage(data);
        } catch (error) {
          this.log(`${member.label} closed on bad input: ${(error as Error).message}`);
          await member.reject((error as Error).message);
          return;
        }
        await this.broadcast(message);
      }
      const { initiator, error } = await member.stream.closed;
      if (error) this.log(`${member.label} closed on bad input: ${error.code}: ${error.message}`);
      else this.log(`${member.label} left (${initiator})`);
    } catch (error) {
      // The framing failed the stream (oversize, bad frame): only this member is affected.
      const failure = error as { code?: string; message: string };
      this.log(`${member.label} closed on bad input: ${failure.code ?? "ERROR"}: ${failure.message}`);
    } finally {
      this.members.delete(member);
    }
  }

  /**
   * Send to everyone, sender included (so every client shows one ordered log). Waiting for all sends
   * makes a slow member slow down whoever is talking, instead of growing a queue without bound.
   */
  async broadcast(message: ChatMessage): Promise<void> {
    await Promise.allSettled([...this.members].map((member) => member.deliver(message)));
  }
}
