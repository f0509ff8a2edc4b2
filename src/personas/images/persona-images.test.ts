import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { botImageUrl } from "../../bots/bot-image.js";
import { AppError } from "../../core/errors.js";
import { parsePersonaReadme } from "../persona-markdown.js";
import { type PersonaImageServices, generatePersonaImage } from "../persona-images.js";
import { PersonaStore } from "../persona-store.js";
import { FakeReplicate, TINY_PNG } from "../testing/fake-replicate.js";
import { FakeUploadThing } from "../testing/fake-uploadthing.js";
import { type DownloadPolicy, downloadImage, replicateDeliveryPolicy } from "./image-download.js";
import { personaImageServices } from "./image-services.js";
import { LocalImageStore } from "./local-image-store.js";
import { describeImage, isPublicBase } from "./public-image-url.js";
import { recordPersonaImage } from "./record-persona-image.js";
import { rehostPersonaImages } from "./rehost-images.js";
import { encodeUploadThingToken, uploadThingCredentials } from "./uploadthing-credentials.js";
import { UploadThingImageStore } from "./uploadthing-store.js";

const SHIPPED = join(import.meta.dirname, "../../../personas");
const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function replicate(options: ConstructorParameters<typeof FakeReplicate>[0] = {}): Promise<FakeReplicate> {
  const fake = new FakeReplicate(options);
  await fake.start();
  cleanup.push(() => fake.stop());
  return fake;
}

async function uploadThing(options: ConstructorParameters<typeof FakeUploadThing>[0] = {}): Promise<FakeUploadThing> {
  const fake = new FakeUploadThing(options);
  await fake.start();
  cleanup.push(() => fake.stop());
  return fake;
}

function services(fake: FakeReplicate, store: PersonaImageServices["store"], directory: string, limits: { maxBytes?: number } = {}): PersonaImageServices {
  return {
    directory,
    store,
    replicate: { token: "r8_test", apiUrl: fake.url, pollIntervalMs: 10 },
    downloads: replicateDeliveryPolicy(fake.url, limits),
  };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const REQUEST = { name: "Ada Lovelace", description: "a mathematician", gender: "female" as const, characteristics: ["curious"] };

describe("Replicate pictures stored durably", () => {
  it("keeps a Replicate picture in the data directory under the persona's key", async () => {
    const fake = await replicate();
    const dir = tempDir("images-");
    const result = await generatePersonaImage(REQUEST, services(fake, new LocalImageStore(dir), dir));
    expect(result).toMatchObject({ persona_key: "ada_lovelace", storage: "local", source: "replicate", content_type: "image/png" });
    expect(result.image_url).toMatch(/^\/persona-images\/ada_lovelace-[0-9a-f]{10}\.png$/);
    expect(readFileSync(join(dir, result.image_url.split("/").at(-1) ?? ""))).toEqual(TINY_PNG);
    expect(fake.requests[0]).toMatchObject({ method: "POST", path: "/v1/models/black-forest-labs/flux-schnell/predictions", authorization: "Bearer r8_test", prefer: "wait" });
    expect(JSON.stringify(fake.requests[0]?.body)).toMatch(/Ada Lovelace.*female.*mathematician.*curious/);
    expect(fake.downloads).toHaveLength(1);
  });

  it("polls a prediction Replicate has not finished within Prefer: wait", async () => {
    const fake = await replicate({ processingPolls: 2 });
    const dir = tempDir("images-");
    const result = await generatePersonaImage(REQUEST, services(fake, new LocalImageStore(dir), dir));
    expect(result.image_url).toMatch(/\.png$/);
    expect(fake.requests.map((r) => r.method)).toEqual(["POST", "GET", "GET"]);
    expect(fake.requests[1]?.path).toMatch(/^\/v1\/predictions\/[a-z0-9]+$/);
  });

  it("reports a failed prediction and a refused token", async () => {
    const dir = tempDir("images-");
    const failing = await replicate({ failWith: "NSFW content detected" });
    expect((await refusal(generatePersonaImage(REQUEST, services(failing, new LocalImageStore(dir), dir)))).message).toMatch(/NSFW content detected/);
    const locked = await replicate({ token: "r8_other" });
    expect((await refusal(generatePersonaImage(REQUEST, services(locked, new LocalImageStore(dir), dir)))).message).toMatch(/HTTP 401/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("uploads to UploadThing's API and answers with the file's ufsUrl", async () => {
    const fake = await replicate();
    const ut = await uploadThing();
    const store = new UploadThingImageStore({ apiKey: ut.apiKey, appId: ut.appId, regions: [] }, ut.url);
    const result = await generatePersonaImage(REQUEST, services(fake, store, tempDir("images-")));
    expect(result).toMatchObject({ storage: "uploadthing", content_type: "image/png" });
    expect(ut.prepared[0]).toMatchObject({
      apiKey: ut.apiKey,
      body: { fileName: expect.stringMatching(/^ada_lovelace-[0-9a-f]{10}\.png$/), fileSize: TINY_PNG.length, fileType: "image/png", contentDisposition: "inline" },
    });
    expect(result.image_url).toMatch(new RegExp(`^${ut.url}/f/[A-Za-z0-9_-]+$`));
    const served = await fetch(result.image_url);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await served.arrayBuffer())).toEqual(TINY_PNG);
  });

  it("says what UploadThing answered when it refuses", async () => {
    const wrongKey = await uploadThing();
    const store = new UploadThingImageStore({ apiKey: "sk_live_not_the_key", appId: "x", regions: [] }, wrongKey.url);
    const put = store.put({ personaKey: "ada", bytes: TINY_PNG, type: "image/png" });
    expect((await refusal(put)).message).toMatch(/UploadThing refused to prepare the upload: HTTP 401: Invalid API key/);
    const unreachable = new UploadThingImageStore({ apiKey: "sk_live_x", appId: "x", regions: [] }, "http://127.0.0.1:9");
    expect(await refusal(unreachable.put({ personaKey: "ada", bytes: TINY_PNG, type: "image/png" }))).toMatchObject({ code: "PROVIDER_UNREACHABLE" });
  });
});

describe("downloads of generated pictures", () => {
  const policy = (fake: FakeReplicate, maxBytes?: number): DownloadPolicy => replicateDeliveryPolicy(fake.url, { maxBytes });

  it("refuses an SVG or a file whose bytes are not what its type claims, and stores nothing", async () => {
    const dir = tempDir("images-");
    const svg = await replicate({ image: { bytes: SVG, contentType: "image/svg+xml" } });
    const wrongType = await refusal(generatePersonaImage(REQUEST, services(svg, new LocalImageStore(dir), dir)));
    expect(wrongType).toMatchObject({ code: "PROVIDER_REJECTED", status: 502, details: { reason: "wrong_type" } });
    expect(wrongType.message).toMatch(/is image\/svg\+xml; only PNG, JPEG and WebP are accepted/);
    const disguised = await replicate({ image: { bytes: Buffer.from("<html>hello</html>"), contentType: "image/png" } });
    const lie = await refusal(generatePersonaImage(REQUEST, services(disguised, new LocalImageStore(dir), dir)));
    expect(lie.message).toMatch(/claims to be image\/png but its content is not an image/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a file over the cap, whether or not its size is announced", async () => {
    const big = Buffer.concat([TINY_PNG, Buffer.alloc(50_000)]);
    for (const chunked of [false, true]) {
      const fake = await replicate({ image: { bytes: big, contentType: "image/png" }, chunked });
      expect((await refusal(downloadImage(fake.finishedPrediction(), policy(fake, 10_000)))).details).toMatchObject({ reason: "too_large" });
      const dir = tempDir("images-");
      const error = await refusal(generatePersonaImage(REQUEST, services(fake, new LocalImageStore(dir), dir, { maxBytes: 10_000 })));
      expect(error).toMatchObject({ details: { reason: "too_large" } });
      expect(error.message).toMatch(/larger than 10000 bytes/);
    }
  });

  it("fetches only https from replicate.delivery and its subdomains, rechecking redirects", async () => {
    const production = replicateDeliveryPolicy();
    expect(production.allows(new URL("https://replicate.delivery/xezq/a/out-0.png"))).toBe(true);
    expect(production.allows(new URL("https://pbxt.replicate.delivery/a/out-0.webp"))).toBe(true);
    expect(production.allows(new URL("http://replicate.delivery/a.png"))).toBe(false);
    expect(production.allows(new URL("https://replicate.delivery.example.com/a.png"))).toBe(false);
    expect(production.allows(new URL("https://replicate.delivery:8443/a.png"))).toBe(false);
    expect(production.allows(new URL("https://127.0.0.1/a.png"))).toBe(false);
    expect((await refusal(downloadImage("http://127.0.0.1:9/a.png", production))).details).toMatchObject({ reason: "host_not_allowed" });

    const redirecting: Server = createServer((_req, res) => res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => redirecting.close(resolve)));
    const origin = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
    const error = await refusal(downloadImage(`${origin}/a.png`, replicateDeliveryPolicy(origin)));
    expect(error.message).toMatch(/Refusing to download the image from http:\/\/169\.254\.169\.254/);
  });

  it("gives up on a server that never answers", async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => {
      silent.closeAllConnections();
      return new Promise((resolve) => silent.close(resolve));
    });
    const origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const error = await refusal(downloadImage(`${origin}/a.png`, replicateDeliveryPolicy(origin, { timeoutMs: 300 })));
    expect(error).toMatchObject({ details: { reason: "timeout" } });
  });
});

describe("UploadThing credentials", () => {
  it("reads the current token and the older UTFS_KEY and APP_ID pair", () => {
    const token = encodeUploadThingToken({ apiKey: "sk_live_abcdef123", appId: "app1", regions: ["sea1"] });
    expect(uploadThingCredentials({ UPLOADTHING_TOKEN: token })).toEqual({ apiKey: "sk_live_abcdef123", appId: "app1", regions: ["sea1"] });
    expect(uploadThingCredentials({ UTFS_KEY: "sk_live_older", APP_ID: "app2" })).toEqual({ apiKey: "sk_live_older", appId: "app2", regions: [] });
    expect(uploadThingCredentials({})).toBeUndefined();
  });

  it("refuses a malformed token without repeating it, and APP_ID without its key", () => {
    expect(() => uploadThingCredentials({ UPLOADTHING_TOKEN: "sk_live_secretvalue" })).toThrow(/UPLOADTHING_TOKEN is not an UploadThing token/);
    expect(() => uploadThingCredentials({ UPLOADTHING_TOKEN: "sk_live_secretvalue" })).not.toThrow(/secretvalue/);
    expect(() => uploadThingCredentials({ APP_ID: "app" })).toThrow(/UTFS_KEY/);
  });

  it("chooses UploadThing when configured, else the data directory", () => {
    const base = { DATA_DIR: "/tmp/x", REPLICATE_API_TOKEN: undefined, REPLICATE_API_URL: "https://api.replicate.com", REPLICATE_DELIVERY_URL: undefined, UPLOADTHING_API_URL: "https://api.uploadthing.com" };
    expect(personaImageServices({ ...base, UPLOADTHING_TOKEN: undefined, UTFS_KEY: undefined, APP_ID: undefined }).store.kind).toBe("local");
    expect(personaImageServices({ ...base, UPLOADTHING_TOKEN: undefined, UTFS_KEY: "sk_live_k", APP_ID: "a" }).store.kind).toBe("uploadthing");
  });
});

describe("where a stored picture can be fetched from", () => {
  it("makes a stored path absolute with a public base, and says when there is none", () => {
    expect(isPublicBase("https://bots.example.com")).toBe(true);
    expect(isPublicBase("http://127.0.0.1:7014")).toBe(false);
    expect(isPublicBase("http://localhost:7014")).toBe(false);
    expect(isPublicBase("http://10.0.0.5")).toBe(false);
    expect(isPublicBase("http://[::1]:7014")).toBe(false);
    expect(describeImage("/persona-images/a-0123456789.png", "https://bots.example.com/")).toEqual({ image_url: "https://bots.example.com/persona-images/a-0123456789.png", public: true });
    const hidden = describeImage("/persona-images/a-0123456789.png", undefined);
    expect(hidden).toMatchObject({ image_url: "/persona-images/a-0123456789.png", public: false, message: expect.stringMatching(/BASE_URL/) });
    expect(describeImage("https://app.ufs.sh/f/k", undefined)).toEqual({ image_url: "https://app.ufs.sh/f/k", public: true });
  });

  it("gives the meeting provider the stored image at the address it reaches us", () => {
    const path = "/persona-images/ada-0123456789.png";
    const viaBase = { base: "wss://bots.example.com", source: "BASE_URL" };
    expect(botImageUrl({ requested: undefined, personaImage: path, streamBase: viaBase, publicBase: "https://bots.example.com", local: false })).toBe(`https://bots.example.com${path}`);
    expect(botImageUrl({ requested: "https://img.example/me.png", personaImage: path, streamBase: viaBase, publicBase: undefined, local: false })).toBe("https://img.example/me.png");
    const relay = { base: "wss://relay.example.net", source: "request" };
    expect(botImageUrl({ requested: undefined, personaImage: path, streamBase: relay, publicBase: "https://bots.example.com", local: false })).toBe(`https://bots.example.com${path}`);
    const loopback = { base: "ws://127.0.0.1:7014", source: "headers" };
    expect(botImageUrl({ requested: undefined, personaImage: path, streamBase: loopback, publicBase: undefined, local: false })).toBeUndefined();
    expect(botImageUrl({ requested: undefined, personaImage: path, streamBase: loopback, publicBase: undefined, local: true })).toBe(`http://127.0.0.1:7014${path}`);
    expect(botImageUrl({ requested: undefined, personaImage: "https://app.ufs.sh/f/k", streamBase: loopback, publicBase: undefined, local: false })).toBe("https://app.ufs.sh/f/k");
  });
});

describe("recording and re-hosting persona images", () => {
  function personaDir(): string {
    const dir = tempDir("personas-");
    cpSync(join(SHIPPED, "interviewer"), join(dir, "interviewer"), { recursive: true });
    return dir;
  }

  it("writes the durable URL into the persona's README, for each kind of storage", async () => {
    const fake = await replicate();
    const ut = await uploadThing();
    const imageDir = tempDir("images-");
    for (const store of [new LocalImageStore(imageDir), new UploadThingImageStore({ apiKey: ut.apiKey, appId: ut.appId, regions: [] }, ut.url)]) {
      const dir = personaDir();
      const personas = await new PersonaStore([dir]).load();
      const { image, folder } = await recordPersonaImage(personas, "interviewer", services(fake, store, imageDir));
      const written = parsePersonaReadme(readFileSync(join(folder, "README.md"), "utf8"), "interviewer", "x");
      expect(written.metadata.image).toBe(image.image_url);
      expect(written.metadata.image).toMatch(store.kind === "local" ? /^\/persona-images\/interviewer-[0-9a-f]{10}\.png$/ : new RegExp(`^${ut.url}/f/`));
      expect((await new PersonaStore([dir]).load()).get("interviewer").metadata.image).toBe(image.image_url);
    }
  });

  it("re-hosts images still on the provider's expiring host, and reports those already gone", async () => {
    const fake = await replicate();
    const imageDir = tempDir("images-");
    const live = services(fake, new LocalImageStore(imageDir), imageDir);
    // Recorded as is by an older version: the output URL of a finished prediction.
    const expiring = fake.finishedPrediction();
    const dir = personaDir();
    cpSync(join(dir, "interviewer"), join(dir, "gone"), { recursive: true });
    const readme = (key: string) => join(dir, key, "README.md");
    writeFileSync(readme("interviewer"), readFileSync(readme("interviewer"), "utf8").replace(/^- image:.*$/m, `- image: ${expiring}`));
    writeFileSync(readme("gone"), readFileSync(readme("gone"), "utf8").replace(/^- image:.*$/m, `- image: ${fake.url}/xezq/deleted/out-0.png`));

    const check = await rehostPersonaImages(dir, live, true);
    expect(check.map((r) => [r.file.split("/").at(-2), r.status])).toEqual([["gone", "would-rehost"], ["interviewer", "would-rehost"]]);
    const results = await rehostPersonaImages(dir, live, false);
    const byKey = Object.fromEntries(results.map((r) => [r.file.split("/").at(-2), r]));
    expect(byKey.interviewer).toMatchObject({ status: "rehosted", from: expiring, to: expect.stringMatching(/^\/persona-images\/interviewer-[0-9a-f]{10}\.png$/) });
    expect(parsePersonaReadme(readFileSync(readme("interviewer"), "utf8"), "interviewer", "x").metadata.image).toBe(byKey.interviewer?.to);
    expect(byKey.gone).toMatchObject({ status: "failed", detail: expect.stringMatching(/HTTP 404.*personas image gone/) });
    expect(await rehostPersonaImages(dir, live, true)).toEqual([expect.objectContaining({ status: "would-rehost", file: readme("gone") })]);
  });
});
