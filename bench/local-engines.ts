/**
 * @module bench/local-engines
 * The embedded engines measured on this machine: PocketSphinx word error rate, real-time factor and
 * time to finalise on spoken sentences (our synthetic fixtures and, when Debian's
 * pocketsphinx-testdata is installed, five LibriVox clips of real read speech), flite time to first
 * audio, and the voice-to-voice latency of a whole local turn with an instant LLM.
 */
import { existsSync, readFileSync } from "node:fs";
import { readWav, loadSpeech, type SpeechFixture } from "../test/fixtures/load-fixture.js";
import { PocketSphinxSpeechToText } from "../src/services/stt/local/pocketsphinx-stt.js";
import { wordErrorRate } from "../src/services/stt/local/word-error-rate.js";
import { FliteTextToSpeech } from "../src/services/tts/local/flite-tts.js";
import { FakeMeetingBaas } from "../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { FakeOpenAiServer } from "../src/services/llm/testing/fake-openai-server.js";
import { type Stats, benchServer, sleep, stats, until } from "./harness.js";

const LIBRIVOX = "/usr/share/pocketsphinx/test/data/librivox";
const FIXTURES: [SpeechFixture, string][] = [
  ["weather-question", "what is the weather like in paris today"],
  ["time-question", "can you tell me the time in tokyo"],
  ["interruption", "please stop talking and listen to me for a moment"],
  ["greeting-espeak", "hello everyone thanks for joining the meeting"],
];

interface Clip {
  name: string;
  pcm: Int16Array;
  reference: string;
}

async function clips(): Promise<{ synthetic: Clip[]; human: Clip[] }> {
  const synthetic = await Promise.all(FIXTURES.map(async ([name, reference]) => ({ name, pcm: await loadSpeech(name), reference })));
  const human: Clip[] = [];
  if (existsSync(`${LIBRIVOX}/transcription`)) {
    for (const line of readFileSync(`${LIBRIVOX}/transcription`, "utf8").split("\n")) {
      const match = line.match(/^(.*)\s+\(([^)]+)\)\s*$/);
      if (!match?.[1] || !match[2]) continue;
      const file = `${LIBRIVOX}/${match[2]}.wav`;
      if (existsSync(file)) human.push({ name: match[2], pcm: readWav(file).pcm, reference: match[1].replace(/<\/?s>/g, "").trim() });
    }
  }
  return { synthetic, human };
}

async function transcribe(clip: Clip): Promise<{ wer: number; rtf: number; finalizeMs: number }> {
  const stt = new PocketSphinxSpeechToText();
  let text = "";
  let finalAt = 0;
  const session = await stt.open({ sampleRate: 16000, language: "en-US" }, { onTranscript: (t) => { if (t.final) { text = t.text; finalAt = performance.now(); } }, onError: () => {} });
  const started = performance.now();
  for (let i = 0; i < clip.pcm.length; i += 320) session.write(clip.pcm.subarray(i, i + 320));
  const finalizeAt = performance.now();
  session.finalize();
  await session.close();
  const total = performance.now() - started;
  return { wer: wordErrorRate(clip.reference, text), rtf: total / ((clip.pcm.length / 16000) * 1000), finalizeMs: Math.max(0, finalAt - finalizeAt) };
}

async function sttFigures(set: Clip[]): Promise<{ clips: number; words: number; wer: number; rtf: Stats } | null> {
  if (!set.length) return null;
  const results = [];
  for (const clip of set) results.push(await transcribe(clip));
  const words = set.reduce((n, c) => n + c.reference.split(/\s+/).length, 0);
  const weightedWer = results.reduce((sum, r, i) => sum + r.wer * (set[i]?.reference.split(/\s+/).length ?? 0), 0) / words;
  return { clips: set.length, words, wer: Math.round(weightedWer * 1000) / 10, rtf: stats(results.map((r) => r.rtf), 3) };
}

async function ttsFirstAudio(): Promise<Stats> {
  const tts = new FliteTextToSpeech({ defaultVoice: "awb" });
  const times: number[] = [];
  for (const sentence of ["Good morning everyone.", "The roadmap review is the first item on our agenda today.", "Let me know if anything is unclear."]) {
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      for await (const _ of tts.synthesize(sentence, { sampleRate: 16000, voiceId: undefined, gender: undefined, language: "en-US", signal: new AbortController().signal, context: "b" })) {
        times.push(performance.now() - start);
        break;
      }
    }
  }
  return stats(times);
}

/** A local turn end to end (VAD stop → first audio out) with PocketSphinx and flite and an instant LLM. */
async function voiceToVoice(turns: number): Promise<Stats> {
  const baas = new FakeMeetingBaas({ apiKeys: ["k"], script: { participants: ["Alice"], connectDelayMs: 10 } });
  const llm = new FakeOpenAiServer({ replies: [{ text: "Sunny and mild." }] });
  const server = await benchServer({ MEETING_BAAS_API_URL: await baas.start(), MEETING_BAAS_API_KEY: "k", LLM_BASE_URL: await llm.start() });
  try {
    const response = await fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ meeting_url: "https://meet.google.com/bch-locl-eab", entry_message: "Hi." }) });
    const { bot_id: id } = (await response.json()) as { bot_id: string };
    const info = async () => (await (await fetch(`${server.url}/bots/${id}`)).json()) as { status: string; speaking: boolean; metrics: { turns: Record<string, number | null>[] } };
    await until(async () => (await info()).status === "in_call", 10_000);
    const speech = await loadSpeech("weather-question");
    for (let i = 0; i < turns; i++) {
      await until(async () => !(await info()).speaking, 15_000);
      await sleep(500);
      const before = (await info()).metrics.turns.length;
      baas.bot(id).say(speech);
      await until(async () => (await info()).metrics.turns.length > before && (await info()).metrics.turns.at(-1)?.first_audio_out !== null, 15_000);
    }
    return stats((await info()).metrics.turns.map((t) => t.first_audio_out).filter((v): v is number => typeof v === "number"));
  } finally {
    await server.close();
    await baas.stop();
    await llm.stop();
  }
}

export async function measureLocalEngines(quick: boolean) {
  const set = await clips();
  return {
    sttSynthetic: await sttFigures(quick ? set.synthetic.slice(0, 1) : set.synthetic),
    sttHuman: quick ? null : await sttFigures(set.human),
    ttsFirstAudioMs: await ttsFirstAudio(),
    voiceToVoiceMs: await voiceToVoice(quick ? 1 : 5),
  };
}
