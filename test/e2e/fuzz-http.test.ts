/**
 * HTTP fuzzing: well over a thousand hostile requests per run against every route — mutated and
 * malformed JSON, wrong types, huge and odd strings, bad content types, headers, paths and query
 * strings — from a seeded generator (the seed is printed; set FUZZ_SEED to replay a run).
 * No answer may be a 5xx, every 400 must name what it refused, and a legitimate bot in a meeting
 * keeps hearing and answering throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SeededRandom } from "../../src/util/testing/seeded-random.js";
import { type FuzzRig, HOSTILE_STRINGS, type LegitBot, keysOf, mutateBody, randomJsonValue, startFuzzRig, startLegitBot } from "./fuzz-support.js";

const REQUESTS = 1200;

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** Names a 400 may cite: the body's keys, query and header names, path parameters. */
  fields: Set<string>;
}

const WHERE = ["body", "querystring", "query", "params", "param", "header", "path", "json", "url", "content-type"];
const MEETING_URLS = [
  "https://meet.google.com/abc-defg-hij", "https://teams.microsoft.com/l/meetup-join/abc", "https://us02web.zoom.us/j/85123456789?pwd=x",
  "https://teams.microsoft.com/meet/25612345678?p=x", "local:fuzz-room",
];
const CONTENT_TYPES = [
  "application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
  "application/json; charset=utf-16", "a/b/c", "", "application/xml", "application/json;;;",
];

function segment(random: SeededRandom): string {
  const raw = random.pick([...HOSTILE_STRINGS.slice(0, 60), "interviewer", "storyteller", "lobby", "x", "meet.js", "a".repeat(3000)]);
  return random.chance(0.8) ? encodeSafely(raw) : raw.replace(/[\s#?]/g, "");
}

/** encodeURIComponent, except for lone surrogates it cannot encode (those go raw). */
function encodeSafely(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

function queryString(random: SeededRandom): string {
  if (!random.chance(0.3)) return "";
  const pairs = Array.from({ length: random.int(1, 4) }, () => {
    const name = random.pick(["token", "t", "name", "__proto__", "constructor[prototype]", "a", "room", "x".repeat(500)]);
    const value = random.chance(0.5) ? encodeSafely(random.pick(HOSTILE_STRINGS)) : random.pick(["%", "%zz", "1", "", "a&b"]);
    return `${name}=${value}`;
  });
  return `?${pairs.join("&")}`;
}

function json(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

/** The next hostile request; `created` holds ids of bots the fuzzing launched, for DELETE and GET. */
function nextRequest(random: SeededRandom, created: string[]): FuzzRequest {
  const route = random.int(0, 16);
  let method = "GET";
  let path = "/";
  let body: unknown;
  const params: string[] = [];
  const someBot = () => (created.length && random.chance(0.5) ? random.pick(created) : segment(random));
  switch (route) {
    case 0:
    case 1:
    case 2:
      method = "POST";
      path = "/bots";
      body = mutateBody(random, {
        meeting_url: random.pick(MEETING_URLS),
        personas: [random.pick(["interviewer", "storyteller", "nope", "../x"])],
        bot_name: random.pick(["Fuzz", "中文", "a\nb"]),
        entry_message: "Hi.",
        streaming_audio_frequency: random.pick(["16khz", "24khz"]),
        ...(random.chance(0.2) ? { prompt: "You are a careful tester." } : {}),
        ...(random.chance(0.2) ? { websocket_url: random.pick(["wss://bots.example.com", "ws://[", "wss://u:p@h", "ws://h/?q"]) } : {}),
        ...(random.chance(0.2) ? { bot_image: random.pick(["https://h/a.png", "file:///a.png", "javascript:x", "data:image/png;base64,AA"]) } : {}),
      });
      // Most fuzzed bots must stay cheap: only a few carry a valid body unchanged.
      if (random.chance(0.7)) (body as Record<string, unknown>)[random.pick(["meeting_url", "personas", "enable_tools"])] = randomJsonValue(random);
      break;
    case 3:
      method = "DELETE";
      path = `/bots/${someBot()}`;
      params.push("bot_id");
      if (random.chance(0.3)) body = randomJsonValue(random);
      break;
    case 4:
      path = random.chance(0.5) ? "/bots" : `/bots/${someBot()}`;
      params.push("bot_id");
      break;
    case 5:
      method = "POST";
      path = "/personas";
      body = mutateBody(random, { description: "A calm facilitator who keeps meetings on time and summarises decisions." });
      break;
    case 6:
      method = "POST";
      path = "/personas/generate-image";
      body = mutateBody(random, { name: random.pick(["Ada", "李白", "🤖"]), description: "A friendly robot", gender: "female", characteristics: ["kind"] });
      break;
    case 7:
      path = random.chance(0.3) ? "/personas" : `/personas/${segment(random)}`;
      params.push("name");
      break;
    case 8:
      path = `/persona-images/${segment(random)}`;
      params.push("file");
      break;
    case 9:
      method = "POST";
      path = `/webhook${random.chance(0.5) ? `?token=${segment(random)}` : ""}`;
      body = mutateBody(random, { event: random.pick(["bot.status_change", "failed", "complete", "bot.failed"]), data: { bot_id: someBot(), status: { code: "call_ended" }, error: "x" } });
      break;
    case 10:
      path = `/meet/${segment(random)}`;
      params.push("room");
      break;
    case 11:
      method = "POST";
      path = "/meet/rooms";
      body = random.chance(0.5) ? { room: random.pick(HOSTILE_STRINGS) } : randomJsonValue(random);
      break;
    case 12:
      path = `/meet/${segment(random)}/ws`;
      params.push("room");
      break;
    case 13:
      method = random.pick(["POST", "DELETE"]);
      path = method === "POST" ? "/local-meetings/api/bots" : `/local-meetings/api/bots/${segment(random)}`;
      body = { meeting_url: "local:x", bot_name: "x", streaming: { output: "ws://127.0.0.1:1/ws/x" }, webhook_url: "http://127.0.0.1:1/" };
      break;
    case 14:
      path = `/web/${random.pick(["meet.js", "../package.json", "%2e%2e/%2e%2e/package.json", "..%2F..%2Fpackage.json", segment(random)])}`;
      break;
    case 15:
      path = random.pick(["/", "/health", "/metrics", "/docs", "/docs/", "/openapi.json", "/docs/static/index.html"]);
      if (path === "/openapi.json" && random.chance(0.9)) path = "/health";
      break;
    default:
      method = random.pick(["PUT", "PATCH", "OPTIONS", "HEAD", "TRACE", "GET", "POST"]);
      path = random.pick(["/bots", "/personas", "/webhook", "/ws/x", "/pipecat/x", "//bots", "/bots/", `/${segment(random)}`, "/%2e%2e/"]);
      if (random.chance(0.5)) body = randomJsonValue(random);
  }
  const headers: Record<string, string> = {};
  let payload: string | Buffer | undefined;
  if (body !== undefined) {
    headers["content-type"] = random.chance(0.85) ? "application/json" : random.pick(CONTENT_TYPES);
    payload = json(body);
    if (random.chance(0.08)) payload = payload.slice(0, random.int(0, payload.length));
    if (random.chance(0.04)) payload = random.bytes(random.int(1, 2000));
    if (random.chance(0.02)) payload = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
  }
  if (random.chance(0.25)) {
    for (let i = random.int(1, 3); i > 0; i--) {
      const name = random.pick(["x-forwarded-host", "x-forwarded-proto", "x-forwarded-for", "origin", "x-meeting-baas-api-key", "authorization", "accept", "svix-id", "svix-timestamp", "svix-signature", "x-local-meetings-secret", "host"]);
      headers[name] = random.pick(["[", "a b", "gopher", "https", "null", "https://evil.example", "127.0.0.1", "Bearer x", "v1,AAAA", "9999999999", "x".repeat(4000), "h:99999", "é"]);
    }
  }
  const url = `${path}${queryString(random)}`;
  const fields = keysOf(body);
  for (const name of [...Object.keys(headers), ...params]) fields.add(name);
  for (const pair of url.split("?")[1]?.split("&") ?? []) fields.add(decodeSafely(pair.split("=")[0] ?? ""));
  return { method, url, headers, payload, fields };
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `meeting_url: …`, `personas.0: …`, `querystring token: …`, `header x-forwarded-host: …`, `body: …` */
const FIELD_PREFIX = /(^|; )((body|querystring|params|headers?) )?[A-Za-z_][\w.-]*: /;

/** Whether a 400's answer names the field it refused (by its path, or one the request sent), or where it looked. */
function namesField(bodyText: string, fields: Set<string>): boolean {
  let text = bodyText;
  try {
    const answer = JSON.parse(bodyText) as Record<string, unknown>;
    text = [answer.message, answer.details, answer.error, answer.detail].map((part) => (typeof part === "string" ? part : JSON.stringify(part ?? ""))).join(" ");
  } catch {
    // A non-JSON answer is judged on its raw text.
  }
  if (FIELD_PREFIX.test(text)) return true;
  const lower = text.toLowerCase();
  return [...WHERE, ...[...fields].filter((field) => field.length > 1)].some((field) => lower.includes(field.toLowerCase()));
}

describe("HTTP fuzzing", () => {
  let rig: FuzzRig;
  let legit: LegitBot;
  beforeAll(async () => {
    rig = await startFuzzRig();
    legit = await startLegitBot(rig);
  }, 60_000);
  afterAll(() => rig?.close());

  it(`answers ${REQUESTS} hostile requests without a 5xx, names the field of every 400, and the legitimate bot keeps talking`, async () => {
    const random = SeededRandom.fromEnvironment();
    const started = performance.now();
    const created: string[] = [];
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    let sent = 0;
    let refusedByClient = 0;
    // The legitimate bot is asked a question while the fuzzing runs.
    const talking = legit.provesItTalks().then(
      () => undefined,
      (error: unknown) => error,
    );
    while (sent < REQUESTS) {
      const request = nextRequest(random, created);
      let response: Awaited<ReturnType<typeof rig.server.app.inject>>;
      try {
        response = await rig.server.app.inject({ method: request.method as "GET", url: request.url, headers: request.headers, payload: request.payload });
      } catch (error) {
        // The test client itself refused to build the request (e.g. a header it cannot send).
        refusedByClient += 1;
        if (refusedByClient > REQUESTS / 10) throw error;
        continue;
      }
      sent += 1;
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const where = `${request.method} ${request.url.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 200)} body=${String(request.payload ?? "").slice(0, 200)}`;
      if (response.statusCode >= 500) problems.push(`${response.statusCode} for ${where}: ${response.body.slice(0, 300)}`);
      // A HEAD answer has no body by definition; its GET twin is checked instead.
      else if (response.statusCode === 400 && request.method !== "HEAD" && !namesField(response.body, request.fields)) problems.push(`400 naming no field for ${where}: ${response.body.slice(0, 300)}`);
      if (request.method === "POST" && request.url.startsWith("/bots") && response.statusCode === 201) created.push((response.json() as { bot_id: string }).bot_id);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `HTTP fuzz: FUZZ_SEED=${random.seed}, ${sent} requests in ${seconds} s (${refusedByClient} not sendable), ${created.length} bots launched, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(problems.slice(0, 20)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(1000);

    expect(await talking).toBeUndefined();
    expect(await legit.healthy()).toBe(true);
    const health = await fetch(`${rig.server.url}/health`);
    expect(health.status).toBe(200);
  }, 180_000);
});
