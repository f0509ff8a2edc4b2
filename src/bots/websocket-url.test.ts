import { describe, expect, it } from "vitest";
import { newClientId, resolveWebSocketBase, streamUrl } from "./websocket-url.js";

const none = { requestOverride: undefined, baseUrl: undefined, tunnelUrl: undefined, headers: {}, encrypted: false };

describe("resolveWebSocketBase", () => {
  it("prefers the request override over everything", () => {
    const r = resolveWebSocketBase({ ...none, requestOverride: "wss://a.example/", baseUrl: "https://b.example", tunnelUrl: "https://c.example" });
    expect(r).toEqual({ base: "wss://a.example", source: "request" });
  });
  it("uses BASE_URL before the tunnel and turns https into wss", () => {
    const r = resolveWebSocketBase({ ...none, baseUrl: "https://b.example/prefix/", tunnelUrl: "https://c.example" });
    expect(r).toEqual({ base: "wss://b.example/prefix", source: "BASE_URL" });
  });
  it("uses the tunnel before request headers", () => {
    const r = resolveWebSocketBase({ ...none, tunnelUrl: "https://c.ngrok.app", headers: { host: "localhost:7014" } });
    expect(r).toEqual({ base: "wss://c.ngrok.app", source: "tunnel" });
  });
  it("falls back to forwarded headers, then Host", () => {
    expect(
      resolveWebSocketBase({ ...none, headers: { host: "internal:7014", "x-forwarded-host": "bots.example.com", "x-forwarded-proto": "https" } }),
    ).toEqual({ base: "wss://bots.example.com", source: "headers" });
    expect(resolveWebSocketBase({ ...none, headers: { host: "127.0.0.1:7014" } })).toEqual({ base: "ws://127.0.0.1:7014", source: "headers" });
  });
});

describe("client ids", () => {
  it("are long, URL-safe and distinct", () => {
    const ids = new Set(Array.from({ length: 100 }, newClientId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(streamUrl("ws://h:1", "abc")).toBe("ws://h:1/ws/abc");
  });
});

describe("hostile request headers", () => {
  it("refuse a malformed forwarded host or protocol with a 400 naming the header", () => {
    for (const bad of [`${"x".repeat(200)}!`, "[", "a b", "h:99999", "h/../x", "@evil", "h:1:2", "x".repeat(300)]) {
      expect(() => resolveWebSocketBase({ ...none, headers: { "x-forwarded-host": bad } }), bad).toThrow(/header x-forwarded-host/);
    }
    expect(() => resolveWebSocketBase({ ...none, headers: { host: "ok:1", "x-forwarded-proto": "gopher" } })).toThrow(/header x-forwarded-proto/);
    expect(() => resolveWebSocketBase({ ...none, headers: { host: "[::1" } })).toThrow(/header host/);
  });
  it("accept IPv6 hosts and ports", () => {
    expect(resolveWebSocketBase({ ...none, headers: { host: "[::1]:7014" } }).base).toBe("ws://[::1]:7014");
    expect(resolveWebSocketBase({ ...none, headers: { "x-forwarded-host": "Bots.Example.com.", "x-forwarded-proto": "HTTPS" } }).base).toBe("wss://bots.example.com.");
  });
});
