import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keepAlive } from "./socket-heartbeat.js";

class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;
  answers = true;
  ping(): void {
    this.pings += 1;
    if (this.answers) queueMicrotask(() => this.emit("pong"));
  }
  terminate(): void {
    this.terminated = true;
    this.emit("close");
  }
}

describe("keepAlive", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps a socket that answers, and ends one that stopped answering after one missed ping", async () => {
    const socket = new FakeSocket();
    keepAlive(socket, 1000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(socket.pings).toBe(5);
    expect(socket.terminated).toBe(false);
    socket.answers = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.terminated).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(socket.pings).toBe(6);
  });

  it("stops pinging once the socket closed", async () => {
    const socket = new FakeSocket();
    keepAlive(socket, 1000);
    socket.emit("close");
    await vi.advanceTimersByTimeAsync(5000);
    expect(socket.pings).toBe(0);
  });
});
