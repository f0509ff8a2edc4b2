/**
 * @module bench/memory-cycles
 * Whether memory comes back when bots leave: rounds of N bots with the local engines (sharing the
 * PocketSphinx decoder pool) are sent into meetings, hear a few seconds of audio, and are removed;
 * resident memory is read after each round, once the bots are gone. A round of N/2 bots comes first,
 * for what one bot costs beyond the shared base. Run as a child process so the
 * figures start from a clean process (`node --expose-gc --import tsx bench/memory-cycles.ts N R`).
 */
import { execFileSync } from "node:child_process";
import { loadConfig } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { FakeMeetingBaas } from "../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { startServer } from "../src/server/start.js";
import { createSpeechServices } from "../src/services/create-speech-services.js";
import { planProviders } from "../src/services/select-providers.js";
import type { DecoderPoolStats } from "../src/services/stt/local/decoder-pool.js";
import { PocketSphinxSpeechToText } from "../src/services/stt/local/pocketsphinx-stt.js";
import { loadSpeech } from "../test/fixtures/load-fixture.js";
import { benchMeetingUrl, settingsFromShell, sleep, until } from "./harness.js";

export interface MemoryCycles {
  botsPerRound: number;
  rounds: number;
  /** Resident memory with the server up and no bot yet, in MB. */
  startRssMb: number;
  /** Resident memory while the last round's bots were in their meetings, in MB. */
  peakRssMb: number;
  /** Resident memory after each round, once every bot has left, in MB. */
  afterRoundRssMb: number[];
  /** (peak - start) / bots: what one bot with the embedded engines adds while in a meeting, the shared decoders' share included. */
  perBotMb: number;
  /** Resident memory while the first full round's bots were in their meetings, in MB. */
  firstRoundRssMb: number;
  /** Bots in the round before the others (half as many, at least one). */
  halfBots: number;
  /** Resident memory while those bots were in their meetings, in MB. */
  halfRoundRssMb: number;
  /** (first full round − half round) / the bots between them: one more bot beyond the shared base. */
  marginalPerBotMb: number | null;
  /** How the shared decoders served the utterances (every bot asks one question a round). */
  decoders: DecoderPoolStats | undefined;
}


const rss = () => Math.round(process.memoryUsage().rss / 1e6);

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await sleep(300);
  }
}

async function run(botsPerRound: number, rounds: number): Promise<MemoryCycles> {
  const baas = new FakeMeetingBaas({ script: { participants: ["Ada"], connectDelayMs: 10 } });
  const config = loadConfig({
    PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", BOT_REGISTRY_FILE: ":memory:", MAX_BOTS: "1000", RATE_LIMIT_BOTS_PER_MINUTE: "0",
    MEETING_BAAS_API_URL: await baas.start(), MEETING_BAAS_API_KEY: "test-key", STT_PROVIDER: "local", TTS_PROVIDER: "local", LLM_PROVIDER: "none",
    ...settingsFromShell(),
  });
  const speech = await createSpeechServices(planProviders(config), config);
  const server = await startServer(config, { logger: silentLogger, speech });
  const question = await loadSpeech("weather-question");
  await settle();
  const startRssMb = rss();
  let meeting = 0;
  /** One round: `bots` bots join, all ask at once, then all leave; returns RSS while they were in. */
  const round = async (bots: number): Promise<number> => {
    const ids: string[] = [];
    for (let i = 0; i < bots; i++) {
      const response = await fetch(`${server.url}/bots`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ meeting_url: benchMeetingUrl("memc", meeting++) }),
      });
      const body = (await response.json()) as { bot_id?: string; message?: string };
      if (!body.bot_id) throw new Error(`launch refused (${response.status}): ${body.message}`);
      ids.push(body.bot_id);
    }
    if (!(await until(() => ids.every((id) => server.bots.get(id)?.status === "in_call"), 60_000))) throw new Error("bots did not reach the call");
    // Everyone asks at once: the decoders are shared, so most utterances wait for one.
    for (const id of ids) baas.bot(id).say(question);
    await until(() => ids.every((id) => !baas.bot(id).talking), 60_000);
    await sleep(2000);
    const inMeetings = rss();
    await Promise.all(ids.map((id) => fetch(`${server.url}/bots/${id}`, { method: "DELETE" })));
    await until(() => ids.every((id) => server.bots.get(id)?.isFinal ?? true), 30_000);
    await settle();
    return inMeetings;
  };
  // Half as many bots first, from the clean start: that reading and the first full round's both hold
  // the shared base (the decoders at their most, the models, the code), so their difference is what
  // the extra bots alone cost. (Measured after the full rounds instead, the half round would sit in
  // memory the allocator kept from them.)
  const halfBots = Math.max(1, Math.floor(botsPerRound / 2));
  const halfRoundRssMb = await round(halfBots);
  let peakRssMb = halfRoundRssMb;
  let firstRoundRssMb = halfRoundRssMb;
  const afterRoundRssMb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const inMeetings = await round(botsPerRound);
    if (r === 0) firstRoundRssMb = inMeetings;
    peakRssMb = Math.max(peakRssMb, inMeetings);
    afterRoundRssMb.push(rss());
  }
  const marginalPerBotMb = botsPerRound > halfBots ? Math.round(((firstRoundRssMb - halfRoundRssMb) / (botsPerRound - halfBots)) * 10) / 10 : null;
  const decoders = speech.stt instanceof PocketSphinxSpeechToText ? speech.stt.stats() : undefined;
  await server.close();
  await baas.stop();
  const perBotMb = Math.round(((peakRssMb - startRssMb) / botsPerRound) * 10) / 10;
  return { botsPerRound, rounds, startRssMb, peakRssMb, afterRoundRssMb, perBotMb, firstRoundRssMb, halfBots, halfRoundRssMb, marginalPerBotMb, decoders };
}

/** Runs the rounds in a fresh process and returns its figures. */
export function measureMemoryCycles(botsPerRound: number, rounds: number): MemoryCycles {
  const output = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "bench/memory-cycles.ts", String(botsPerRound), String(rounds)], {
    encoding: "utf8",
    timeout: 600_000,
  });
  return JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as MemoryCycles;
}

if (process.argv[1]?.endsWith("memory-cycles.ts")) {
  const result = await run(Number(process.argv[2] ?? 30), Number(process.argv[3] ?? 4));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
