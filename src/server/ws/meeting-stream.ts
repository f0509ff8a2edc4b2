/**
 * @module server/ws/meeting-stream
 * `/ws/{client_id}`: the WebSocket a meeting provider dials for one bot. Binary frames are the
 * meeting's PCM, text frames are JSON (handshake, speaker roster); the codec decides which is which,
 * this route only routes. A bad frame is dropped and counted; a stream that keeps sending garbage is
 * closed, and nothing here can harm another bot.
 */
import type { FastifyPluginAsync } from "fastify";
import type { WebSocket } from "ws";
import type { Bot } from "../../bots/bot.js";
import type { BotManager } from "../../bots/bot-manager.js";
import type { MeetingStream } from "../../bots/bot-contracts.js";
import { decodeStreamMessage, encodeStreamAudio } from "../../meeting/stream-codec.js";

/** Invalid frames tolerated on one connection before it is closed as broken. */
const MAX_INVALID_FRAMES = 50;

function socketStream(socket: WebSocket): MeetingStream {
  return {
    sendAudio(pcm) {
      if (socket.readyState === socket.OPEN) socket.send(encodeStreamAudio(pcm), { binary: true });
    },
    close(code, reason) {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
    },
  };
}

function serveBot(bot: Bot, socket: WebSocket, log: { warn: (obj: object, msg: string) => void }): void {
  const stream = socketStream(socket);
  let invalid = 0;
  socket.on("message", (data, isBinary) => {
    const message = decodeStreamMessage(data as Buffer, isBinary);
    switch (message.kind) {
      case "audio":
        bot.receiveAudio(message.pcm);
        return;
      case "speakers":
        bot.receiveSpeakers(message.speakers);
        return;
      case "handshake":
        return;
      case "invalid":
        invalid += 1;
        if (invalid === 1 || invalid % 10 === 0) log.warn({ reason: message.reason, invalid }, "dropped an invalid stream frame");
        if (invalid >= MAX_INVALID_FRAMES) stream.close(1003, `too many invalid frames; last: ${message.reason}`.slice(0, 120));
    }
  });
  socket.on("close", () => bot.detachStream(stream));
  socket.on("error", () => bot.detachStream(stream));
  void bot.attachStream(stream);
}

export function meetingStreamRoutes(bots: BotManager): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { client_id: string } }>("/ws/:client_id", { websocket: true, schema: { hide: true } }, (socket, request) => {
      const bot = bots.byClient(request.params.client_id);
      if (!bot) {
        socket.close(1008, "unknown client id: no bot is waiting for this stream");
        return;
      }
      serveBot(bot, socket, request.log);
    });
  };
}
