/**
 * @module server/ws/serve-stream
 * Serves one provider connection to one bot, whatever the provider: its adapter decodes each
 * message, the inbound budget stops floods, and what comes out goes to the bot (meeting audio,
 * rosters, participant changes). A broken message or a flood closes this connection with a code that
 * says why; our own failure on a message closes it with 1011. The bot then waits for the provider to
 * dial again, and nothing here can harm another bot or the process.
 */
import type { FastifyBaseLogger } from "fastify";
import type { WebSocket } from "ws";
import type { Bot } from "../../bots/bot.js";
import { errorMessage } from "../../core/errors.js";
import { closeForViolation, closeSocket } from "../../meeting/close-socket.js";
import { InboundBudget } from "../../meeting/inbound-budget.js";
import { applyParticipantChange } from "../../bots/provider-events.js";
import { CLOSE_CODES } from "../../meeting/stream-violation.js";
import { type BotConnection, BotConnections, type ConnectionRole } from "../../bots/bot-connections.js";
import type { OutboundMessage, StreamAdapter } from "../../meeting/provider-stream/stream-adapter.js";

/** Messages of unknown kinds tolerated on one connection before it counts as broken. */
const MAX_IGNORED_MESSAGES = 50;
/** Audio queued in the socket for a provider that stopped reading (~30 s at 16 kHz): beyond, drop. */
const MAX_OUTBOUND_BACKLOG_BYTES = 1_000_000;

/** Each bot's inbound budget per connection role outlives its connections, so redialing does not reset it. */
const budgets = new WeakMap<Bot, Map<ConnectionRole, InboundBudget>>();

function budgetOf(bot: Bot, role: ConnectionRole): InboundBudget {
  let byRole = budgets.get(bot);
  if (!byRole) {
    byRole = new Map();
    budgets.set(bot, byRole);
  }
  let budget = byRole.get(role);
  if (!budget) {
    budget = new InboundBudget();
    byRole.set(role, budget);
  }
  return budget;
}

export interface ServeStreamOptions {
  bot: Bot;
  socket: WebSocket;
  adapter: StreamAdapter;
  role: ConnectionRole;
  log: FastifyBaseLogger;
}

function outbound(socket: WebSocket, log: FastifyBaseLogger): (message: OutboundMessage) => void {
  let dropped = 0;
  return (message) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_OUTBOUND_BACKLOG_BYTES) {
      dropped += 1;
      if (dropped === 1 || dropped % 500 === 0) log.warn({ dropped }, "the provider is not reading the bot's audio; dropping it");
      return;
    }
    socket.send(message, { binary: typeof message !== "string" });
  };
}

export function serveStream({ bot, socket, adapter, role, log }: ServeStreamOptions): void {
  const hub = BotConnections.of(bot);
  const rate = bot.settings.streamSampleRate;
  const encoder = role === "duplex" ? adapter.voice?.(outbound(socket, log), rate) : undefined;
  const connection: BotConnection = {
    role,
    ...(encoder && { sendVoice: (pcm: Int16Array) => encoder.write(pcm) }),
    close: (code, reason) => closeSocket(socket, code, reason),
  };
  const budget = budgetOf(bot, role);
  let ignored = 0;
  const receive = (data: Buffer, isBinary: boolean): void => {
    // Frames still in flight after we closed are not read.
    if (socket.readyState !== socket.OPEN) return;
    const input = adapter.decode(data, isBinary, rate);
    const found =
      input.kind === "invalid"
        ? input.violation
        : (budget.admitMessage() ?? (input.kind === "audio" ? budget.admitAudio(input.pcm.length / rate) : undefined));
    if (found) {
      log.warn({ code: found.code, reason: found.reason, format: adapter.format }, "closing a meeting stream that broke the protocol");
      closeForViolation(socket, found);
      return;
    }
    switch (input.kind) {
      case "audio":
        if (hub.hearsFrom(connection)) bot.receiveAudio(input.pcm);
        return;
      case "speakers":
        bot.receiveSpeakers(input.speakers);
        return;
      case "participant":
        applyParticipantChange(bot, input.change);
        return;
      case "ignored":
        ignored += 1;
        if (ignored === 1) log.info({ reason: input.reason }, "ignored a stream message");
        if (ignored >= MAX_IGNORED_MESSAGES) closeSocket(socket, CLOSE_CODES.unsupportedData, `too many messages of unknown kinds (${ignored})`);
        return;
      case "handshake":
        return;
    }
  };
  socket.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    try {
      receive(toBuffer(data), isBinary);
    } catch (error) {
      // Our own failure: this connection ends, the process and the other bots do not notice.
      log.error({ err: errorMessage(error) }, "failed on a meeting stream message");
      closeSocket(socket, CLOSE_CODES.internalError, "internal error while handling a stream message");
    }
  });
  const gone = (): void => {
    encoder?.close();
    hub.remove(connection);
  };
  socket.on("close", gone);
  socket.on("error", (error) => {
    log.warn({ err: error.message }, "meeting stream socket error");
    gone();
  });
  hub.add(connection);
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
