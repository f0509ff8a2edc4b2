/**
 * @module server/ws/pipecat-bridge
 * `/pipecat/{token}`: where an external Pipecat pipeline connects for a bot launched with
 * `"pipeline": "pipecat"`. The token is the per-bot secret returned once by POST /bots; an unknown
 * token is refused with 1008. Frames are Pipecat's protobuf `Frame` messages; the relay does the
 * rest. The route logs at warn level or above only, so the secret in its URL never reaches a request log.
 */
import type { FastifyPluginAsync } from "fastify";
import type { LevelWithSilent } from "pino";
import type { PipecatRelayRegistry } from "../../meeting/pipecat/pipecat-relay-registry.js";
import { CLOSE_CODES } from "../../meeting/stream-violation.js";
import { closeSocket } from "../../meeting/close-socket.js";

const LEVELS: readonly LevelWithSilent[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

/** The server's level, raised to warn if it is lower: quieter, never louder. */
function atLeastWarn(level: string): LevelWithSilent {
  const index = LEVELS.indexOf(level as LevelWithSilent);
  return index >= LEVELS.indexOf("warn") ? (LEVELS[index] ?? "warn") : "warn";
}

export function pipecatBridgeRoutes(relays: PipecatRelayRegistry): FastifyPluginAsync {
  return async (app) => {
    const logLevel = atLeastWarn(app.log.level);
    app.get<{ Params: { token: string } }>("/pipecat/:token", { websocket: true, logLevel, schema: { hide: true } }, (socket, request) => {
      const relay = relays.find(request.params.token);
      if (!relay) {
        closeSocket(socket, CLOSE_CODES.policyViolation, "unknown Pipecat token: use the pipecat_url returned when the bot was created");
        return;
      }
      relay.attachPeer(socket);
    });
  };
}
