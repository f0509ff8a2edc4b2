/**
 * @module server/cluster/worker-bot-routes
 * `/bots` on a worker that is not also an API node: bots are sent through an API node, which
 * records them in the cluster registry; a worker answers 421 and says so.
 */
import type { FastifyPluginAsync } from "fastify";

export function workerBotRoutes(): FastifyPluginAsync {
  return async (app) => {
    const misdirected = {
      code: "NOT_AN_API_NODE",
      message: "This process is a cluster worker: send /bots requests to an API node (speaking-bots serve --role api)",
    };
    for (const url of ["/bots", "/bots/:bot_id"]) {
      app.route({ method: ["GET", "POST", "DELETE"], url, schema: { hide: true }, handler: async (_request, reply) => reply.status(421).send(misdirected) });
    }
  };
}
