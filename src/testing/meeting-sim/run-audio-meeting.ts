/**
 * @module testing/meeting-sim/run-audio-meeting
 * A scripted meeting played for real: the whole server, a bot sent with `POST /bots`, and the
 * MeetingBaas emulator dialing its stream and speaking each person's lines as PCM (flite, a
 * different voice per person) with the speaker events a MeetingBaas bot sends. The bot's Silero VAD
 * hears the audio; speech-to-text is a local Deepgram-protocol server that returns each line's
 * scripted transcript (misspelled names included), so the recogniser's accuracy is not what is
 * measured. A line counts as answered when the bot decided to answer it (GET /bots/{id} lists its
 * decisions) and its voice then came back, as a person in the meeting would hear it.
 */
import { concatPcm } from "../../audio/pcm.js";
import { FakeMeetingBaas } from "../../meeting/meetingbaas/testing/fake-meetingbaas.js";
import type { RunningServer } from "../../server/start.js";
import { FakeOpenAiServer } from "../../services/llm/testing/fake-openai-server.js";
import { FakeDeepgramServer } from "../../services/stt/testing/fake-deepgram-server.js";
import { FLITE_VOICES } from "../../services/tts/local/flite-library.js";
import { FliteTextToSpeech } from "../../services/tts/local/flite-tts.js";
import { FakeCartesiaServer } from "../../services/tts/testing/fake-cartesia-server.js";
import type { MeetingResult, UtteranceResult } from "./run-meeting.js";
import { type Scenario, SIM_BOT } from "./scenarios.js";
import { SIM_DELAYS, pause } from "./sim-engines.js";

const RATE = 16000;
const PAUSE_MS = 900;
const GAP_MS = 700;
const WAIT_FOR_ANSWER_MS = 6000;
const MAX_WAIT_MS = 15_000;
/** Bot audio frames further apart than this belong to different replies. */
const REPLY_GAP_MS = 300;
const FRAME_MS = 20;
const REPLY = "Sure, here is the short answer. It should be ready by the end of the week.";

export type ServerStarter = (env: Record<string, string>) => Promise<RunningServer>;

const voiceCache = new Map<string, Int16Array>();

/** One person's line as 16 kHz PCM in their own flite voice, with a pause at each `|`. */
async function voiceLine(text: string, voice: string): Promise<Int16Array> {
  const key = `${voice}:${text}`;
  const cached = voiceCache.get(key);
  if (cached) return cached;
  const tts = new FliteTextToSpeech({ defaultVoice: "awb" });
  const parts: Int16Array[] = [];
  for (const [i, segment] of text.split("|").entries()) {
    if (i > 0) parts.push(new Int16Array((PAUSE_MS * RATE) / 1000));
    // Commas make flite pause long enough for a VAD stop; the script marks real pauses with `|`.
    const plain = segment.replace(/[,;:]/g, "").trim();
    for await (const pcm of tts.synthesize(plain, { sampleRate: RATE, voiceId: voice, gender: undefined, language: "en-US", signal: new AbortController().signal, context: key })) {
      parts.push(pcm);
    }
  }
  const pcm = concatPcm(parts);
  voiceCache.set(key, pcm);
  return pcm;
}

function transcriptsOf(scenario: Scenario): string[] {
  return scenario.utterances.flatMap((u) => (u.heard ?? u.text).split("|").map((s) => s.trim()));
}

export async function runAudioMeeting(scenario: Scenario, startServer: ServerStarter): Promise<MeetingResult> {
  const participants = [...scenario.humans, SIM_BOT.name];
  const baas = new FakeMeetingBaas({ apiKeys: ["sim-key"], script: { participants, connectDelayMs: 10, chunkSamples: 320 } });
  const deepgram = new FakeDeepgramServer({ apiKey: "sim-dg", transcripts: transcriptsOf(scenario), finalDelayMs: SIM_DELAYS.sttFinalMs });
  const llm = new FakeOpenAiServer({ replies: [{ text: REPLY }], firstTokenDelayMs: SIM_DELAYS.llmFirstTokenMs });
  const cartesia = new FakeCartesiaServer({ apiKey: "sim-ca", firstChunkDelayMs: SIM_DELAYS.ttsFirstAudioMs, msPerCharacter: 50 });
  const voices = new Map(scenario.humans.map((name, i) => [name, FLITE_VOICES[i % FLITE_VOICES.length] as string]));
  const lines = await Promise.all(scenario.utterances.map((u) => voiceLine(u.text, voices.get(u.speaker) ?? "awb")));
  const server = await startServer({
    MEETING_BAAS_API_URL: await baas.start(),
    MEETING_BAAS_API_KEY: "sim-key",
    DEEPGRAM_API_KEY: "sim-dg",
    DEEPGRAM_API_URL: await deepgram.start(),
    LLM_BASE_URL: await llm.start(),
    LLM_MODEL: "sim",
    CARTESIA_API_KEY: "sim-ca",
    CARTESIA_API_URL: await cartesia.start(),
    VAD_MIN_SILENCE_MS: String(SIM_DELAYS.vadStopMs),
    VAD_MIN_SPEECH_MS: String(SIM_DELAYS.vadStartMs),
  });
  try {
    const response = await fetch(`${server.url}/bots`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        meeting_url: `https://meet.google.com/sim-meet-${meetCodeOf(scenario.name)}`,
        bot_name: SIM_BOT.name,
        personas: ["standup_host"],
        entry_message: "Hi.",
        enable_tools: false,
        turn_policy: { aliases: [...SIM_BOT.aliases], room_questions: scenario.answersRoomQuestions ? "answer" : "ignore" },
      }),
    });
    if (response.status !== 201) throw new Error(`POST /bots answered ${response.status}: ${await response.text()}`);
    const { bot_id: botId } = (await response.json()) as { bot_id: string };
    const info = async () => (await (await fetch(`${server.url}/bots/${botId}`)).json()) as { status: string; speaking: boolean };
    for (let i = 0; i < 200 && (await info()).status !== "in_call"; i++) await pause(50);
    const meeting = baas.bot(botId);
    const botSpeaking = () => {
      const last = meeting.arrivals.at(-1);
      return last !== undefined && performance.now() - last < REPLY_GAP_MS;
    };
    const waitFor = async (condition: () => boolean, maxMs: number) => {
      for (let waited = 0; waited < maxMs && !condition(); waited += 50) await pause(50);
    };
    // The entry message first; the meeting starts once it is over.
    await waitFor(() => meeting.arrivals.length > 0 && !botSpeaking(), 8000);
    await pause(1000);
    const start = performance.now();
    const arrivalsBefore = meeting.arrivals.length;

    const results: UtteranceResult[] = [];
    const transcript: { at: number; text: string }[] = [];
    const epochOffset = Date.now() - performance.now();
    for (const [index, utterance] of scenario.utterances.entries()) {
      if (utterance.afterPreviousMs !== undefined) {
        await pause(utterance.afterPreviousMs);
      } else if (utterance.overBotAfterMs !== undefined) {
        await waitFor(botSpeaking, WAIT_FOR_ANSWER_MS);
        await pause(utterance.overBotAfterMs);
      } else {
        if (scenario.utterances[index - 1]?.expect === "speak") await waitFor(botSpeaking, WAIT_FOR_ANSWER_MS);
        for (let tries = 0; tries < 3 && (tries === 0 || botSpeaking()); tries++) {
          await waitFor(() => !botSpeaking(), MAX_WAIT_MS);
          await pause(utterance.gapMs ?? GAP_MS);
        }
      }
      const pcm = lines[index] as Int16Array;
      const at = performance.now() - start;
      meeting.say(pcm, utterance.speaker);
      const durationMs = (pcm.length / RATE) * 1000;
      transcript.push({ at, text: `${utterance.speaker}: ${utterance.text.replace(/\s*\|\s*/g, " … ")}` });
      results.push({ ...utterance, index, spans: [[at, at + durationMs]], decisions: [], spoke: false, latencyMs: null });
      await pause(durationMs);
    }
    await waitFor(botSpeaking, WAIT_FOR_ANSWER_MS);
    await waitFor(() => !botSpeaking(), MAX_WAIT_MS);
    await pause(1500);

    const frames = meeting.arrivals.slice(arrivalsBefore).map((t) => t - start);
    const { turn_decisions: decided } = (await (await fetch(`${server.url}/bots/${botId}`)).json()) as {
      turn_decisions: { at: string; speaker: string | null; speak: boolean; reason: string; turn_id: number | null }[];
    };
    for (const d of decided) {
      const at = Date.parse(d.at) - epochOffset - start;
      // The latest line by the decision's speaker that had begun by then.
      const owner = results.findLast((r) => (r.spans[0]?.[0] ?? Number.POSITIVE_INFINITY) <= at && (d.speaker === null || r.speaker === d.speaker));
      owner?.decisions.push({ at, speaker: d.speaker, text: "", speak: d.speak, reason: d.reason, turnId: d.turn_id });
      transcript.push({ at, text: `    → ${d.speak ? "speak" : "stay silent"} (${d.reason})` });
    }
    const replyStarts = frames.filter((t, i) => i === 0 || t - (frames[i - 1] ?? 0) > REPLY_GAP_MS);
    for (const start of replyStarts) transcript.push({ at: start, text: `${SIM_BOT.name}: (speaks)` });
    for (const [i, result] of results.entries()) {
      const end = result.spans[0]?.[1] ?? 0;
      // A reply to this line starts after it ends and before the next line the bot decided to answer
      // (a reply held while someone says "mm-hm" starts after that "mm-hm" has begun).
      const nextAnswered = results.slice(i + 1).find((r) => r.decisions.some((d) => d.speak));
      const until = nextAnswered?.spans[0]?.[0] ?? Number.POSITIVE_INFINITY;
      const reply = replyStarts.find((t) => t > end && t < until);
      result.spoke = reply !== undefined && result.decisions.some((d) => d.speak);
      if (reply !== undefined && result.spoke) result.latencyMs = Math.round(reply - end - SIM_DELAYS.vadStopMs);
    }
    let botOverHumanMs = 0;
    let humanOverBotMs = 0;
    let replyStart = Number.NEGATIVE_INFINITY;
    for (const [i, t] of frames.entries()) {
      if (i === 0 || t - (frames[i - 1] ?? 0) > REPLY_GAP_MS) replyStart = t;
      const span = results.map((r) => r.spans[0]).find((s) => s !== undefined && t >= s[0] && t < s[1]);
      if (!span) continue;
      if (span[0] < replyStart) botOverHumanMs += FRAME_MS;
      else humanOverBotMs += FRAME_MS;
    }
    return {
      scenario: scenario.name,
      utterances: results,
      botOverHumanMs,
      humanOverBotMs,
      dropped: [],
      floorChecks: [],
      transcript: transcript.sort((a, b) => a.at - b.at).map((l) => `[${(l.at / 1000).toFixed(1).padStart(5)} s] ${l.text}`),
      durationMs: Math.round(performance.now() - start),
    };
  } finally {
    await server.close();
    await Promise.all([baas.stop(), deepgram.stop(), llm.stop(), cartesia.stop()]);
  }
}

/** A valid Meet code (three letters) that differs between scenarios, so each has its own meeting. */
function meetCodeOf(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return [0, 1, 2].map((i) => String.fromCharCode(97 + (Math.floor(hash / 26 ** i) % 26))).join("");
}
