/**
 * @module meeting/close-socket
 * Closes a peer's WebSocket with a code and a reason, safely: the protocol allows at most 123 bytes
 * of reason (ws throws past that, and a throw inside an event handler would end the process), and a
 * socket already closing is left alone.
 */
import type { WebSocket } from "ws";
import type { StreamViolation } from "./stream-violation.js";

const MAX_REASON_BYTES = 123;

/** Cuts `reason` to whole characters that fit in a close frame. */
export function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  let cut = reason.slice(0, MAX_REASON_BYTES);
  while (Buffer.byteLength(cut) > MAX_REASON_BYTES) cut = cut.slice(0, -1);
  return cut;
}

export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState !== socket.OPEN && socket.readyState !== socket.CONNECTING) return;
  try {
    socket.close(code, closeReason(reason));
  } catch {
    // Only a socket broken below us gets here; dropping the connection is what closing meant.
    socket.terminate();
  }
}

export function closeForViolation(socket: WebSocket, found: StreamViolation): void {
  closeSocket(socket, found.code, found.reason);
}
