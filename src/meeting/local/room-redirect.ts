/**
 * @module meeting/local/room-redirect
 * In a cluster, the room page and the room socket of a room held by another process answer with a
 * redirect to that process's public base URL: the page then opens its socket there (it builds the
 * socket URL from its own location), so people and their audio go straight to the worker holding
 * the room. Socket clients that follow redirects (the `ws` package's `followRedirects`) do too.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { type RoomPlacement, roomUrlAt } from "./room-placement.js";

/** A route hook that sends a request for a room held elsewhere on with 307 (same method, same query). */
export function redirectToHolder(placement: RoomPlacement, holdsItHere: (room: string) => boolean) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const room = (request.params as { room: string }).room.toLowerCase();
    const where = await placement.locate(room, holdsItHere(room));
    if (where.here) return undefined;
    // The path is rebuilt from the route and the validated name; only the query is carried over.
    const path = request.routeOptions.url?.replace(":room", encodeURIComponent(room)) ?? `/meet/${room}`;
    const search = new URL(request.url, "http://request.invalid").search;
    return reply.redirect(roomUrlAt(where.baseUrl, path, search), 307);
  };
}
