/**
 * @module testing/meeting-sim/run-meeting
 * Plays one scripted meeting through a bot's real turn-taking stages (speaker attribution, barge-in,
 * user turn, response, speech synthesis, floor gate, audio output) as the meeting side would
 * deliver it: speaker events as each person starts and stops, the VAD's start and stop after its
 * delays, interim transcripts while they talk and the final one after the stop. The LLM and the
 * voice answer after fixed delays (see sim-engines). It runs on whatever timers are installed: fake
 * ones in the tests, real ones in the benchmark.
 */
import { Conversation } from "../../pipeline/conversation.js";
import { type Frame, type Speaker, frame } from "../../pipeline/frames.js";
import { Pipeline } from "../../pipeline/pipeline.js";
import { AudioOutputStage } from "../../pipeline/stages/audio-output.js";
import { TurnContext } from "../../pipeline/turn/turn-context.js";
import { createLlmFloorClassifier } from "../../pipeline/turn/llm-floor-check.js";
import { type TurnPolicyInput, resolveTurnPolicy } from "../../core/turn-policy.js";
import { TurnMetrics } from "../../pipeline/turn-metrics.js";
import { type Scenario, type ScriptedUtterance, SIM_BOT } from "./scenarios.js";
import { SIM_DELAYS, ScriptedLanguageModel, pause } from "./sim-engines.js";
import { simTurnStages } from "./sim-turn-stages.js";

const RATE = 16000;
const MS_PER_WORD = 330;
/** Speaker events reach the bot this long after the speech starts or stops. */
const SPEAKER_EVENT_LAG_MS = 60;
const DEFAULT_GAP_MS = 700;
const DEFAULT_PAUSE_MS = 900;
/** The longest a person waits for the bot before going on. */
const MAX_WAIT_FOR_BOT_MS = 10_000;
/** How long people wait for the bot to start answering a question put to it. */
const WAIT_FOR_ANSWER_MS = 4000;
/** Bot audio frames further apart than this belong to different replies. */
const REPLY_GAP_MS = 200;
const FRAME_MS = 20;

export interface Decision {
  at: number;
  speaker: string | null;
  text: string;
  speak: boolean;
  reason: string;
  turnId: number | null;
}

export interface UtteranceResult extends ScriptedUtterance {
  index: number;
  /** Human speech intervals of this utterance (one per segment), ms from the meeting start. */
  spans: [number, number][];
  decisions: Decision[];
  /** A reply decided on this utterance was heard in the meeting. */
  spoke: boolean;
  /** VAD stop after the utterance → first bot audio of the reply, when it spoke. */
  latencyMs: number | null;
}

export interface MeetingResult {
  scenario: string;
  utterances: UtteranceResult[];
  /** Bot audio over a person who was already speaking when that reply started: talking over people. */
  botOverHumanMs: number;
  /** Human speech that began while the bot was speaking (backchannels, interruptions). */
  humanOverBotMs: number;
  /** Replies that were decided but never heard, by reason. */
  dropped: { turnId: number; reason: string }[];
  /** Yes/no floor checks the LLM was asked (only with `llm_check`): count, prompt characters, time. */
  floorChecks: { promptChars: number; ms: number }[];
  /** The meeting as it went, one line per event, with the reason for each decision. */
  transcript: string[];
  durationMs: number;
}

interface Run {
  pipeline: Pipeline;
  output: AudioOutputStage;
  start: number;
  botFrames: number[];
  decisions: Decision[];
  inFlight: Set<number>;
  heardTurns: Set<number>;
  replyStarts: { at: number; turnId: number | undefined; line: { at: number; text: string } }[];
  dropped: { turnId: number; reason: string }[];
  lines: { at: number; text: string }[];
  spans: [number, number][];
  llm: ScriptedLanguageModel;
  /** A person is producing sound right now (what the VAD's latest window would say). */
  voiced: boolean;
}

export async function runMeeting(scenario: Scenario, policy?: TurnPolicyInput): Promise<MeetingResult> {
  const run = await startBot(scenario, policy);
  const now = () => performance.now() - run.start;
  const results: UtteranceResult[] = [];
  const roster = (speaking: string | null): Speaker[] =>
    [...scenario.humans, SIM_BOT.name].map((name, i) => ({ name, id: i + 1, isSpeaking: name === speaking, timestamp: Date.now() }));
  await run.pipeline.queue(frame("speakers-update", { speakers: roster(null) }));
  await pause(500);

  for (const [index, utterance] of scenario.utterances.entries()) {
    if (utterance.afterPreviousMs !== undefined) {
      // The previous line's `speak` returned at its VAD stop.
      await pause(Math.max(0, utterance.afterPreviousMs - SIM_DELAYS.vadStopMs));
    } else if (utterance.overBotAfterMs !== undefined) {
      await waitFor(() => run.output.speaking, MAX_WAIT_FOR_BOT_MS);
      await pause(utterance.overBotAfterMs);
    } else {
      // People wait for the answer to a question they put to the bot; the rest just leave a gap.
      if (scenario.utterances[index - 1]?.expect === "speak") await waitFor(() => run.output.speaking, WAIT_FOR_ANSWER_MS);
      // Nobody starts while the bot talks, and a bot that starts again (a resumed reply) is let finish.
      for (let tries = 0; tries < 3 && (tries === 0 || run.output.speaking); tries++) {
        await waitFor(() => !run.output.speaking && run.inFlight.size === 0, MAX_WAIT_FOR_BOT_MS);
        await pause(utterance.gapMs ?? DEFAULT_GAP_MS);
      }
    }
    const line = utterance.heard === "" ? `(${utterance.speaker} makes a sound with no words: "${utterance.text}")` : `${utterance.speaker}: ${heardText(utterance)}`;
    run.lines.push({ at: now(), text: line });
    const spans = await speak(run, utterance, roster, now);
    results.push({ ...utterance, index, spans, decisions: [], spoke: false, latencyMs: null });
  }
  // Let the last reply play out, then a little more in case a held one was still coming.
  await waitFor(() => !run.output.speaking && run.inFlight.size === 0, MAX_WAIT_FOR_BOT_MS);
  await pause(2500);
  await waitFor(() => !run.output.speaking && run.inFlight.size === 0, MAX_WAIT_FOR_BOT_MS);
  await run.pipeline.cancel("meeting over");
  await run.pipeline.stop("meeting over");
  assignDecisions(results, run);
  return finish(scenario, run, results);
}

async function startBot(scenario: Scenario, policy?: TurnPolicyInput): Promise<Run> {
  const turns = new TurnContext({
    policy: resolveTurnPolicy({ aliases: [...SIM_BOT.aliases], room_questions: scenario.answersRoomQuestions ? "answer" : "ignore" }, policy),
    botName: SIM_BOT.name,
    personaName: SIM_BOT.persona,
    holderId: "sim-bot",
  });
  const conversation = new Conversation("You are Sam, a product manager in a team meeting.", 60);
  const metrics = new TurnMetrics();
  const botFrames: number[] = [];
  const run: Run = {
    pipeline: undefined as unknown as Pipeline,
    output: new AudioOutputStage(RATE, () => botFrames.push(performance.now() - run.start), metrics),
    start: performance.now(),
    botFrames,
    decisions: [],
    inFlight: new Set(),
    heardTurns: new Set(),
    replyStarts: [],
    dropped: [],
    lines: [],
    spans: [],
    llm: new ScriptedLanguageModel(),
    voiced: false,
  };
  const observe = (source: string, f: Frame) => {
    const at = performance.now() - run.start;
    if (f.type === "turn-decision" && source === "user-turn") {
      run.decisions.push({ at, speaker: f.speaker, text: f.text, speak: f.speak, reason: f.reason, turnId: f.turnId });
      run.lines.push({ at, text: `    → ${f.speak ? "speak" : "stay silent"} (${f.reason})` });
      if (f.turnId !== null) run.inFlight.add(f.turnId);
    } else if (source === "audio-output" && f.type === "bot-started-speaking") {
      const pendingTurn = [...run.inFlight].find((id) => !run.heardTurns.has(id));
      if (pendingTurn !== undefined) run.heardTurns.add(pendingTurn);
      const line = { at, text: `${SIM_BOT.name}: …` };
      run.lines.push(line);
      run.replyStarts.push({ at, turnId: pendingTurn, line });
    } else if (source === "audio-output" && f.type === "bot-spoken-text") {
      run.inFlight.delete(f.turnId);
      const line = run.replyStarts.at(-1)?.line;
      if (line) line.text = `${SIM_BOT.name}: ${f.text}${f.complete ? "" : " [cut off]"}`;
    } else if (source === "floor-gate" && f.type === "reply-dropped") {
      run.inFlight.delete(f.turnId);
      run.dropped.push({ turnId: f.turnId, reason: f.reason });
      run.lines.push({ at, text: `    (reply ${f.turnId} dropped: ${f.reason})` });
    } else if (source === "barge-in" && f.type === "interruption") {
      run.lines.push({ at, text: "    (bot interrupted)" });
    } else if (source === "barge-in" && f.type === "reply-resume") {
      run.lines.push({ at, text: "    (no words in the interruption: reply resumed)" });
    }
  };
  run.pipeline = new Pipeline(
    [
      ...simTurnStages({
        turns,
        conversation,
        metrics,
        llm: run.llm,
        outputRate: RATE,
        voiced: () => run.voiced,
        userTurn: { classifier: createLlmFloorClassifier(run.llm, conversation, SIM_BOT.name, SIM_BOT.persona) },
      }),
      run.output,
    ],
    { observers: [{ onPush: observe }] },
  );
  await run.pipeline.start(RATE);
  return run;
}

/** One person says one utterance, segment by segment, as the meeting side would report it. */
async function speak(run: Run, utterance: ScriptedUtterance, roster: (speaking: string | null) => Speaker[], now: () => number): Promise<[number, number][]> {
  const said = utterance.text.split("|").map((s) => s.trim());
  const heard = (utterance.heard ?? utterance.text).split("|").map((s) => s.trim());
  const spans: [number, number][] = [];
  const queue = (f: Frame) => void run.pipeline.queue(f);
  for (const [i, segment] of said.entries()) {
    const words = (heard[i] ?? segment).split(/\s+/);
    const duration = segment.split(/\s+/).length * MS_PER_WORD;
    const start = now();
    run.voiced = true;
    setTimeout(() => queue(frame("speakers-update", { speakers: roster(utterance.speaker) })), SPEAKER_EVENT_LAG_MS);
    await pause(SIM_DELAYS.vadStartMs);
    await run.pipeline.queue(frame("user-started-speaking"));
    for (let elapsed = SIM_DELAYS.vadStartMs + 400; elapsed < duration; elapsed += 400) {
      await pause(400);
      const partial = words.slice(0, Math.max(1, Math.floor((elapsed / duration) * words.length))).join(" ");
      await run.pipeline.queue(frame("interim-transcription", { text: partial, speaker: null, language: "en-US" }));
    }
    await pause(Math.max(0, start + duration - now()));
    run.voiced = false;
    spans.push([start, now()]);
    run.spans.push([start, now()]);
    setTimeout(() => queue(frame("speakers-update", { speakers: roster(null) })), SPEAKER_EVENT_LAG_MS);
    await pause(SIM_DELAYS.vadStopMs);
    await run.pipeline.queue(frame("user-stopped-speaking"));
    const text = heard[i] ?? segment;
    // A cough is heard by the VAD but the recogniser finds no words in it.
    if (text) setTimeout(() => queue(frame("transcription", { text, speaker: null, language: "en-US" })), SIM_DELAYS.sttFinalMs);
    if (i < said.length - 1) await pause((utterance.pauseMs ?? DEFAULT_PAUSE_MS) - SIM_DELAYS.vadStopMs);
  }
  return spans;
}

function heardText(utterance: ScriptedUtterance): string {
  return (utterance.heard ?? utterance.text).replace(/\s*\|\s*/g, " ");
}

const normalise = (text: string) => text.toLowerCase().replace(/[^a-z0-9 ]/g, "").replace(/\s+/g, " ").trim();

/**
 * Gives each decision to the utterance it was about: the latest one, started before the decision,
 * whose transcript it is (whole, or a part when the turn was cut at a pause).
 */
function assignDecisions(results: UtteranceResult[], run: Run): void {
  for (const decision of run.decisions) {
    const text = normalise(decision.text);
    const owner = results.findLast((r) => {
      const heard = normalise(heardText(r));
      return heard !== "" && (r.spans[0]?.[0] ?? Number.POSITIVE_INFINITY) <= decision.at && (heard.includes(text) || text.includes(heard));
    });
    owner?.decisions.push(decision);
  }
  for (const result of results) {
    const spokenTurns = result.decisions.filter((d) => d.turnId !== null && run.heardTurns.has(d.turnId)).map((d) => d.turnId);
    result.spoke = spokenTurns.length > 0;
    const end = result.spans.at(-1)?.[1] ?? Number.POSITIVE_INFINITY;
    // The reply that answered the whole utterance: the first to start after it ended.
    const started = run.replyStarts.find((r) => r.turnId !== undefined && spokenTurns.includes(r.turnId) && r.at > end);
    if (started) result.latencyMs = Math.round(started.at - (end + SIM_DELAYS.vadStopMs));
  }
}

async function waitFor(condition: () => boolean, maxMs: number): Promise<void> {
  for (let waited = 0; waited < maxMs && !condition(); waited += 50) await pause(50);
}

function finish(scenario: Scenario, run: Run, utterances: UtteranceResult[]): MeetingResult {
  let botOverHumanMs = 0;
  let humanOverBotMs = 0;
  let replyStart = Number.NEGATIVE_INFINITY;
  let previous = Number.NEGATIVE_INFINITY;
  for (const t of run.botFrames) {
    if (t - previous > REPLY_GAP_MS) replyStart = t;
    previous = t;
    const span = run.spans.find(([s, e]) => t >= s && t < e);
    if (!span) continue;
    if (span[0] < replyStart) botOverHumanMs += FRAME_MS;
    else humanOverBotMs += FRAME_MS;
  }
  const transcript = run.lines
    .sort((a, b) => a.at - b.at)
    .map((l) => `[${(l.at / 1000).toFixed(1).padStart(5)} s] ${l.text}`);
  return { scenario: scenario.name, utterances, botOverHumanMs, humanOverBotMs, dropped: run.dropped, floorChecks: run.llm.floorChecks, transcript, durationMs: Math.round(performance.now() - run.start) };
}
