/**
 * @module bench/overhead
 * Pipeline overhead per turn: real turns through the whole server path (meeting WebSocket in →
 * Silero VAD → STT → LLM → TTS → WebSocket out) against provider servers with fixed delays. The
 * overhead is the time from the VAD's end-of-speech to the first audio byte sent, minus the
 * injected STT, LLM and TTS delays: the time the server itself adds.
 */
import { loadSpeech } from "../test/fixtures/load-fixture.js";
import { INJECTED, type LlmScript, startFakes } from "./fakes.js";
import { type Stats, benchMeetingUrl, benchServer, sleep, stats, until } from "./harness.js";

export interface OverheadResult {
  bots: number;
  turnsPerBot: number;
  injectedMs: number;
  overheadMs: Stats;
  firstAudioOutMs: Stats;
  stages: Record<string, Stats>;
}

async function runBot(url: string, botId: string, fakes: Awaited<ReturnType<typeof startFakes>>, turns: number, speech: Int16Array): Promise<Record<string, number | null>[]> {
  const meeting = fakes.baas.bot(botId);
  const rows: Record<string, number | null>[] = [];
  const info = async () => (await (await fetch(`${url}/bots/${botId}`)).json()) as { status: string; speaking: boolean; metrics: { turns: Record<string, number | null>[] } };
  await until(async () => (await info()).status === "in_call", 30_000);
  for (let turn = 0; turn < turns; turn++) {
    await until(async () => !(await info()).speaking, 30_000);
    await sleep(300 + Math.random() * 300);
    const before = (await info()).metrics.turns.length;
    meeting.say(speech);
    await until(async () => {
      const current = await info();
      return current.metrics.turns.length > before && current.metrics.turns.at(-1)?.first_audio_out !== null && !current.speaking;
    }, 30_000);
    const last = (await info()).metrics.turns.at(-1);
    if (last) rows.push(last);
  }
  return rows;
}

export async function measureOverhead(bots: number, turnsPerBot: number, llmScript?: LlmScript): Promise<OverheadResult> {
  const fakes = await startFakes(llmScript);
  const server = await benchServer(fakes.env);
  const speech = await loadSpeech("weather-question");
  try {
    const ids: string[] = [];
    for (let i = 0; i < bots; i++) {
      const response = await fetch(`${server.url}/bots`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ meeting_url: benchMeetingUrl("ovrh", i), personas: ["interviewer"], entry_message: "Hi." }),
      });
      ids.push(((await response.json()) as { bot_id: string }).bot_id);
    }
    const rows = (await Promise.all(ids.map((id) => runBot(server.url, id, fakes, turnsPerBot, speech)))).flat();
    const injected = INJECTED.sttFinalMs + INJECTED.llmFirstTokenMs + INJECTED.ttsFirstAudioMs;
    const firstOut = rows.map((r) => r.first_audio_out).filter((v): v is number => typeof v === "number");
    const stages: Record<string, Stats> = {};
    for (const stage of ["transcript", "llm_first_token", "tts_first_audio", "first_audio_out"]) {
      stages[stage] = stats(rows.map((r) => r[stage]).filter((v): v is number => typeof v === "number"));
    }
    return { bots, turnsPerBot, injectedMs: injected, overheadMs: stats(firstOut.map((v) => v - injected)), firstAudioOutMs: stats(firstOut), stages };
  } finally {
    await server.close();
    await fakes.stop();
  }
}
