/**
 * @module server/routes/persona-image-files
 * `GET /persona-images/<file>` serves the pictures kept in DATA_DIR/persona-images, without an API
 * key because meeting platforms fetch them. Only plain file names with an image extension are
 * served (no dots, no slashes, so no way out of the folder). A stored name carries a hash of its
 * content, so the file never changes and may be cached for a year; SVGs get a policy that keeps
 * any script in them from running.
 */
import { resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";
import { PERSONA_IMAGE_ROUTE, SERVABLE_IMAGE_FILE } from "../../personas/images/image-route.js";

const notFound = { code: "ROUTE_NOT_FOUND", message: "No such image" };

export function personaImageFileRoutes(directory: string): FastifyPluginAsync {
  return async (app) => {
    // Only `reply.sendFile` (ETag, 304, ranges, content type); the route below decides what is served.
    // The folder appears with the first stored image, so its absence is not worth a warning.
    await app.register(fastifyStatic, { root: resolve(directory), serve: false, decorateReply: true, suppressWarning: true });
    app.get<{ Params: { file: string } }>(`${PERSONA_IMAGE_ROUTE}/:file`, { schema: { hide: true } }, async (request, reply) => {
      const { file } = request.params;
      if (!SERVABLE_IMAGE_FILE.test(file)) return reply.status(404).send(notFound);
      reply.header("x-content-type-options", "nosniff");
      reply.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
      reply.header("cross-origin-resource-policy", "cross-origin");
      return reply.sendFile(file, { maxAge: "365d", immutable: true, dotfiles: "deny" });
    });
  };
}
