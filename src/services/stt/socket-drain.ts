/**
 * @module services/stt/socket-drain
 * Ending a streaming recogniser's socket politely: after the stop message, the provider transcribes
 * the audio it still holds, sends the results and closes the socket itself. This waits for that
 * close, at most `timeoutMs`, so the last words reach the listener; a provider that never closes
 * costs only the wait.
 */
import WebSocket from "ws";

/** How long a recogniser may take to send its last results once told to stop. */
export const DRAIN_TIMEOUT_MS = 3000;

/** Resolves once the socket has closed, or after `timeoutMs`; leaves no timer or listener behind. */
export function socketClosed(socket: WebSocket, timeoutMs: number): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    socket.once("close", done);
  });
}
