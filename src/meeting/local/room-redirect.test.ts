/**
 * The redirect of a room held by another process: 307 to that process's base URL with the path
 * rebuilt from the route and the validated room name, and the query carried over; a room held
 * here is served; an unusable placement answer is an error, never a redirect elsewhere.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../core/errors.js";
import type { RoomLocation, RoomPlacement } from "./room-placement.js";
import { redirectToHolder } from "./room-redirect.js";

function placement(where: (room: string) => RoomLocation): RoomPlacement & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async locate(room) {
      asked.push(room);
      return where(room);
    },
    async claim() {
      return { here: true };
    },
    release() {
      return undefined;
    },
  };
}

describe("room redirects", () => {
  let app: FastifyInstance;
  afterEach(async () => app.close());

  async function serve(rooms: RoomPlacement): Promise<FastifyInstance> {
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => {
      const status = error instanceof AppError ? error.status : 500;
      return reply.status(status).send({ code: error instanceof AppError ? error.code : "INTERNAL" });
    });
    const hook = redirectToHolder(rooms, () => false);
    app.get("/meet/:room", { preHandler: hook }, async () => "page");
    app.get("/meet/:room/ws", { preHandler: hook }, async () => "socket");
    await app.ready();
    return app;
  }

  it("sends a room held elsewhere to that process, lowercased, with the query kept", async () => {
    const rooms = placement((room) => (room === "lobby" ? { here: false, baseUrl: "https://w1.example.com/base/" } : { here: true }));
    await serve(rooms);
    const page = await app.inject({ url: "/meet/Lobby?t=abc%2Fdef&name=Ada" });
    expect(page.statusCode).toBe(307);
    expect(page.headers.location).toBe("https://w1.example.com/base/meet/lobby?t=abc%2Fdef&name=Ada");
    const socket = await app.inject({ url: "/meet/lobby/ws?name=Ada" });
    expect(socket.headers.location).toBe("https://w1.example.com/base/meet/lobby/ws?name=Ada");
    const here = await app.inject({ url: "/meet/den" });
    expect(here.statusCode).toBe(200);
    expect(here.body).toBe("page");
    expect(rooms.asked).toEqual(["lobby", "lobby", "den"]);
  });

  it("answers the placement's refusal instead of redirecting", async () => {
    await serve(
      placement(() => {
        throw new AppError("NO_WORKER_AVAILABLE", "none");
      }),
    );
    const page = await app.inject({ url: "/meet/lobby" });
    expect(page.statusCode).toBe(503);
    expect(page.headers.location).toBeUndefined();
  });
});
