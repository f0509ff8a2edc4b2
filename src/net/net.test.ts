import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createAddressPolicy } from "./address-policy.js";
import { outboundHeadersSchema } from "./outbound-headers.js";
import { createPinnedFetch } from "./pinned-fetch.js";
import { FetchFailedError, FetchRefusedError, type Resolver, urlShapeProblem } from "./pinned-origin.js";
import { safeFetch } from "./safe-fetch.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Names that resolve only inside the test, so no real DNS is ever asked. */
const fakeDns =
  (table: Record<string, string[]>): Resolver =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

const closed = createAddressPolicy([]);
const loopbackOpen = createAddressPolicy(["127.0.0.1"]);

describe("address policy", () => {
  it("refuses loopback, private, link-local, metadata and mapped addresses, and allows public ones", () => {
    for (const address of ["127.0.0.1", "::1", "10.1.2.3", "192.168.1.1", "172.16.0.9", "169.254.169.254", "fd00:ec2::254", "::ffff:127.0.0.1", "0.0.0.0", "100.100.100.200", "64:ff9b::a00:1"]) {
      expect(closed.refusalFor(address), address).toBeDefined();
    }
    expect(closed.refusalFor("169.254.169.254")).toBe("a link-local (cloud metadata) address");
    expect(closed.refusalFor("93.184.215.14")).toBeUndefined();
    expect(closed.refusalFor("2606:4700::1")).toBeUndefined();
  });

  it("opens exactly what the allowlist names: addresses, ranges and host names", () => {
    const policy = createAddressPolicy(["127.0.0.1", "10.0.0.0/8", "wiki.corp.example", "::ffff:192.168.0.0/112"]);
    expect(policy.refusalFor("127.0.0.1")).toBeUndefined();
    expect(policy.refusalFor("127.0.0.2")).toBeDefined();
    expect(policy.refusalFor("10.200.1.1")).toBeUndefined();
    expect(policy.refusalFor("192.168.4.4")).toBeUndefined();
    expect(policy.refusalFor("169.254.169.254")).toBeDefined();
    expect(policy.allowsHostName("WIKI.corp.example.")).toBe(true);
    expect(policy.allowsHostName("corp.example")).toBe(false);
  });

  it("checks the shape of a URL before anything else", () => {
    expect(urlShapeProblem("ftp://example.com/x")).toMatch(/http/);
    expect(urlShapeProblem("https://user:pw@example.com/")).toMatch(/credentials/);
    expect(urlShapeProblem("not a url")).toMatch(/absolute/);
    expect(urlShapeProblem("https://example.com/notes.md")).toBeUndefined();
  });

  it("validates outbound headers without echoing their values", () => {
    expect(outboundHeadersSchema.safeParse({ Authorization: "Bearer x" }).success).toBe(true);
    const bad = outboundHeadersSchema.safeParse({ Host: "evil", "X-A": "secret\r\nInjected: 1", "bad name": "v" });
    expect(bad.success).toBe(false);
    const text = JSON.stringify(bad.error?.issues);
    expect(text).toMatch(/Host/);
    expect(text).not.toMatch(/secret/);
  });
});

describe("safeFetch", () => {
  const base = { timeoutMs: 5000, maxBytes: 1_000_000 };

  it("refuses private targets unless the allowlist opens them, before connecting", async () => {
    let hits = 0;
    const port = await serve((_req, res) => {
      hits++;
      res.end("secret");
    });
    for (const url of [`http://127.0.0.1:${port}/`, `http://[::1]:${port}/`, "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"]) {
      await expect(safeFetch(url, { ...base, policy: closed })).rejects.toBeInstanceOf(FetchRefusedError);
    }
    await expect(safeFetch("http://metadata.test/", { ...base, policy: closed, resolve: fakeDns({ "metadata.test": ["169.254.169.254"] }) })).rejects.toThrow(
      /^metadata.test resolves to 169.254.169.254, a link-local \(cloud metadata\) address, which this server does not fetch/,
    );
    expect(hits).toBe(0);
    const fetched = await safeFetch(`http://127.0.0.1:${port}/`, { ...base, policy: loopbackOpen });
    expect(fetched.body.toString()).toBe("secret");
  });

  it("connects to the address it checked, not to a later DNS answer", async () => {
    const port = await serve((req, res) => res.end(`host=${req.headers.host}`));
    let asked = 0;
    const rebinding: Resolver = async () => {
      asked++;
      return [{ address: asked === 1 ? "127.0.0.1" : "10.9.9.9", family: 4 }];
    };
    const fetched = await safeFetch(`http://docs.test:${port}/page`, { ...base, policy: loopbackOpen, resolve: rebinding });
    expect(fetched.body.toString()).toBe(`host=docs.test:${port}`);
    expect(asked).toBe(1);
  });

  it("re-checks every redirect and drops caller headers when the origin changes", async () => {
    const seen: (string | undefined)[] = [];
    const second = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.end("moved here");
    });
    const first = await serve((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === "/to-metadata") res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
      else if (req.url === "/same") res.writeHead(301, { location: "/final" }).end();
      else if (req.url === "/final") res.end("same origin");
      else res.writeHead(307, { location: `http://other.test:${second}/` }).end();
    });
    const resolve = fakeDns({ "other.test": ["127.0.0.1"] });
    const headers = { authorization: "Bearer s3cret" };
    await expect(safeFetch(`http://127.0.0.1:${first}/to-metadata`, { ...base, policy: loopbackOpen, headers, resolve })).rejects.toBeInstanceOf(FetchRefusedError);
    expect((await safeFetch(`http://127.0.0.1:${first}/same`, { ...base, policy: loopbackOpen, headers, resolve })).body.toString()).toBe("same origin");
    seen.length = 0;
    const moved = await safeFetch(`http://127.0.0.1:${first}/elsewhere`, { ...base, policy: loopbackOpen, headers, resolve });
    expect(moved.body.toString()).toBe("moved here");
    expect(seen).toEqual(["Bearer s3cret", undefined]);
  });

  it("cuts long documents at the byte cap, fails on HTTP errors and on the deadline", async () => {
    const port = await serve((req, res) => {
      if (req.url === "/big") res.end("x".repeat(50_000));
      else if (req.url === "/missing") res.writeHead(404).end("no");
      else res.write("slow…"); // never ends
    });
    const big = await safeFetch(`http://127.0.0.1:${port}/big`, { ...base, maxBytes: 1000, policy: loopbackOpen });
    expect(big.body.length).toBe(1000);
    expect(big.truncated).toBe(true);
    await expect(safeFetch(`http://127.0.0.1:${port}/missing`, { ...base, policy: loopbackOpen })).rejects.toThrow(/HTTP 404/);
    const slow = safeFetch(`http://127.0.0.1:${port}/slow`, { ...base, timeoutMs: 300, policy: loopbackOpen });
    await expect(slow).rejects.toBeInstanceOf(FetchFailedError);
    await expect(slow).rejects.toThrow(/within 0.3 s/);
  });
});

describe("createPinnedFetch", () => {
  it("serves only its own origin", async () => {
    const port = await serve((_req, res) => res.end("ok"));
    await expect(createPinnedFetch(new URL(`http://127.0.0.1:${port}/mcp`), closed)).rejects.toBeInstanceOf(FetchRefusedError);
    const pinned = await createPinnedFetch(new URL(`http://127.0.0.1:${port}/mcp`), loopbackOpen);
    try {
      expect(await (await pinned.fetch(`http://127.0.0.1:${port}/mcp`, { method: "POST", body: "{}" })).text()).toBe("ok");
      await expect(pinned.fetch("http://169.254.169.254/")).rejects.toBeInstanceOf(FetchRefusedError);
      expect(pinned.allowlisted).toBe(true);
    } finally {
      await pinned.close();
    }
  });
});
