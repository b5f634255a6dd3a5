/**
 * The pubsub example's flags: the echo example's framing flags and defaults, plus `--redis`.
 */
import { type EchoArgs, parseEchoArgs } from "../echo/args.ts";

export interface PubsubArgs extends EchoArgs {
  /** `redis://host:port` shared by every server of the topic; undefined: one process only. */
  redis?: string;
  /** The one shared topic. */
  topic: string;
}

export const USAGE = `usage: node scripts/example.mjs pubsub [--framing websocket|length-prefix|newline] [--runtime node]
                           [--port N] [--host 127.0.0.1] [--redis redis://127.0.0.1:6379] [--topic NAME]
                           [--max-message-size BYTES] [--header varint|uint32be|…] [--quiet]
defaults: --framing length-prefix --runtime node --port 9000 --host 127.0.0.1 --header uint32be --topic pubsub,
          no --redis (one process)`;

export function parsePubsubArgs(argv: string[]): PubsubArgs {
  let redis: string | undefined;
  let topic = "pubsub";
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--redis" || flag === "--topic") {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      if (flag === "--redis") {
        if (!/^rediss?:\/\/[^\s]+$/.test(value)) throw new Error(`--redis must be a redis:// URL, got "${value}"`);
        redis = value;
      } else topic = value;
    } else if (flag === "--help") throw new Error(USAGE);
    else rest.push(flag);
  }
  let args: EchoArgs;
  try {
    args = parseEchoArgs(rest);
  } catch (error) {
    throw new Error((error as Error).message.replace(/usage: node scripts\/example\.mjs echo[\s\S]*$/, USAGE));
  }
  if (args.runtime !== "node") throw new Error(`pubsub runs on node only for now, got --runtime ${args.runtime}`);
  return { ...args, redis, topic };
}
