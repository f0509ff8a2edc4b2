/**
 * @module meeting/local/room-api
 * The built-in room's bot API, under `/local-meetings/api`: the same contract as MeetingBaas v1
 * (`POST /bots` with the same fields → `{bot_id}`, `DELETE /bots/{id}` → `{ok: true}`, 409 for a
 * duplicate, 404 for an unknown bot), so the server sends bots into its own rooms exactly as it
 * sends them to real meetings.
 */
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { roomFromMeetingUrl } from "./room-names.js";
import type { RoomHub } from "./room-hub.js";

export const LOCAL_API_PREFIX = "/local-meetings/api";

const createSchema = z
  .object({
    meeting_url: z.string(),
    bot_name: z.string().min(1).max(100),
    bot_image: z.string().nullish(),
    entry_message: z.string().nullish(),
    reserved: z.boolean().nullish(),
    recording_mode: z.string().nullish(),
    speech_to_text: z.unknown(),
    streaming: z.object({ input: z.string().nullish(), output: z.string().regex(/^wss?:\/\//), audio_frequency: z.enum(["16khz", "24khz"]).nullish() }),
    automatic_leave: z.unknown(),
    deduplication_key: z.string().nullish(),
    extra: z.unknown(),
    webhook_url: z.string().nullish(),
  })
  .strict();

const DEDUP_WINDOW_MS = 5 * 60_000;

export function roomApiRoutes(hub: RoomHub): FastifyPluginAsync {
  const recent = new Map<string, number>();
  return async (app) => {
    app.post(`${LOCAL_API_PREFIX}/bots`, { schema: { hide: true } }, async (request, reply) => {
      const parsed = createSchema.safeParse(request.body);
      if (!parsed.success) return reply.status(422).send({ detail: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
      const body = parsed.data;
      const room = roomFromMeetingUrl(body.meeting_url);
      if (!room) return reply.status(400).send({ error: `Not a built-in room URL: ${body.meeting_url}` });
      const dedup = `${room}|${body.deduplication_key ?? ""}`;
      const last = recent.get(dedup);
      if (last && Date.now() - last < DEDUP_WINDOW_MS) return reply.status(409).send({ error: "A bot with this deduplication key joined this room recently" });
      recent.set(dedup, Date.now());
      const rate = body.streaming.audio_frequency === "24khz" ? 24000 : 16000;
      const apiKey = request.headers["x-meeting-baas-api-key"];
      const member = await hub.addBot(room, body.bot_name, body.streaming.output, rate, {
        webhookUrl: body.webhook_url ?? undefined,
        apiKey: typeof apiKey === "string" ? apiKey : undefined,
      });
      return { bot_id: member.botId };
    });
    app.delete<{ Params: { id: string } }>(`${LOCAL_API_PREFIX}/bots/:id`, { schema: { hide: true } }, async (request, reply) => {
      const member = hub.bots.get(request.params.id);
      if (!member) return reply.status(404).send({ error: "Bot not found" });
      if (member.left) return reply.status(409).send({ error: "Bot already left the meeting" });
      hub.removeBot(member.botId);
      return { ok: true };
    });
  };
}
