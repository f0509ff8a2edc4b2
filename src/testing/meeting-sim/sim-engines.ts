/**
 * @module testing/meeting-sim/sim-engines
 * The model and the voice the simulated bot uses: an LLM that answers after a fixed delay with a
 * two-sentence reply naming whom it answers, and a synthesiser that returns a tone as long as the
 * sentence would take to say (300 ms a word). Fixed delays make latency and overlap comparable run
 * to run; the turn-taking stages in between are the real ones.
 */
import { FLOOR_CHECK_INSTRUCTION } from "../../pipeline/turn/llm-floor-check.js";
import type { LanguageModel, LlmEvent, LlmRequest } from "../../services/llm/language-model.js";
import type { SynthesisOptions, TextToSpeech } from "../../services/tts/text-to-speech.js";
import { sleep } from "../../util/backoff.js";
import { DEFAULT_VAD, VAD_STOP_MS } from "../../core/vad-defaults.js";

export const SIM_DELAYS = { vadStartMs: DEFAULT_VAD.minSpeechMs, vadStopMs: VAD_STOP_MS, sttFinalMs: 150, llmFirstTokenMs: 200, ttsFirstAudioMs: 80 } as const;
const MS_PER_WORD = 300;

/** Waits on the global timers (so fake timers drive it); resolves false if the signal aborts first. */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return sleep(ms, { signal });
}

export class ScriptedLanguageModel implements LanguageModel {
  readonly name = "meeting-sim";
  readonly model = "scripted";
  calls = 0;
  /** Yes/no floor checks asked, with the characters of their prompts and the time each took. */
  readonly floorChecks: { promptChars: number; ms: number }[] = [];

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const first = request.messages[0];
    if (first?.role === "system" && first.content.startsWith(FLOOR_CHECK_INSTRUCTION)) {
      const started = performance.now();
      if (!(await pause(SIM_DELAYS.llmFirstTokenMs, request.signal))) return;
      this.floorChecks.push({ promptChars: request.messages.reduce((n, m) => n + (m.content?.length ?? 0), 0), ms: performance.now() - started });
      // The scripted meetings' unaddressed questions are all side talk.
      yield { type: "text", text: "no" };
      yield { type: "done", finishReason: "stop" };
      return;
    }
    this.calls += 1;
    const last = request.messages.at(-1);
    const speaker = last?.role === "user" ? (String(last.content).match(/^([^:]{1,40}):/)?.[1] ?? "there") : "everyone";
    if (!(await pause(SIM_DELAYS.llmFirstTokenMs, request.signal))) return;
    yield { type: "text", text: `Sure ${speaker}, here is the short answer. ` };
    yield { type: "text", text: "It should be ready by the end of the week." };
    yield { type: "done", finishReason: "stop" };
  }
}

export class ToneTextToSpeech implements TextToSpeech {
  readonly name = "tone";

  async *synthesize(text: string, options: SynthesisOptions & { context: string }): AsyncIterable<Int16Array> {
    if (!(await pause(SIM_DELAYS.ttsFirstAudioMs, options.signal))) return;
    const words = text.split(/\s+/).filter(Boolean).length;
    const total = Math.round((words * MS_PER_WORD * options.sampleRate) / 1000);
    const chunk = options.sampleRate / 10;
    for (let offset = 0; offset < total && !options.signal.aborted; offset += chunk) {
      const pcm = new Int16Array(Math.min(chunk, total - offset));
      for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(3000 * Math.sin(((offset + i) * 2 * Math.PI * 220) / options.sampleRate));
      yield pcm;
    }
  }
}
