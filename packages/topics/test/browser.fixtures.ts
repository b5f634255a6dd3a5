// Fixtures for the Chromium test: a real redis-server, and two servers sharing one topic through it (one
// WebSocket, one length-prefix, each with its own Topics and Redis connections, as two processes would have),
// plus a length-prefix service client that answers each browser message through the other server.
import { connect, listen as listenLengthPrefix } from "@framed/length-prefix/node";
import { listen as listenWebSocket } from "@framed/websocket/node";
import { startRedis } from "../../../test-support/redis-server.ts";
import { Topics } from "../src/index.ts";
import { redisBackplane } from "../src/redis.ts";

declare module "vitest" {
  interface ProvidedContext {
    topicsWebSocketUrl: string;
  }
}

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const redis = await startRedis();
  const backplane = () => redisBackplane({ url: redis.url, reconnectDelay: 50 });
  const browserSide = new Topics({ backplane: backplane() });
  const serviceSide = new Topics({ backplane: backplane() });
  const webSockets = await listenWebSocket({ port: 0 }, (stream) => {
    browserSide.subscribe("chat", stream);
    return stream.consume((message) => browserSide.publish("chat", message));
  });
  const services = await listenLengthPrefix({ port: 0 }, (stream) => {
    serviceSide.subscribe("chat", stream);
    return stream.consume((message) => serviceSide.publish("chat", message));
  });
  // The service: answers every browser line it hears (through Redis), so the browser hears it back (through Redis).
  const service = await connect({ port: services.address.port });
  const answering = service
    .consume((message) => {
      const text = new TextDecoder().decode(message);
      if (text.startsWith("browser: ")) return service.send(new TextEncoder().encode(`service heard ${text}`));
    })
    .catch(() => {});
  provide("topicsWebSocketUrl", webSockets.url);
  return async () => {
    service.abort();
    await answering;
    await Promise.all([webSockets.close(), services.close()]);
    await Promise.all([browserSide.close(), serviceSide.close()]);
    await redis.stop();
  };
}
