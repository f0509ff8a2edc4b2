/**
 * @module meeting/local/room-routes
 * The people's side of the built-in rooms: the page at `/meet/{room}`, its static files under
 * `/web/`, and the WebSocket `/meet/{room}/ws?name=…&t=<token>` carrying 16 kHz PCM both ways
 * (binary) and JSON text events to the page:
 * - `welcome` {id, room, sampleRate, history}: the person's id and the room's last transcript lines;
 * - `participants` {participants: [{id, name, kind, speaking, botId, state}]}, at most every 200 ms;
 * - `transcript` {id, botId, botName, role, speaker, text, final, at, latencyMs?, interrupted?}: a
 *   line keeps its id from interim to final;
 * - `bot-state` {botId, state}: `listening`, `thinking`, `speaking` or `holding` (for the floor);
 * - `error` {message}.
 *
 * Entering takes the room's link token; a browser page from another site is refused before the
 * upgrade (its Origin must be one of this server's own); a full room is refused with a reason.
 * Every frame is checked; a bad one closes only that person's connection. On a server that listens
 * on loopback only, `POST /meet/rooms` hands out a link for a new room to the page itself.
 *
 * In a cluster (`placement` given) the page and the socket of a room held by another process are
 * redirected there, and a room opened from the page is first pinned to this process.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import { AppError } from "../../core/errors.js";
import { isLoopbackHost, type SelfOrigins } from "../../util/self-origins.js";
import type { RoomAccess } from "./room-access.js";
import { Participant, ROOM_RATE } from "./room.js";
import { RoomFullError, type RoomHub } from "./room-hub.js";
import { isValidRoomName, roomLink } from "./room-names.js";
import type { RoomPlacement } from "./room-placement.js";
import { redirectToHolder } from "./room-redirect.js";
import { keepAlive } from "./socket-heartbeat.js";

export const WEB_DIR = fileURLToPath(new URL("../../../web", import.meta.url));
const MAX_FRAME_BYTES = ROOM_RATE * 2;
const NAME = /^[\p{L}\p{N} ._'-]{1,40}$/u;
/** Queued bytes after which a page that stopped reading is dropped, so it cannot pile up server memory. */
const MAX_BACKLOG_BYTES = 1_000_000;
const ROOM_RULE = "Room names use letters, digits, - and _ (at most 64)";

export interface RoomRouteOptions {
  hub: RoomHub;
  access: RoomAccess;
  origins: SelfOrigins;
  /** Cluster mode: where each room lives. */
  placement?: RoomPlacement;
}

const roomParams = z.object({ room: z.string().max(200).refine(isValidRoomName, ROOM_RULE) });
const socketQuery = z.object({
  name: z.string().max(200).optional(),
  t: z.string().max(200).optional(),
});
const mintBody = z.object({ room: z.string().max(64).refine(isValidRoomName, ROOM_RULE).optional() }).strict().nullish();

function sendText(socket: WebSocket, text: string): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_BACKLOG_BYTES) socket.terminate();
  else socket.send(text);
}

function sendJson(socket: WebSocket, message: object): void {
  sendText(socket, JSON.stringify(message));
}

function joinRoom(hub: RoomHub, roomName: string, name: string, socket: WebSocket): void {
  const participant = new Participant(`human-${randomUUID()}`, name, "human", {
    audio: (pcm) => {
      // Skip frames for a client that cannot keep up rather than queueing seconds of audio.
      if (socket.readyState === socket.OPEN && socket.bufferedAmount < 64_000) socket.send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    },
    roster: (_participants, message) => sendText(socket, message),
    notice: (message) => sendText(socket, message),
  });
  const room = hub.room(roomName);
  keepAlive(socket);
  sendJson(socket, { type: "welcome", id: participant.id, room: roomName, sampleRate: ROOM_RATE, history: room.transcript.history });
  room.add(participant);
  hub.watchOccupancy(roomName);
  socket.on("message", (data: Buffer, isBinary) => {
    if (!isBinary) return;
    if (data.length % 2 !== 0 || data.length > MAX_FRAME_BYTES) {
      sendJson(socket, { type: "error", message: `audio frames must be 16-bit PCM of at most ${MAX_FRAME_BYTES} bytes` });
      socket.close(1003, "invalid audio frame");
      return;
    }
    const copy = Buffer.from(data);
    participant.input.write(new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2));
  });
  socket.on("close", () => hub.leave(roomName, participant.id));
}

/** A browser page may open room sockets only when it was served by this server. */
function refuseForeignOrigin(origins: SelfOrigins, request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  const origin = request.headers.origin;
  if (origin === undefined || origins.has(origin)) return undefined;
  return reply.status(403).send({ code: "ORIGIN_REFUSED", message: "header origin: room sockets accept pages served by this server only" });
}

/** Only a person at this very machine, talking to a loopback-only server, may open rooms from the page. */
function mayMint(origins: SelfOrigins, request: FastifyRequest): boolean {
  const forwarded = ["x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip"].some((header) => request.headers[header] !== undefined);
  const remote = request.socket.remoteAddress ?? "";
  const local = isLoopbackHost(remote) || remote.startsWith("::ffff:127.");
  return origins.isLoopback && local && !forwarded;
}

/** Pins a room about to be opened here to this process; refuses when another process holds it. */
async function claimHere(placement: RoomPlacement | undefined, room: string): Promise<void> {
  const where = await placement?.claim(room);
  if (!where || where.here) return;
  throw new AppError("ROOM_ACCESS_DENIED", `The room "${room}" is held by another server of this cluster (${where.baseUrl}); open it there or pick another name`, { status: 409 });
}

export function roomRoutes({ hub, access, origins, placement }: RoomRouteOptions): FastifyPluginAsync {
  return async (app) => {
    const toHolder = placement ? redirectToHolder(placement, (room) => access.exists(room)) : undefined;
    await app.register(fastifyStatic, { root: WEB_DIR, prefix: "/web/", decorateReply: true });
    app.get("/meet/:room", { schema: { hide: true, params: roomParams }, ...(toHolder && { preHandler: toHolder }) }, async (_request, reply) => reply.sendFile("meet.html"));

    app.post("/meet/rooms", { schema: { hide: true, body: mintBody } }, async (request, reply) => {
      const refused = refuseForeignOrigin(origins, request, reply);
      if (refused) return refused;
      if (!mayMint(origins, request)) {
        throw new AppError("ROOM_ACCESS_DENIED", "Room links are handed out by POST /bots (the meeting_link field) on this server; opening rooms from the page works only on a loopback-only server");
      }
      const wanted = (request.body as z.infer<typeof mintBody>)?.room?.toLowerCase();
      const room = wanted ?? `room-${randomBytes(4).toString("hex")}`;
      await claimHere(placement, room);
      const token = access.create(room);
      return reply.status(201).send({ room, link: roomLink(origins.publicBase, room, token) });
    });

    app.get(
      "/meet/:room/ws",
      {
        websocket: true,
        schema: { hide: true, params: roomParams, querystring: socketQuery },
        preValidation: async (request, reply) => refuseForeignOrigin(origins, request, reply),
        preHandler: [
          ...(toHolder ? [toHolder] : []),
          async (request: FastifyRequest, reply: FastifyReply) => {
            const { room } = request.params as z.infer<typeof roomParams>;
            const { t } = request.query as z.infer<typeof socketQuery>;
            if (!access.admits(room.toLowerCase(), t)) {
              return reply.status(403).send({ code: "ROOM_ACCESS_DENIED", message: "query t: this room is entered with its link (…/meet/<room>?t=<token>); the token is missing, wrong or expired" });
            }
          },
        ],
      },
      (socket, request) => {
        const { room } = request.params as z.infer<typeof roomParams>;
        const name = ((request.query as z.infer<typeof socketQuery>).name ?? "").trim();
        if (!NAME.test(name)) return socket.close(1008, "give a name of 1 to 40 letters, digits or spaces");
        try {
          hub.assertRoomFor(room.toLowerCase());
        } catch (error) {
          if (!(error instanceof RoomFullError)) throw error;
          sendJson(socket, { type: "error", message: error.message });
          return socket.close(1008, "the room is full");
        }
        joinRoom(hub, room.toLowerCase(), name, socket);
      },
    );
  };
}
