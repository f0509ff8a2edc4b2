/**
 * @module testing/meeting-sim/run-group-meeting
 * Plays a meeting with several bots of one server. Every bot runs its real turn stages (as in
 * run-meeting) and joins a real meeting group, so they share a floor and claim room questions.
 * People speak as in run-meeting, to every bot at once. A bot's own voice reaches the other bots
 * as a person's would: after a network delay their VAD starts and stops and their recogniser
 * writes what it said; the provider's speaker events flag it only with `botSpeakerEvents`, so by
 * default the server's own knowledge of its bots must attribute their speech.
 *
 * `isolated` plays the same meeting with bots that know nothing of each other (no group: each its
 * own floor, no claims, no cap), as a baseline.
 */
import { MeetingGroups } from "../../bots/group/meeting-groups.js";
import { type Frame, type Speaker, frame } from "../../pipeline/frames.js";
import { SIM_DELAYS, pause } from "./sim-engines.js";
import type { GroupScenario } from "./group-scenarios.js";
import { type GroupMeetingResult, type GroupRun, scoreGroupMeeting } from "./group-score.js";
import { type SimBotRun, startSimBot } from "./sim-bot.js";

const MS_PER_WORD = 330;
/** A bot's voice reaches the others this long after it left the server. */
const BOT_ECHO_DELAY_MS = 120;
const SPEAKER_EVENT_LAG_MS = 60;
const GAP_MS = 700;
/** The meeting counts as quiet once no bot spoke or prepared a reply for this long. */
const QUIET_HOLD_MS = 2500;
const MAX_WAIT_MS = 30_000;

export async function runGroupMeeting(scenario: GroupScenario, options: { isolated?: boolean } = {}): Promise<GroupMeetingResult> {
  const groups = new MeetingGroups();
  const start = performance.now();
  const run: GroupRun = { scenario, start, bots: [], spans: [], lines: [] };
  const now = () => performance.now() - start;
  const speaking = new Set<string>();
  const botNames = scenario.bots.map((b) => b.name);
  const roster = (): Speaker[] =>
    [...scenario.humans, ...botNames].map((name, i) => ({
      name,
      id: i + 1,
      isSpeaking: speaking.has(name) && (scenario.humans.includes(name) || scenario.botSpeakerEvents === true),
      timestamp: Date.now(),
    }));
  const toAll = (f: () => Frame, except?: SimBotRun) => {
    for (const bot of run.bots) if (bot !== except) void bot.pipeline.queue(f());
  };
  const flag = (name: string, on: boolean) => {
    if (on) speaking.add(name);
    else speaking.delete(name);
    setTimeout(() => toAll(() => frame("speakers-update", { speakers: roster() })), SPEAKER_EVENT_LAG_MS);
  };

  for (const spec of scenario.bots) {
    const membership = groups.join(undefined, options.isolated ? spec.id : scenario.name, { holderId: spec.id, displayName: spec.name, names: [spec.persona, ...spec.aliases] });
    const bot = await startSimBot(spec, membership, options.isolated === true, botNames, run, {
      // What one bot says reaches the others like a person's speech.
      started: () => {
        setTimeout(() => {
          for (const other of run.bots) if (other !== bot) other.audible.add(spec.name);
          flag(spec.name, true);
        }, BOT_ECHO_DELAY_MS);
        setTimeout(() => toAll(() => frame("user-started-speaking"), bot), BOT_ECHO_DELAY_MS + SIM_DELAYS.vadStartMs);
      },
      stopped: () => {
        setTimeout(() => {
          for (const other of run.bots) other.audible.delete(spec.name);
          flag(spec.name, false);
        }, BOT_ECHO_DELAY_MS);
        setTimeout(() => toAll(() => frame("user-stopped-speaking"), bot), BOT_ECHO_DELAY_MS + SIM_DELAYS.vadStopMs);
        // A reply cut off before its first word leaves nothing to transcribe.
        setTimeout(() => {
          if (bot.lastSpoken) toAll(() => frame("transcription", { text: bot.lastSpoken, speaker: null, language: "en-US" }), bot);
        }, BOT_ECHO_DELAY_MS + SIM_DELAYS.vadStopMs + SIM_DELAYS.sttFinalMs);
      },
    });
    run.bots.push(bot);
  }
  toAll(() => frame("speakers-update", { speakers: roster() }));
  await pause(500);
  if (scenario.greet) for (const bot of run.bots) void bot.pipeline.queue(frame("speak", { text: `Hello everyone, I am ${bot.spec.name}.`, turnId: 0 }));

  for (const utterance of scenario.utterances) {
    await waitQuiet(run);
    await pause(GAP_MS);
    run.lines.push({ at: now(), text: `${utterance.speaker}: ${utterance.text}` });
    const begin = now();
    const duration = utterance.text.split(/\s+/).length * MS_PER_WORD;
    for (const bot of run.bots) bot.audible.add(utterance.speaker);
    flag(utterance.speaker, true);
    await pause(SIM_DELAYS.vadStartMs);
    toAll(() => frame("user-started-speaking"));
    await pause(duration - SIM_DELAYS.vadStartMs);
    for (const bot of run.bots) bot.audible.delete(utterance.speaker);
    flag(utterance.speaker, false);
    run.spans.push({ utterance, start: begin, end: now() });
    await pause(SIM_DELAYS.vadStopMs);
    toAll(() => frame("user-stopped-speaking"));
    await pause(SIM_DELAYS.sttFinalMs);
    toAll(() => frame("transcription", { text: utterance.text, speaker: null, language: "en-US" }));
  }
  const tailFrom = run.spans.at(-1)?.end ?? 0;
  await pause(Math.max(0, tailFrom + scenario.tailMs - now()));
  await waitQuiet(run);
  for (const bot of run.bots) {
    await bot.pipeline.cancel("meeting over");
    await bot.pipeline.stop("meeting over");
    await bot.membership.leave();
  }
  await groups.close();
  return scoreGroupMeeting(run, tailFrom);
}

/** Waits until no bot has spoken or prepared a reply for a while (bots may answer each other). */
async function waitQuiet(run: GroupRun): Promise<void> {
  let quietFor = 0;
  for (let waited = 0; waited < MAX_WAIT_MS && quietFor < QUIET_HOLD_MS; waited += 50) {
    await pause(50);
    const busy = run.bots.some((b) => b.output.speaking || b.inFlight.size > 0 || b.audible.size > 0);
    quietFor = busy ? 0 : quietFor + 50;
  }
}
