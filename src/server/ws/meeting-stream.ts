/**
 * @module server/ws/meeting-stream
 * `/ws/{client_id}`: the WebSocket a meeting provider dials for one bot. Binary frames are the
 * meeting's PCM, text frames are JSON (handshake, speaker roster); the codec checks and decodes
 * them, this route only routes. A broken frame or a flood closes this connection with a close code
 * that says why; the bot then waits for the provider to dial again, and nothing here can harm
 * another bot or the process.
 */
import type { FastifyBaseLogger, FastifyPluginAsync } from "fastify";
import type { WebSocket } from "ws";
import type { Bot } from "../../bots/bot.js";
import type { BotManager } from "../../bots/bot-manager.js";
import type { MeetingStream } from "../../core/bot-contracts.js";
import { InboundBudget } from "../../meeting/inbound-budget.js";
import { decodeStreamMessage, encodeStreamAudio } from "../../meeting/stream-codec.js";
import { CLOSE_CODES } from "../../meeting/stream-violation.js";
import { errorMessage } from "../../core/errors.js";
import { closeForViolation, closeSocket } from "../../meeting/close-socket.js";

/** Messages of unknown kinds tolerated on one connection before it counts as broken. */
const MAX_IGNORED_MESSAGES = 50;
/** Audio queued in the socket for a provider that stopped reading (~30 s at 16 kHz): beyond, drop. */
const MAX_OUTBOUND_BACKLOG_BYTES = 1_000_000;

/** Each bot's inbound budget outlives its connections, so redialing does not reset it. */
const budgets = new WeakMap<Bot, InboundBudget>();

function budgetOf(bot: Bot): InboundBudget {
  let budget = budgets.get(bot);
  if (!budget) {
    budget = new InboundBudget();
    budgets.set(bot, budget);
  }
  return budget;
}

function socketStream(socket: WebSocket, log: FastifyBaseLogger): MeetingStream {
  let dropped = 0;
  return {
    sendAudio(pcm) {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_OUTBOUND_BACKLOG_BYTES) {
        dropped += 1;
        if (dropped === 1 || dropped % 500 === 0) log.warn({ dropped }, "the provider is not reading the bot's audio; dropping it");
        return;
      }
      socket.send(encodeStreamAudio(pcm), { binary: true });
    },
    close(code, reason) {
      closeSocket(socket, code, reason);
    },
  };
}

function serveBot(bot: Bot, socket: WebSocket, log: FastifyBaseLogger): void {
  const stream = socketStream(socket, log);
  const budget = budgetOf(bot);
  let ignored = 0;
  const receive = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void => {
    // Frames still in flight after we closed are not read.
    if (socket.readyState !== socket.OPEN) return;
    const message = decodeStreamMessage(data, isBinary, bot.settings.streamSampleRate);
    const found =
      message.kind === "invalid"
        ? message.violation
        : (budget.admitMessage() ?? (message.kind === "audio" ? budget.admitAudio(message.pcm.length / bot.settings.streamSampleRate) : undefined));
    if (found) {
      log.warn({ code: found.code, reason: found.reason }, "closing a meeting stream that broke the protocol");
      closeForViolation(socket, found);
      return;
    }
    switch (message.kind) {
      case "audio":
        bot.receiveAudio(message.pcm);
        return;
      case "speakers":
        bot.receiveSpeakers(message.speakers);
        return;
      case "ignored":
        ignored += 1;
        if (ignored === 1) log.info({ reason: message.reason }, "ignored a stream message");
        if (ignored >= MAX_IGNORED_MESSAGES) closeSocket(socket, CLOSE_CODES.unsupportedData, `too many messages of unknown kinds (${ignored})`);
        return;
      case "handshake":
        return;
    }
  };
  socket.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    try {
      receive(data, isBinary);
    } catch (error) {
      // Our own failure: this connection ends, the process and the other bots do not notice.
      log.error({ err: errorMessage(error) }, "failed on a meeting stream message");
      closeSocket(socket, CLOSE_CODES.internalError, "internal error while handling a stream message");
    }
  });
  socket.on("close", () => bot.detachStream(stream));
  socket.on("error", (error) => {
    log.warn({ err: error.message }, "meeting stream socket error");
    bot.detachStream(stream);
  });
  bot.attachStream(stream);
}

export function meetingStreamRoutes(bots: BotManager): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { client_id: string } }>("/ws/:client_id", { websocket: true, schema: { hide: true } }, (socket, request) => {
      const bot = bots.byClient(request.params.client_id);
      if (!bot) {
        closeSocket(socket, CLOSE_CODES.policyViolation, "unknown client id: no bot is waiting for this stream");
        return;
      }
      serveBot(bot, socket, request.log);
    });
  };
}
