import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config.js";
import { ApiKeyVerifier, parseApiKeys } from "../../core/api-keys.js";
import { presentedCredential } from "./credentials.js";
import { AnonymousExposureError, accessMode, isLoopbackHost } from "./exposure.js";
import { isPublicRoute } from "./public-routes.js";

const KEY_A = "alpha-0123456789abcdef";
const KEY_B = "bravo-0123456789abcdef";

describe("API key list", () => {
  it("reads bare keys and name:key pairs, naming unnamed tenants by a short hash", () => {
    const { keys, problems } = parseApiKeys(` team-a:${KEY_A} , ${KEY_B} `);
    expect(problems).toEqual([]);
    expect(keys[0]).toEqual({ tenant: "team-a", key: KEY_A });
    expect(keys[1]?.tenant).toMatch(/^key-[0-9a-f]{8}$/);
    expect(keys[1]?.key).toBe(KEY_B);
  });

  it("refuses short keys, bad names and duplicates without echoing the key", () => {
    const { problems } = parseApiKeys(`short,bad name:${KEY_A},a:${KEY_A},a:${KEY_B}`);
    expect(problems.join("\n")).toMatch(/entry 1: a key needs at least 16/);
    expect(problems.join("\n")).toMatch(/entry 2: the tenant name/);
    expect(problems.join("\n")).toMatch(/tenant a is listed twice/);
    expect(problems.join("\n")).not.toContain(KEY_A);
    expect(() => loadConfig({ SPEAKING_BOTS_API_KEYS: "short" })).toThrow(/SPEAKING_BOTS_API_KEYS: entry 1/);
  });

  it("tells which tenant a key belongs to, and none for near misses", () => {
    const verifier = new ApiKeyVerifier(parseApiKeys(`a:${KEY_A},b:${KEY_B}`).keys);
    expect(verifier.tenantOf(KEY_A)).toBe("a");
    expect(verifier.tenantOf(KEY_B)).toBe("b");
    expect(verifier.tenantOf(`${KEY_A}x`)).toBeUndefined();
    expect(verifier.tenantOf(KEY_A.slice(0, -1))).toBeUndefined();
    expect(verifier.tenantOf("")).toBeUndefined();
  });
});

describe("presented credentials", () => {
  it("takes a Bearer token first, then x-api-key", () => {
    expect(presentedCredential({ authorization: `Bearer ${KEY_A}` })).toEqual({ kind: "key", key: KEY_A, header: "Authorization" });
    expect(presentedCredential({ authorization: `bearer  ${KEY_A} ` })).toMatchObject({ kind: "key", key: KEY_A });
    expect(presentedCredential({ "x-api-key": KEY_B })).toEqual({ kind: "key", key: KEY_B, header: "x-api-key" });
    expect(presentedCredential({ authorization: "Basic dXNlcjpwYXNz", "x-api-key": KEY_B })).toMatchObject({ kind: "key", key: KEY_B });
    expect(presentedCredential({})).toEqual({ kind: "none" });
  });

  it("calls other schemes and several keys malformed", () => {
    expect(presentedCredential({ authorization: "Basic dXNlcjpwYXNz" })).toMatchObject({ kind: "malformed", header: "Authorization" });
    expect(presentedCredential({ authorization: "Bearer" })).toMatchObject({ kind: "malformed" });
    expect(presentedCredential({ "x-api-key": [KEY_A, KEY_B] })).toMatchObject({ kind: "malformed", header: "x-api-key" });
  });
});

describe("exposure", () => {
  it("knows loopback hosts", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "example.com", "::ffff:10.0.0.1"]) expect(isLoopbackHost(host), host).toBe(false);
  });

  it("needs keys, loopback or an explicit opt-in", () => {
    const keys = parseApiKeys(`a:${KEY_A}`).keys;
    expect(accessMode({ SPEAKING_BOTS_API_KEYS: keys, HOST: "0.0.0.0", ALLOW_ANONYMOUS: false })).toEqual({ kind: "keys", tenants: ["a"] });
    expect(accessMode({ SPEAKING_BOTS_API_KEYS: [], HOST: "127.0.0.1", ALLOW_ANONYMOUS: false })).toEqual({ kind: "loopback" });
    expect(accessMode({ SPEAKING_BOTS_API_KEYS: [], HOST: "0.0.0.0", ALLOW_ANONYMOUS: true })).toEqual({ kind: "anonymous" });
    expect(() => accessMode({ SPEAKING_BOTS_API_KEYS: [], HOST: "0.0.0.0", ALLOW_ANONYMOUS: false })).toThrow(AnonymousExposureError);
    expect(() => accessMode({ SPEAKING_BOTS_API_KEYS: [], HOST: "127.0.0.1", ALLOW_ANONYMOUS: false }, { tunnel: true })).toThrow(/public tunnel.*--allow-anonymous/);
    expect(accessMode({ SPEAKING_BOTS_API_KEYS: [], HOST: "127.0.0.1", ALLOW_ANONYMOUS: true }, { tunnel: true })).toEqual({ kind: "anonymous" });
  });

  it("reads ALLOW_ANONYMOUS as a yes/no flag", () => {
    expect(loadConfig({ ALLOW_ANONYMOUS: "true" }).ALLOW_ANONYMOUS).toBe(true);
    expect(loadConfig({ ALLOW_ANONYMOUS: "false" }).ALLOW_ANONYMOUS).toBe(false);
    expect(loadConfig({}).ALLOW_ANONYMOUS).toBe(false);
    expect(() => loadConfig({ ALLOW_ANONYMOUS: "yes please" })).toThrow(/ALLOW_ANONYMOUS/);
  });
});

describe("public routes", () => {
  it("lets through only the listed methods and patterns", () => {
    expect(isPublicRoute("GET", "/health")).toBe(true);
    expect(isPublicRoute("GET", "/docs")).toBe(true);
    expect(isPublicRoute("GET", "/docs/static/*")).toBe(true);
    expect(isPublicRoute("GET", "/ws/:client_id")).toBe(true);
    expect(isPublicRoute("POST", "/webhook")).toBe(true);
    expect(isPublicRoute("DELETE", "/local-meetings/api/bots/:id")).toBe(true);
    expect(isPublicRoute("POST", "/health")).toBe(false);
    expect(isPublicRoute("GET", "/bots")).toBe(false);
    expect(isPublicRoute("GET", "/docsx")).toBe(false);
    expect(isPublicRoute("GET", "/metrics")).toBe(false);
    expect(isPublicRoute("GET", undefined)).toBe(false);
  });
});
