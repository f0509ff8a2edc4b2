/**
 * @module server/ws/meeting-stream
 * `/ws/{client_id}`: the WebSocket a meeting provider dials for one bot. The bot's provider decides
 * the format (binary PCM with JSON for MeetingBaas and the built-in room, JSON with base64 audio for
 * Attendee and Recall.ai); serve-stream checks, decodes and routes each message. An unknown id is
 * closed with 1008 before anything is read.
 */
import type { FastifyPluginAsync } from "fastify";
import type { BotManager } from "../../bots/bot-manager.js";
import { closeSocket } from "../../meeting/close-socket.js";
import { serveStream } from "./serve-stream.js";
import { CLOSE_CODES } from "../../meeting/stream-violation.js";

export function meetingStreamRoutes(bots: BotManager): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { client_id: string } }>("/ws/:client_id", { websocket: true, schema: { hide: true } }, (socket, request) => {
      const bot = bots.byClient(request.params.client_id);
      if (!bot) {
        closeSocket(socket, CLOSE_CODES.policyViolation, "unknown client id: no bot is waiting for this stream");
        return;
      }
      const adapter = bots.streamAdapterOf(bot);
      // A stream that cannot carry the bot's voice (Recall's real-time endpoint) only listens.
      serveStream({ bot, socket, adapter, role: adapter.voice ? "duplex" : "listener", log: request.log });
    });
  };
}
