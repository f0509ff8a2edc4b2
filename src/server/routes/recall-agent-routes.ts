/**
 * @module server/routes/recall-agent-routes
 * The Output Media page Recall.ai's bot opens for one of our bots, `/recall/agent/<token>`, and the
 * WebSocket it opens back to us, `/recall/agent/<token>/ws`. In Recall's headless browser the
 * page's microphone is the meeting's mixed audio: the page sends it to us as binary s16le PCM at
 * 16 kHz, and plays the PCM we send (the bot's voice) through Web Audio, which Recall streams into
 * the meeting. On our side this socket is the bot's duplex connection: it carries the bot's voice,
 * and while it is open it is also what the bot hears (the real-time endpoint then only brings
 * participant events). The first message is a JSON welcome with the bot's name and the rate.
 */
import { timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { Bot } from "../../bots/bot.js";
import type { BotManager } from "../../bots/bot-manager.js";
import { closeSocket } from "../../meeting/close-socket.js";
import { WEB_DIR } from "../../meeting/local/room-routes.js";
import { pcmStreamAdapter } from "../../meeting/provider-stream/pcm-stream-adapter.js";
import { serveStream } from "../ws/serve-stream.js";
import { CLOSE_CODES } from "../../meeting/stream-violation.js";
import { RECALL_AGENT_PREFIX, recallPageToken } from "../../meeting/recall/recall-page.js";

const tokenParams = z.object({ token: z.string().max(100) });

/** The live Recall bot whose page token this is (compared in constant time). */
function botForToken(bots: BotManager, token: string): Bot | undefined {
  const given = Buffer.from(token);
  return bots.list().find((bot) => {
    if (bot.settings.providerName !== "recall" || bot.isFinal) return false;
    const expected = Buffer.from(recallPageToken(bot.settings.clientId));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

export function recallAgentRoutes(bots: BotManager): FastifyPluginAsync {
  let page: Promise<string> | undefined;
  return async (app) => {
    app.get(`${RECALL_AGENT_PREFIX}/:token`, { schema: { hide: true, params: tokenParams } }, async (request, reply) => {
      const { token } = request.params as z.infer<typeof tokenParams>;
      if (!botForToken(bots, token)) return reply.status(404).send({ code: "BOT_NOT_FOUND", message: "No Recall.ai bot of this server has this page" });
      page ??= readFile(join(WEB_DIR, "recall-agent.html"), "utf8");
      return reply.header("cache-control", "no-store").type("text/html; charset=utf-8").send(await page);
    });

    app.get(`${RECALL_AGENT_PREFIX}/:token/ws`, { websocket: true, schema: { hide: true, params: tokenParams } }, (socket, request) => {
      const { token } = request.params as z.infer<typeof tokenParams>;
      const bot = botForToken(bots, token);
      if (!bot) {
        closeSocket(socket, CLOSE_CODES.policyViolation, "unknown page token: no Recall.ai bot of this server has this page");
        return;
      }
      socket.send(JSON.stringify({ type: "welcome", botName: bot.settings.botName, sampleRate: bot.settings.streamSampleRate }));
      serveStream({ bot, socket, adapter: pcmStreamAdapter, role: "duplex", log: request.log });
    });
  };
}
