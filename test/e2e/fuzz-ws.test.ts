/**
 * WebSocket fuzzing: over a thousand hostile frames and sessions per run, from a seeded generator
 * (the seed is printed; set FUZZ_SEED to replay): provider streams `/ws/<id>` with live and unknown
 * ids, built-in room sockets with and without their token and from foreign pages, and `/pipecat/`
 * with unknown ids. Frames are random binary of odd and huge lengths, broken and hostile JSON,
 * invalid UTF-8 and abrupt disconnects. No upgrade may fail with a 5xx, no connection may end with
 * an internal-error close, the process must not crash, and a legitimate bot keeps talking.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SeededRandom } from "../../src/util/testing/seeded-random.js";
import { encodable, type FuzzRig, HOSTILE_STRINGS, LEGIT_MEETING, type LegitBot, randomJsonValue, startFuzzRig, startLegitBot } from "./fuzz-support.js";
import { json, openRoom, roomSocketUrl } from "./helpers.js";

const TARGET = 1200;
/** Close codes a hostile session may get: normal, going away, no status, abnormal (our own terminate), unsupported data, bad UTF-8, policy, too big, and its own 4000 echoed. */
const ACCEPTABLE_CLOSES = new Set([1000, 1001, 1003, 1005, 1006, 1007, 1008, 1009, 4000]);

interface SessionResult {
  frames: number;
  /** The HTTP status that refused the upgrade, or 101. */
  status: number;
  closeCode: number | undefined;
}

function hostileFrame(random: SeededRandom): { data: Buffer | string; binary: boolean } {
  switch (random.int(0, 9)) {
    case 0:
      return { data: random.bytes(random.int(0, 64) * 2 + 1), binary: true };
    case 1:
      return { data: random.bytes(random.pick([0, 2, 320, 3200, 32_000, 32_002, 95_998])), binary: true };
    case 2:
      return { data: Buffer.alloc(random.int(1, 3) * 3200), binary: true };
    case 3:
      return { data: JSON.stringify(randomJsonValue(random)), binary: false };
    case 4:
      return {
        data: JSON.stringify({ protocol_version: random.pick([1, 2, -1, 1e9, "1", null]), bot_id: random.pick(HOSTILE_STRINGS), sample_rate: random.pick([0, 1, -16000, 16000, 1e12, "16000", null]) }),
        binary: false,
      };
    case 5:
      return {
        data: JSON.stringify(Array.from({ length: random.int(0, 50) }, () => ({ name: random.pick(HOSTILE_STRINGS), id: random.pick([1, -1, null, "x"]), isSpeaking: random.pick([true, "yes", null]), timestamp: random.pick([0, -1, 1e20, "now"]) }))),
        binary: false,
      };
    case 6:
      return { data: random.pick(["{", "[", "]", "null", "", "\u0000", `${"[".repeat(5000)}`, "x".repeat(90_000)]), binary: false };
    case 7:
      // Bytes that are not UTF-8, sent as a text frame.
      return { data: Buffer.from([0xff, 0xfe, 0xc0, 0x80, random.int(0, 255)]), binary: false };
    case 8:
      return { data: random.bytes(random.int(96_001, 120_000)), binary: true };
    default:
      return { data: random.bytes(random.int(1, 400)), binary: random.chance(0.5) };
  }
}

/** One session: dial, send hostile frames, leave politely or abruptly; resolves with what happened. */
function session(random: SeededRandom, url: string, origin: string | undefined): Promise<SessionResult> {
  const frames = random.int(0, 16);
  const abrupt = random.chance(0.2);
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { ...(origin ? { origin } : {}), handshakeTimeout: 5000, maxPayload: 1_000_000 });
    let sent = 0;
    let status = 0;
    const finish = (closeCode: number | undefined) => {
      clearTimeout(guard);
      resolve({ frames: sent, status, closeCode });
    };
    const guard = setTimeout(() => {
      socket.terminate();
      finish(undefined);
    }, 8000);
    socket.once("unexpected-response", (_request, response) => {
      status = response.statusCode ?? 0;
      socket.terminate();
      finish(undefined);
    });
    socket.on("error", () => undefined);
    socket.once("close", (code) => finish(status === 101 ? code : undefined));
    socket.once("open", () => {
      status = 101;
      for (let i = 0; i < frames && socket.readyState === WebSocket.OPEN; i++) {
        const frame = hostileFrame(random);
        socket.send(frame.data, { binary: frame.binary });
        sent += 1;
      }
      if (abrupt) socket.terminate();
      else setTimeout(() => socket.close(random.pick([1000, 1001, 4000])), random.int(0, 50));
    });
  });
}

describe("WebSocket fuzzing", () => {
  let rig: FuzzRig;
  let legit: LegitBot;
  const streams: string[] = [];
  let roomLink = "";

  beforeAll(async () => {
    rig = await startFuzzRig({ BOT_CONNECT_TIMEOUT_MS: "60000" });
    legit = await startLegitBot(rig);
    // Bots whose provider streams the fuzzing takes over: one of each engine.
    for (const extra of [{}, { recorder: true }, { pipeline: "pipecat" }]) {
      const created = await fetch(`${rig.server.url}/bots`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ meeting_url: LEGIT_MEETING, personas: ["storyteller"], ...extra }),
      });
      expect(created.status).toBe(201);
      streams.push(rig.baas.bot(((await created.json()) as { bot_id: string }).bot_id).streamUrl);
    }
    roomLink = await openRoom(rig.server, "fuzz-room");
  }, 60_000);
  // Closing waits for every bot (one recorder decoding what the fuzzing sent) to leave: slow on a busy machine.
  afterAll(() => rig?.close(), 120_000);

  it(`survives ${TARGET} hostile frames and sessions, and the legitimate bot keeps talking`, async () => {
    const random = SeededRandom.fromEnvironment();
    const strings = HOSTILE_STRINGS.filter(encodable);
    const base = rig.server.url.replace(/^http/, "ws");
    const started = performance.now();
    const problems: string[] = [];
    const closes = new Map<string, number>();
    let frames = 0;
    let sessions = 0;
    const talking = legit.provesItTalks().then(
      () => undefined,
      (error: unknown) => error,
    );
    while (frames + sessions < TARGET) {
      const kind = random.int(0, 9);
      let url: string;
      let origin: string | undefined;
      if (kind <= 3) url = random.pick(streams);
      else if (kind === 4) url = `${base}/ws/${encodeURIComponent(random.pick([...strings.slice(0, 30), "A".repeat(24), "x".repeat(3000)]))}`;
      else if (kind <= 7) {
        const name = random.chance(0.8) ? random.pick(["Ada", "中文", "Zoë"]) : random.pick(strings.slice(0, 40));
        url = roomSocketUrl(roomLink, name);
        if (random.chance(0.2)) url = url.replace(/&t=[^&]*/, random.pick(["", "&t=", "&t=AAAAAAAAAAAAAAAAAAAAAAAA", "&t=%00"]));
        if (random.chance(0.2)) origin = random.pick(["https://evil.example", "null", rig.server.url, "http://localhost:1"]);
      } else if (kind === 8) url = `${base}/pipecat/${encodeURIComponent(random.pick(["x", "A".repeat(24), "%00", "中"]))}`;
      else url = `${base}${random.pick(["/ws/", "/meet/fuzz-room/ws", "/meet/..%2f/ws?t=x", "/pipecat/", "/nowhere", "/ws/a/b"])}`;
      // A few sessions at once, as clients would arrive.
      const batch = await Promise.all(Array.from({ length: 3 }, () => session(random, url, origin)));
      for (const result of batch) {
        sessions += 1;
        frames += result.frames;
        const key = result.status === 101 ? `close ${result.closeCode ?? "none"}` : `http ${result.status}`;
        closes.set(key, (closes.get(key) ?? 0) + 1);
        if (result.status >= 500 || result.status === 0) problems.push(`${url.slice(0, 160)}: upgrade answered ${result.status}`);
        if (result.status === 101 && result.closeCode !== undefined && !ACCEPTABLE_CLOSES.has(result.closeCode)) {
          problems.push(`${url.slice(0, 160)}: closed with ${result.closeCode}`);
        }
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`WS fuzz: FUZZ_SEED=${random.seed}, ${frames} frames in ${sessions} sessions in ${seconds} s, outcomes ${JSON.stringify(Object.fromEntries([...closes].sort()))}`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(frames + sessions).toBeGreaterThanOrEqual(1000);

    expect(await talking).toBeUndefined();
    expect(await legit.healthy()).toBe(true);
    expect((await fetch(`${rig.server.url}/health`)).status).toBe(200);
    const listed = (await json(await fetch(`${rig.server.url}/bots/${legit.botId}`))) as { status: string };
    expect(listed.status).toBe("in_call");
  }, 180_000);
});
