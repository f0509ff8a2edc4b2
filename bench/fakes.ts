/**
 * @module bench/fakes
 * The provider servers the benchmarks talk to, each answering after a fixed, known delay, so what
 * remains of a turn's latency is the pipeline's own overhead.
 */
import { FakeMeetingBaas } from "../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { FakeOpenAiServer } from "../src/services/llm/testing/fake-openai-server.js";
import { FakeDeepgramServer } from "../src/services/stt/testing/fake-deepgram-server.js";
import { FakeCartesiaServer } from "../src/services/tts/testing/fake-cartesia-server.js";

export const INJECTED = { sttFinalMs: 150, llmFirstTokenMs: 200, ttsFirstAudioMs: 80 } as const;

export interface BenchFakes {
  baas: FakeMeetingBaas;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** What the LLM answers: the overhead and scale sections use a short reply sent at once. */
export interface LlmScript {
  reply: string;
  /** Time between streamed words after the first. */
  tokenDelayMs: number;
  /** Length of the voice per character of text (the bots wait for it before the next question). */
  ttsMsPerCharacter: number;
}

const SHORT_REPLY: LlmScript = { reply: "Okay, sunny.", tokenDelayMs: 0, ttsMsPerCharacter: 50 };

export interface SpeechFakes {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The STT, LLM and TTS servers, each answering after its injected delay. */
export async function startSpeechFakes(llmScript: LlmScript = SHORT_REPLY): Promise<SpeechFakes> {
  const deepgram = new FakeDeepgramServer({ apiKey: "bench-dg", transcripts: ["What is the weather like in Paris today?"], finalDelayMs: INJECTED.sttFinalMs });
  const llm = new FakeOpenAiServer({ replies: [{ text: llmScript.reply }], firstTokenDelayMs: INJECTED.llmFirstTokenMs, tokenDelayMs: llmScript.tokenDelayMs });
  const cartesia = new FakeCartesiaServer({ apiKey: "bench-ca", firstChunkDelayMs: INJECTED.ttsFirstAudioMs, msPerCharacter: llmScript.ttsMsPerCharacter });
  const env = {
    DEEPGRAM_API_KEY: "bench-dg",
    DEEPGRAM_API_URL: await deepgram.start(),
    LLM_BASE_URL: await llm.start(),
    LLM_MODEL: "bench",
    CARTESIA_API_KEY: "bench-ca",
    CARTESIA_API_URL: await cartesia.start(),
  };
  return {
    env,
    async stop() {
      await Promise.all([deepgram.stop(), llm.stop(), cartesia.stop()]);
    },
  };
}

/** The MeetingBaas emulator alone (the scale bench runs the speech servers in a process of their own). */
export async function startMeetingFake(): Promise<BenchFakes> {
  const baas = new FakeMeetingBaas({ apiKeys: ["bench-key"], script: { participants: ["Alice"], connectDelayMs: 10 } });
  const env = { MEETING_BAAS_API_URL: await baas.start(), MEETING_BAAS_API_KEY: "bench-key" };
  return { baas, env, stop: () => baas.stop() };
}

export async function startFakes(llmScript: LlmScript = SHORT_REPLY): Promise<BenchFakes> {
  const meeting = await startMeetingFake();
  const speech = await startSpeechFakes(llmScript);
  return {
    baas: meeting.baas,
    env: { ...meeting.env, ...speech.env },
    async stop() {
      await Promise.all([meeting.stop(), speech.stop()]);
    },
  };
}
