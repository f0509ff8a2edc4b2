/**
 * The two other kinds of bot: one whose voice comes from an external Pipecat pipeline over
 * protobuf frames, and a listen-only recorder that writes the meeting to WAV and a transcript.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { rms } from "../../src/audio/pcm.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { decodePipecat, encodePipecatAudio } from "../../src/meeting/pipecat/pipecat-codec.js";
import type { RunningServer } from "../../src/server/start.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, localSpeechMissing, startTestServer, waitFor } from "./helpers.js";

const MEET = "https://teams.microsoft.com/l/meetup-join/abc";

describe("Pipecat bridge and recorder bots", () => {
  let baas: FakeMeetingBaas;
  let server: RunningServer;
  let dataDir: string;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "bots-data-"));
    baas = new FakeMeetingBaas({ script: { participants: ["Alice"], connectDelayMs: 20 } });
    server = await startTestServer({ MEETING_BAAS_API_URL: await baas.start(), MEETING_BAAS_API_KEY: "test-key", DATA_DIR: dataDir });
  });
  afterEach(async () => {
    await server.close();
    await baas.stop();
  });

  const create = async (body: Record<string, unknown>) =>
    (await json(await fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ meeting_url: MEET, ...body }) }))) as {
      bot_id: string;
      pipecat_url?: string;
      pipecat_token?: string;
    };
  const launch = async (body: Record<string, unknown>) => (await create(body)).bot_id;
  const closeCode = (socket: WebSocket) => new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));

  it("relays meeting audio to a Pipecat pipeline and its voice back to the meeting", async () => {
    const created = await create({ pipeline: "pipecat" });
    const botId = created.bot_id;
    expect(created.pipecat_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.pipecat_url).toBe(`${server.url.replace("http", "ws")}/pipecat/${created.pipecat_token}`);
    const listing = JSON.stringify(await json(await fetch(`${server.url}/bots`)));
    expect(listing).not.toContain(created.pipecat_token);
    await waitFor(() => baas.bot(botId).connected, 5000, "meeting stream");
    const pipecat = new WebSocket(created.pipecat_url ?? "");
    const received: ReturnType<typeof decodePipecat>[] = [];
    pipecat.on("message", (data: Buffer) => received.push(decodePipecat(new Uint8Array(data))));
    await new Promise((resolve) => pipecat.on("open", resolve));
    await waitFor(() => received.some((m) => m.kind === "audio"), 3000, "meeting audio as protobuf");
    const audio = received.find((m) => m.kind === "audio");
    expect(audio).toMatchObject({ kind: "audio", sampleRate: 16000 });
    const tone = Int16Array.from({ length: 640 }, (_, i) => Math.round(9000 * Math.sin(i / 5)));
    for (let i = 0; i < 10; i++) pipecat.send(encodePipecatAudio(tone, 16000));
    await waitFor(() => baas.bot(botId).heard().length >= 6400, 3000, "the pipeline's voice in the meeting");
    expect(rms(baas.bot(botId).heard())).toBeGreaterThan(0.1);
    const wsBase = server.url.replace("http", "ws");
    for (const guess of ["nobody", botId, server.bots.get(botId)?.settings.clientId ?? "", "A".repeat(43)]) {
      expect(await closeCode(new WebSocket(`${wsBase}/pipecat/${guess}`))).toBe(1008);
    }
    expect(await closeCode(new WebSocket(created.pipecat_url ?? ""))).toBe(1008);
    const closed = closeCode(pipecat);
    pipecat.send(Buffer.from([0xff, 0xff, 0xff]));
    expect(await closed).toBe(1007);
    expect(server.bots.get(botId)?.status).toBe("in_call");
  });

  it("answers POST /bots without a Pipecat secret for bots that do not use Pipecat", async () => {
    const created = await create({});
    expect(Object.keys(created)).toEqual(["bot_id"]);
  });

  it.skipIf(localSpeechMissing())("records the meeting to a WAV file and a transcript, and never speaks", async () => {
    const botId = await launch({ recorder: true });
    const meeting = baas.bot(botId);
    await waitFor(() => meeting.connected, 5000, "meeting stream");
    meeting.say(await loadSpeech("weather-question"));
    await waitFor(() => !meeting.talking, 20_000, "the question to be spoken");
    // A second of silence after it, so the VAD hears the end; leaving then flushes every step.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await fetch(`${server.url}/bots/${botId}`, { method: "DELETE" });
    // The recording is complete once the bot has left; recognition may still be catching up on a busy machine.
    const wavName = readdirSync(join(dataDir, "recordings")).find((f) => f.endsWith(".wav")) ?? "";
    const wavPath = join(dataDir, "recordings", wavName);
    const recordedSeconds = () => readFileSync(wavPath).readUInt32LE(40) / 32000;
    await waitFor(() => recordedSeconds() > 0, 10_000, "the recording's header");
    expect(recordedSeconds()).toBeGreaterThan(2);
    const transcriptPath = wavPath.replace(/\.wav$/, ".txt");
    const transcript = await waitFor(() => existsSync(transcriptPath) && readFileSync(transcriptPath, "utf8"), 20_000, "the transcript line");
    // Stamped where the question began in the meeting, however late recognition finished.
    expect(transcript).toMatch(/^\[00:0[0-2]\] Alice: .*weather/m);
    expect(meeting.received).toHaveLength(0);
  });
});
