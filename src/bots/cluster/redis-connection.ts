/**
 * @module bots/cluster/redis-connection
 * Opens the Redis connection of a cluster process and proves it works before anything else starts:
 * a wrong or unreachable REDIS_URL stops the process with a message naming it, instead of a role
 * that starts and then waits forever.
 */
import { Redis } from "ioredis";
import { errorMessage } from "../../core/errors.js";

/** How long start-up waits for the first PING answer. */
const CONNECT_TIMEOUT_MS = 5000;

export interface RedisConnectOptions {
  connectTimeoutMs?: number;
}

/** Connects and PINGs; throws an Error whose message says what to fix. The password never appears in it. */
export async function connectRedis(url: string, options: RedisConnectOptions = {}): Promise<Redis> {
  const shown = redactedUrl(url);
  let redis: Redis;
  try {
    redis = new Redis(url, {
      lazyConnect: true,
      // Commands wait through a Redis restart instead of failing (BullMQ's workers require it): a
      // status report or a request in flight completes once Redis is back.
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      // Reconnect quickly at first, then every two seconds, for as long as the process runs.
      retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    });
  } catch (error) {
    throw new Error(`REDIS_URL is not a valid Redis URL (${shown}): ${errorMessage(error)}`);
  }
  // Errors are reported through connect() below and, later, as reconnection attempts; ioredis would
  // otherwise print each one as an unhandled "error" event.
  let lastError = "";
  redis.on("error", (error: Error) => {
    lastError = error.message;
  });
  const timeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(lastError || `no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at REDIS_URL (${shown}) is unreachable: ${errorMessage(error)}`);
  } finally {
    clearTimeout(timer);
  }
  return redis;
}

/** The URL with any password replaced, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    // Not a URL at all: show nothing of it, it may be a secret pasted in the wrong variable.
    return "<not a URL>";
  }
}
