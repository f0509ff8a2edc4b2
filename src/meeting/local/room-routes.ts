/**
 * @module meeting/local/room-routes
 * The people's side of the built-in rooms: the page at `/meet/{room}`, its static files under
 * `/web/`, and the WebSocket `/meet/{room}/ws?name=…` carrying 16 kHz PCM both ways (binary) and
 * roster and transcript events (JSON text). Every frame is checked; a bad one closes only that
 * person's connection.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";
import type { WebSocket } from "ws";
import { Participant, ROOM_RATE } from "./room.js";
import type { RoomHub } from "./room-hub.js";
import { isValidRoomName } from "./room-names.js";

export const WEB_DIR = fileURLToPath(new URL("../../../web", import.meta.url));
const MAX_FRAME_BYTES = ROOM_RATE * 2;
const NAME = /^[\p{L}\p{N} ._'-]{1,40}$/u;

function sendJson(socket: WebSocket, message: object): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function joinRoom(hub: RoomHub, roomName: string, name: string, socket: WebSocket): void {
  const participant = new Participant(`human-${randomUUID()}`, name, "human", {
    audio: (pcm) => {
      // Skip frames for a client that cannot keep up rather than queueing seconds of audio.
      if (socket.readyState === socket.OPEN && socket.bufferedAmount < 64_000) socket.send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    },
    roster: (participants) => sendJson(socket, { type: "participants", participants }),
    transcript: (line) => sendJson(socket, { type: "transcript", ...line }),
  });
  const room = hub.room(roomName);
  sendJson(socket, { type: "welcome", id: participant.id, room: roomName, sampleRate: ROOM_RATE });
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

export function roomRoutes(hub: RoomHub): FastifyPluginAsync {
  return async (app) => {
    await app.register(fastifyStatic, { root: WEB_DIR, prefix: "/web/", decorateReply: true });
    app.get<{ Params: { room: string } }>("/meet/:room", { schema: { hide: true } }, async (request, reply) => {
      if (!isValidRoomName(request.params.room)) {
        return reply.status(400).send({ code: "VALIDATION_FAILED", message: "Room names use letters, digits, - and _ (at most 64)" });
      }
      return reply.sendFile("meet.html");
    });
    app.get<{ Params: { room: string }; Querystring: { name?: string } }>("/meet/:room/ws", { websocket: true, schema: { hide: true } }, (socket, request) => {
      const name = (request.query.name ?? "").trim();
      if (!isValidRoomName(request.params.room)) return socket.close(1008, "invalid room name");
      if (!NAME.test(name)) return socket.close(1008, "give a name of 1 to 40 letters, digits or spaces");
      joinRoom(hub, request.params.room.toLowerCase(), name, socket);
    });
  };
}
