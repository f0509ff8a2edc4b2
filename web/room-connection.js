// The page's WebSocket to its room, kept open: JSON events and binary PCM in, PCM out. A socket
// that drops is reopened with growing pauses, so a person keeps their place (the page, its
// transcript, their microphone) through a network hiccup; the room sends its recent lines again.
// A refusal by the room (a bad name, a full room) is final, and so is leaving.

const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 10000];
const MAX_ATTEMPTS = 12;
/** Close codes the room uses when it refuses someone; trying again would not help. */
const REFUSED = new Set([1003, 1008]);

export class RoomConnection {
  /**
   * @param {string} url the room's WebSocket URL, with the name and the room's key
   * @param {{ onEvent(event: object): void, onAudio(frame: ArrayBuffer): void, onStatus(status: string, detail?: object): void }} handlers
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.socket = undefined;
    this.leaving = false;
    this.attempt = 0;
    this.retryTimer = undefined;
    this.lastError = "";
  }

  get isOpen() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Resolves with the room's welcome; rejects when the room cannot be entered. */
  open() {
    return new Promise((resolve, reject) => this.connect({ resolve, reject }));
  }

  send(frame) {
    if (this.isOpen) this.socket.send(frame);
  }

  /** Leaves for good: no reconnecting. */
  leave() {
    this.leaving = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000, "left");
  }

  connect(first) {
    const socket = new WebSocket(this.url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    let welcomed = false;
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        this.handlers.onAudio(event.data);
        return;
      }
      const message = JSON.parse(event.data);
      if (message.type === "error") this.lastError = message.message;
      if (message.type === "welcome" && !welcomed) {
        welcomed = true;
        const reconnected = this.attempt > 0;
        this.attempt = 0;
        first?.resolve(message);
        this.handlers.onStatus("open", { reconnected });
      }
      this.handlers.onEvent(message);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      const reason = this.lastError || event.reason;
      this.lastError = "";
      if (this.leaving) return this.handlers.onStatus("left");
      if (first && !welcomed) {
        first.reject(new Error(reason || "could not enter the room: its link may be wrong or expired, or the server is unreachable"));
        return;
      }
      if (REFUSED.has(event.code)) return this.handlers.onStatus("refused", { reason });
      this.retry();
    });
  }

  retry() {
    if (this.attempt >= MAX_ATTEMPTS) {
      this.handlers.onStatus("lost");
      return;
    }
    const delayMs = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)];
    this.attempt += 1;
    this.handlers.onStatus("reconnecting", { delayMs, attempt: this.attempt });
    this.retryTimer = setTimeout(() => {
      if (!this.leaving) this.connect(undefined);
    }, delayMs);
  }
}
