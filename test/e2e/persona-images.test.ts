/**
 * Persona images that last: generated through a local stand-in for Replicate (or drawn offline),
 * stored either in the server's data directory or on a local stand-in for UploadThing, served at a
 * stable URL that survives a restart, recorded in the persona, and sent as the MeetingBaas bot's
 * picture.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { personaImageServices } from "../../src/personas/images/image-services.js";
import { recordPersonaImage } from "../../src/personas/images/record-persona-image.js";
import { encodeUploadThingToken } from "../../src/personas/images/uploadthing-credentials.js";
import { parsePersonaReadme } from "../../src/personas/persona-markdown.js";
import { PersonaStore } from "../../src/personas/persona-store.js";
import { FakeReplicate, TINY_PNG } from "../../src/personas/testing/fake-replicate.js";
import { FakeUploadThing } from "../../src/personas/testing/fake-uploadthing.js";
import { type RunningServer, SHIPPED_PERSONAS_DIR } from "../../src/server/start.js";
import { json, startTestServer } from "./helpers.js";

const PUBLIC_BASE = "https://bots.example.test";
const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A server closed at the end of the test unless the test closed it already. */
async function server(env: Record<string, string>): Promise<RunningServer> {
  const running = await startTestServer(env);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= running.close();
    return closing;
  };
  cleanup.push(close);
  return { ...running, close };
}

async function started<T extends { start(): Promise<string>; stop(): Promise<void> }>(fake: T): Promise<T> {
  await fake.start();
  cleanup.push(() => fake.stop());
  return fake;
}

const generate = (running: RunningServer, body: unknown) =>
  fetch(`${running.url}/personas/generate-image`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("persona images", () => {
  it("stores a Replicate picture in the data directory and serves it at a stable URL, also after a restart", async () => {
    const replicate = await started(new FakeReplicate());
    const dataDir = tempDir("images-data-");
    const env = { DATA_DIR: dataDir, REPLICATE_API_TOKEN: "r8_test", REPLICATE_API_URL: replicate.url, REPLICATE_DELIVERY_URL: replicate.url, BASE_URL: PUBLIC_BASE };
    const first = await server(env);
    const created = await generate(first, { name: "Ada Lovelace", description: "A mathematician who explains engines", gender: "female" });
    expect(created.status).toBe(201);
    const answer = await json(created);
    expect(answer).toMatchObject({ name: "Ada Lovelace", persona_key: "ada_lovelace", storage: "local", source: "replicate", content_type: "image/png", public: true });
    expect(String(answer.stored_url)).toMatch(/^\/persona-images\/ada_lovelace-[0-9a-f]{10}\.png$/);
    expect(answer.image_url).toBe(`${PUBLIC_BASE}${answer.stored_url}`);
    expect(Date.parse(String(answer.generated_at))).toBeGreaterThan(Date.now() - 60_000);

    const fetchImage = async (running: RunningServer) => {
      const response = await fetch(`${running.url}${answer.stored_url}`);
      return { status: response.status, type: response.headers.get("content-type"), cache: response.headers.get("cache-control"), bytes: Buffer.from(await response.arrayBuffer()) };
    };
    expect(await fetchImage(first)).toMatchObject({ status: 200, type: "image/png", cache: expect.stringMatching(/max-age=31536000.*immutable/), bytes: TINY_PNG });
    for (const probe of ["/persona-images/..%2Fbots.sqlite", "/persona-images/.hidden.png", "/persona-images/a.png.partial", "/persona-images/nothing-0000000000.png"]) {
      expect((await fetch(`${first.url}${probe}`)).status, probe).toBe(404);
    }
    await first.close();

    const second = await server(env);
    expect(await fetchImage(second)).toMatchObject({ status: 200, type: "image/png", bytes: TINY_PNG });
  });

  it("says when the stored picture has no public address, and refuses a wrong-type download with a clear error", async () => {
    const replicate = await started(new FakeReplicate({ image: { bytes: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), contentType: "image/svg+xml" } }));
    const dataDir = tempDir("images-data-");
    const drawn = await server({ DATA_DIR: dataDir });
    const answer = await json(await generate(drawn, { name: "Grace", description: "A naval officer and programmer" }));
    expect(answer).toMatchObject({ storage: "local", source: "drawn", content_type: "image/svg+xml", public: false, message: expect.stringMatching(/BASE_URL/) });
    expect(answer.image_url).toBe(answer.stored_url);
    const svg = await fetch(`${drawn.url}${answer.image_url}`);
    expect(svg.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(svg.headers.get("content-security-policy")).toMatch(/sandbox/);

    const refusing = await server({ DATA_DIR: tempDir("images-data-"), REPLICATE_API_TOKEN: "r8_test", REPLICATE_API_URL: replicate.url, REPLICATE_DELIVERY_URL: replicate.url });
    const refused = await generate(refusing, { name: "Grace", description: "A naval officer and programmer" });
    expect(refused.status).toBe(502);
    expect(await json(refused)).toMatchObject({ code: "PROVIDER_REJECTED", reason: "wrong_type", message: expect.stringMatching(/only PNG, JPEG and WebP/) });
  });

  it("stores pictures on UploadThing when it is configured", async () => {
    const uploadThing = await started(new FakeUploadThing());
    const dataDir = tempDir("images-data-");
    const running = await server({
      DATA_DIR: dataDir,
      UPLOADTHING_TOKEN: encodeUploadThingToken({ apiKey: uploadThing.apiKey, appId: uploadThing.appId }),
      UPLOADTHING_API_URL: uploadThing.url,
    });
    const answer = await json(await generate(running, { name: "Grace Hopper", description: "A naval officer and programmer" }));
    expect(answer).toMatchObject({ storage: "uploadthing", source: "drawn", public: true });
    expect(String(answer.image_url)).toMatch(new RegExp(`^${uploadThing.url}/f/[A-Za-z0-9_-]+$`));
    const served = await fetch(String(answer.image_url));
    expect(served.headers.get("content-type")).toBe("image/svg+xml");
    expect(await served.text()).toMatch(/^<svg/);
    expect(readdirSync(dataDir).includes("persona-images") ? readdirSync(join(dataDir, "persona-images")) : []).toEqual([]);
  });

  it("records the stored image in the persona and sends it as the MeetingBaas bot's picture", async () => {
    const baas = await started(new FakeMeetingBaas());
    const dataDir = tempDir("images-data-");
    const personasDir = tempDir("images-personas-");
    cpSync(join(SHIPPED_PERSONAS_DIR, "interviewer"), join(personasDir, "interviewer"), { recursive: true });
    const env = { DATA_DIR: dataDir, PERSONAS_DIR: personasDir };
    // What `speaking-bots personas image interviewer` does, with the same configuration.
    const { image } = await recordPersonaImage(await new PersonaStore([SHIPPED_PERSONAS_DIR, personasDir]).load(), "interviewer", personaImageServices(loadConfig(env)));
    const readme = parsePersonaReadme(readFileSync(join(personasDir, "interviewer", "README.md"), "utf8"), "interviewer", "x");
    expect(readme.metadata.image).toBe(image.image_url);
    expect(image.image_url).toMatch(/^\/persona-images\/interviewer-[0-9a-f]{10}\.svg$/);

    const running = await server({ ...env, BASE_URL: PUBLIC_BASE, MEETING_BAAS_API_URL: baas.url });
    const created = await fetch(`${running.url}/bots`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-meeting-baas-api-key": "test-key" },
      // The stand-in dials our loopback stream; the picture is still given at the public address.
      body: JSON.stringify({ meeting_url: "https://meet.google.com/abc-defg-hij", personas: ["interviewer"], websocket_url: running.url.replace(/^http/, "ws") }),
    });
    expect(created.status).toBe(201);
    expect(baas.requests[0]?.body).toMatchObject({ bot_name: "Interviewer", bot_image: `${PUBLIC_BASE}${image.image_url}` });
    expect((await fetch(`${running.url}${image.image_url}`)).status).toBe(200);
  });
});
