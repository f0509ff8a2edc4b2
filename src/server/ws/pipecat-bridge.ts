/**
 * @module server/ws/pipecat-bridge
 * `/pipecat/{client_id}`: where an external Pipecat pipeline connects for a bot launched with
 * `"pipeline": "pipecat"`. Frames are Pipecat's protobuf `Frame` messages; the relay does the rest.
 */
import type { FastifyPluginAsync } from "fastify";
import type { PipecatRelay } from "../../meeting/pipecat/pipecat-relay.js";

/** `find` takes the id in the URL: the bot's client id, or its public bot id. */
export function pipecatBridgeRoutes(find: (id: string) => PipecatRelay | undefined): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { client_id: string } }>("/pipecat/:client_id", { websocket: true, schema: { hide: true } }, (socket, request) => {
      const relay = find(request.params.client_id);
      if (!relay) {
        socket.close(1008, "unknown client id: no bot uses an external Pipecat pipeline with this id");
        return;
      }
      relay.attachPeer(socket);
    });
  };
}
