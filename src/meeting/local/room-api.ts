/**
 * @module meeting/local/room-api
 * The built-in room's bot API, under `/local-meetings/api`: the same contract as MeetingBaas v1
 * (`POST /bots` with the same fields → `{bot_id}`, `DELETE /bots/{id}` → `{ok: true}`, 409 for a
 * duplicate, 404 for an unknown bot), so the server sends bots into its own rooms exactly as it
 * sends them to real meetings.
 *
 * Only this server may call it: every call must carry the internal secret generated at start-up
 * (compared in constant time). And it only ever dials this server's own stream URL
 * (`ws://127.0.0.1:<port>/ws/<client id>`) and posts only to this server's own `/webhook`, so no
 * caller can make the server connect to an address of its choosing.
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { RoomFullError, type RoomHub } from "./room-hub.js";
import { roomFromMeetingUrl } from "./room-names.js";

export const LOCAL_API_PREFIX = "/local-meetings/api";
export const LOCAL_SECRET_HEADER = "x-local-meetings-secret";

const CLIENT_ID = /^[A-Za-z0-9_-]{16,64}$/;

const createSchema = z
  .object({
    meeting_url: z.string().max(2000),
    bot_name: z.string().min(1).max(100),
    bot_image: z.string().max(2000).nullish(),
    entry_message: z.string().max(500).nullish(),
    reserved: z.boolean().nullish(),
    recording_mode: z.string().max(50).nullish(),
    speech_to_text: z.unknown().optional(),
    streaming: z.object({ input: z.string().max(2000).nullish(), output: z.string().max(2000), audio_frequency: z.enum(["16khz", "24khz"]).nullish() }),
    automatic_leave: z.unknown().optional(),
    deduplication_key: z.string().max(200).nullish(),
    extra: z.unknown().optional(),
    webhook_url: z.string().max(2000).nullish(),
  })
  .strict();

const DEDUP_WINDOW_MS = 5 * 60_000;

export interface RoomApiOptions {
  hub: RoomHub;
  /** The internal secret LocalMeetingProvider sends. */
  secret: string;
  /** This server's own loopback address (`http://127.0.0.1:<port>`). */
  selfUrl: () => string;
}

function secretMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Our own stream URL, or undefined: `ws://127.0.0.1:<port>/ws/<client id>`, nothing else. */
function ownStreamUrl(value: string, selfUrl: string): string | undefined {
  const prefix = `${selfUrl.replace(/^http/, "ws")}/ws/`;
  return value.startsWith(prefix) && CLIENT_ID.test(value.slice(prefix.length)) ? value : undefined;
}

/** Our own webhook, or undefined: `http://127.0.0.1:<port>/webhook` with at most its bot token. */
function ownWebhookUrl(value: string, selfUrl: string): string | undefined {
  try {
    const url = new URL(value);
    const self = new URL(selfUrl);
    const onlyToken = [...url.searchParams.keys()].every((key) => key === "token");
    return url.origin === self.origin && url.pathname === "/webhook" && onlyToken && !url.hash && !url.username ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function roomApiRoutes({ hub, secret, selfUrl }: RoomApiOptions): FastifyPluginAsync {
  const recent = new Map<string, number>();
  const forgetOld = (now: number) => {
    // Insertion order is time order, so expired entries are at the front.
    for (const [key, at] of recent) {
      if (now - at < DEDUP_WINDOW_MS) break;
      recent.delete(key);
    }
  };
  return async (app) => {
    app.addHook("onRequest", async (request, reply) => {
      if (!request.url.startsWith(`${LOCAL_API_PREFIX}/`) && request.url !== LOCAL_API_PREFIX) return;
      if (!secretMatches(request.headers[LOCAL_SECRET_HEADER], secret)) {
        return reply.status(401).send({ error: "This API is internal to the server: it answers only the server itself" });
      }
    });
    app.post(`${LOCAL_API_PREFIX}/bots`, { schema: { hide: true } }, async (request, reply) => {
      const parsed = createSchema.safeParse(request.body);
      if (!parsed.success) return reply.status(422).send({ detail: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
      const body = parsed.data;
      const room = roomFromMeetingUrl(body.meeting_url);
      if (!room) return reply.status(400).send({ error: "meeting_url: not a built-in room URL" });
      const streamUrl = ownStreamUrl(body.streaming.output, selfUrl());
      if (!streamUrl || (body.streaming.input && body.streaming.input !== streamUrl)) {
        return reply.status(400).send({ error: "streaming: built-in rooms only stream to this server's own /ws/<client id>" });
      }
      const webhookUrl = body.webhook_url ? ownWebhookUrl(body.webhook_url, selfUrl()) : undefined;
      if (body.webhook_url && !webhookUrl) return reply.status(400).send({ error: "webhook_url: built-in rooms only post to this server's own /webhook" });
      const now = Date.now();
      forgetOld(now);
      const dedup = `${room}|${body.deduplication_key ?? ""}`;
      const last = recent.get(dedup);
      if (last && now - last < DEDUP_WINDOW_MS) return reply.status(409).send({ error: "A bot with this deduplication key joined this room recently" });
      const rate = body.streaming.audio_frequency === "24khz" ? 24000 : 16000;
      try {
        const member = await hub.addBot(room, body.bot_name, streamUrl, rate, { webhookUrl });
        recent.delete(dedup);
        recent.set(dedup, now);
        return { bot_id: member.botId };
      } catch (error) {
        if (error instanceof RoomFullError) return reply.status(409).send({ error: error.message });
        throw error;
      }
    });
    app.delete<{ Params: { id: string } }>(`${LOCAL_API_PREFIX}/bots/:id`, { schema: { hide: true } }, async (request, reply) => {
      if (!hub.removeBot(request.params.id)) return reply.status(404).send({ error: "Bot not found" });
      return { ok: true };
    });
  };
}
