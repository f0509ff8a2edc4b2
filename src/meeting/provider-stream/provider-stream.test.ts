import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { ProviderStream } from "./provider-stream.js";

/** A loopback stream endpoint that hands each accepted socket to the test. */
async function endpoint(): Promise<{ server: WebSocketServer; url: string; next: () => Promise<WebSocket> }> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await once(server, "listening");
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, next: async () => ((await once(server, "connection")) as [WebSocket])[0] };
}

describe("provider stream re-dial", () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    for (const client of server?.clients ?? []) client.terminate();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("re-dials 1 s after a drop, and starts from 1 s again once it was connected", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const ep = await endpoint();
    server = ep.server;
    const stream = new ProviderStream({ url: ep.url, botId: "bot-1", sampleRate: 16000, reconnect: true });
    const accepted = ep.next();
    await stream.connect();
    const first = await accepted;

    const closed = once(stream, "close");
    first.terminate();
    await closed;
    expect(vi.getTimerCount()).toBe(1);
    const again = ep.next();
    await vi.advanceTimersByTimeAsync(999);
    expect(stream.isOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const second = await again;
    await vi.waitFor(() => expect(stream.isOpen).toBe(true));

    // Connected again, so the next drop waits the first pause again.
    const closedAgain = once(stream, "close");
    second.terminate();
    await closedAgain;
    const third = ep.next();
    await vi.advanceTimersByTimeAsync(1000);
    await third;
    await vi.waitFor(() => expect(stream.isOpen).toBe(true));
    stream.close();
  });

  it("close() during a pause ends it and leaves no timer", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const ep = await endpoint();
    server = ep.server;
    const stream = new ProviderStream({ url: ep.url, botId: "bot-2", sampleRate: 16000, reconnect: true });
    const accepted = ep.next();
    await stream.connect();
    const closed = once(stream, "close");
    (await accepted).terminate();
    await closed;
    expect(vi.getTimerCount()).toBe(1);
    stream.close();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.clients.size).toBe(0);
  });
});
