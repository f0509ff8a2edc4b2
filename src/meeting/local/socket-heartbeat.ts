/**
 * @module meeting/local/socket-heartbeat
 * Notices a person whose connection died without closing (a laptop lid shut, a network gone): the
 * server pings every so often and ends a socket that has not answered the previous ping, so the
 * person leaves the room instead of staying on as a silent ghost. Browsers answer pings by
 * themselves.
 */

/** The part of a `ws` socket the heartbeat uses. */
export interface PingableSocket {
  ping(): void;
  terminate(): void;
  on(event: "pong" | "close", listener: () => void): unknown;
}

export const HEARTBEAT_MS = 20_000;

export function keepAlive(socket: PingableSocket, intervalMs = HEARTBEAT_MS): void {
  let answered = true;
  const timer = setInterval(() => {
    if (!answered) {
      clearInterval(timer);
      socket.terminate();
      return;
    }
    answered = false;
    socket.ping();
  }, intervalMs);
  timer.unref();
  socket.on("pong", () => {
    answered = true;
  });
  socket.on("close", () => clearInterval(timer));
}
