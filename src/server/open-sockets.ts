/**
 * @module server/open-sockets
 * Every TCP connection of the HTTP server, WebSocket upgrades included. Closing the HTTP server
 * waits for all of them, but a WebSocket peer that ignores the close handshake, or an upgrade still
 * being checked when the server closes, is invisible to Fastify and `ws`: without this, one silent
 * peer keeps a shutting-down server alive. Past a grace period the rest are destroyed.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";

export class OpenSockets {
  private readonly sockets = new Set<Socket>();

  constructor(server: Server) {
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  get count(): number {
    return this.sockets.size;
  }

  /** Runs `close`; connections still open `graceMs` later are destroyed so it can finish. */
  async closeWithin<T>(graceMs: number, close: () => Promise<T>): Promise<T> {
    const timer = setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, graceMs);
    try {
      return await close();
    } finally {
      clearTimeout(timer);
    }
  }
}
