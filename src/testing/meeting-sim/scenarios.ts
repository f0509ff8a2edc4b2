/**
 * @module testing/meeting-sim/scenarios
 * Scripted meetings for the meeting simulator. Each utterance says who speaks, what they say, what
 * the recogniser writes (with the misspellings real recognisers make of names; empty for a cough),
 * and whether the bot should answer it. `|` in a line marks a pause inside the sentence long enough for the VAD to call
 * it a stop. The bot is "Sam" (persona "Product Manager", alias "Sammy") in every meeting.
 */

export type Expectation = "speak" | "silent";

export interface ScriptedUtterance {
  speaker: string;
  /** What is said; `|` marks a pause in the middle of it. */
  text: string;
  /** What the recogniser transcribes, segment by segment, when it differs from `text`. */
  heard?: string;
  expect: Expectation;
  /** Kind of case, for the report: side talk, addressed, follow-up, room question… */
  kind: string;
  /** Silence before this utterance, after the previous one (or the bot's reply) ended. Default 700 ms. */
  gapMs?: number;
  /** Start this long after the bot starts its reply to the previous utterance (talking over it). */
  overBotAfterMs?: number;
  /** Start this long after the previous utterance ended, whatever the bot is doing (at least the VAD's stop delay). */
  afterPreviousMs?: number;
  /** Pause length at each `|`. Default 900 ms. */
  pauseMs?: number;
}

export interface Scenario {
  name: string;
  humans: string[];
  /** The bot's role makes it answer questions put to the whole room. */
  answersRoomQuestions?: boolean;
  utterances: ScriptedUtterance[];
}

export const SIM_BOT = { name: "Sam", persona: "Product Manager", aliases: ["Sammy"] } as const;

export const SCENARIOS: Scenario[] = [
  {
    name: "side talk",
    humans: ["Alice", "Bob"],
    utterances: [
      { speaker: "Alice", text: "Bob, did you see the build this morning?", expect: "silent", kind: "addressed to another" },
      { speaker: "Bob", text: "Yes, it is green again.", expect: "silent", kind: "side talk" },
      { speaker: "Alice", text: "Nice. Should we merge the branch today?", expect: "silent", kind: "side talk" },
      { speaker: "Bob", text: "I would wait for the review first.", expect: "silent", kind: "side talk" },
      { speaker: "Alice", text: "Okay, let us do it after lunch.", expect: "silent", kind: "side talk" },
    ],
  },
  {
    name: "addressed questions",
    humans: ["Alice", "Bob", "Carol"],
    utterances: [
      { speaker: "Alice", text: "Sam, what is on the agenda today?", expect: "speak", kind: "addressed" },
      { speaker: "Bob", text: "Mm-hm.", expect: "silent", kind: "backchannel while the bot prepares its answer", afterPreviousMs: 400 },
      { speaker: "Carol", text: "Can you remind us of the deadline, Sam?", expect: "speak", kind: "addressed" },
      { speaker: "Bob", text: "Carol, is that the hard deadline?", expect: "silent", kind: "addressed to another" },
      { speaker: "Carol", text: "Yes, marketing needs it by then.", expect: "silent", kind: "side talk" },
      { speaker: "Bob", text: "Hey Sam, who owns the launch email?", expect: "speak", kind: "addressed" },
    ],
  },
  {
    name: "follow-ups",
    humans: ["Alice", "Bob"],
    utterances: [
      { speaker: "Alice", text: "Sam, how many tickets are still open?", expect: "speak", kind: "addressed" },
      { speaker: "Alice", text: "And how many of them are bugs?", expect: "speak", kind: "follow-up", gapMs: 900 },
      { speaker: "Bob", text: "I fixed two of those yesterday.", expect: "silent", kind: "side talk" },
      { speaker: "Alice", text: "Great, which ones are left?", expect: "silent", kind: "not a follow-up (Bob spoke)" },
      { speaker: "Bob", text: "Sam, can you list the remaining bugs?", expect: "speak", kind: "addressed" },
      { speaker: "Bob", text: "Thanks, Sam.", expect: "silent", kind: "acknowledgement" },
    ],
  },
  {
    name: "room questions, contributor",
    humans: ["Alice", "Bob", "Carol"],
    answersRoomQuestions: true,
    utterances: [
      { speaker: "Alice", text: "Does anyone know when the release is planned?", expect: "speak", kind: "room question" },
      { speaker: "Alice", text: "Anyone else have thoughts?", expect: "silent", kind: "room question already answered" },
      { speaker: "Bob", text: "I think it moved to Friday.", expect: "silent", kind: "side talk" },
      { speaker: "Carol", text: "Any thoughts on the product name?", expect: "speak", kind: "room question" },
      { speaker: "Bob", text: "I like the short one.", expect: "silent", kind: "side talk" },
    ],
  },
  {
    name: "room questions, not its role",
    humans: ["Alice", "Bob"],
    utterances: [
      { speaker: "Alice", text: "Does anybody have the link to the design doc?", expect: "silent", kind: "room question (not its role)" },
      { speaker: "Bob", text: "I will paste it in the chat.", expect: "silent", kind: "side talk" },
      { speaker: "Alice", text: "Sam, do you have the latest version?", expect: "speak", kind: "addressed" },
      { speaker: "Bob", text: "What does everyone think about the layout?", expect: "silent", kind: "room question (not its role)" },
    ],
  },
  {
    name: "pauses mid-sentence",
    humans: ["Alice", "Bob"],
    utterances: [
      { speaker: "Alice", text: "Sam, I was wondering whether | the migration and | the rollout could happen in the same week?", expect: "speak", kind: "addressed, long sentence" },
      { speaker: "Bob", text: "So what I am trying to say is that | we need more testers before that.", expect: "silent", kind: "side talk, long sentence" },
      { speaker: "Alice", text: "Bob, if we hire two contractors | would that be enough?", expect: "silent", kind: "addressed to another, long sentence" },
      { speaker: "Bob", text: "Probably, yes.", expect: "silent", kind: "side talk" },
    ],
  },
  {
    name: "misheard names",
    humans: ["Alice", "Bob"],
    utterances: [
      { speaker: "Alice", text: "Sam, can you summarise the plan?", heard: "Sem, can you summarise the plan?", expect: "speak", kind: "addressed, misheard" },
      { speaker: "Bob", text: "Some of us think the plan is too late.", expect: "silent", kind: "side talk (sounds like the name)" },
      { speaker: "Alice", text: "I told Sam about that yesterday.", expect: "silent", kind: "name mentioned, not called" },
      { speaker: "Bob", text: "What do you think, Sam?", heard: "what do you think samm", expect: "speak", kind: "addressed, misheard" },
      { speaker: "Alice", text: "Sammy, any risks we missed?", heard: "Semmy any risks we missed", expect: "speak", kind: "alias, misheard" },
    ],
  },
  {
    name: "talking over the bot",
    humans: ["Alice", "Bob"],
    utterances: [
      { speaker: "Alice", text: "Sam, walk us through the roadmap please.", expect: "speak", kind: "addressed" },
      { speaker: "Bob", text: "Yeah.", expect: "silent", kind: "backchannel over the reply", overBotAfterMs: 900 },
      { speaker: "Alice", text: "Sam, what about the mobile app?", expect: "speak", kind: "addressed" },
      { speaker: "Bob", text: "Ahem, ahem.", heard: "", expect: "silent", kind: "cough over the reply", overBotAfterMs: 900 },
      { speaker: "Bob", text: "Alice, can we take this offline?", expect: "silent", kind: "addressed to another", gapMs: 2000 },
    ],
  },
  {
    name: "one person",
    humans: ["Alice"],
    utterances: [
      { speaker: "Alice", text: "What is the weather like in Paris today?", expect: "speak", kind: "one person" },
      { speaker: "Alice", text: "And tomorrow?", expect: "speak", kind: "one person" },
      { speaker: "Alice", text: "Tell me about the launch plan.", expect: "speak", kind: "one person" },
      { speaker: "Alice", text: "Mm-hm.", expect: "silent", kind: "backchannel over the reply", overBotAfterMs: 800 },
      { speaker: "Alice", text: "I think that | the budget is too small.", expect: "speak", kind: "one person, long sentence" },
    ],
  },
];
