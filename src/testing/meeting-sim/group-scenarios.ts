/**
 * @module testing/meeting-sim/group-scenarios
 * Scripted meetings with several bots of one server. Each person's line says which bot should
 * answer: `one` (exactly one of them, any), `none`, or a bot's name. The bots greet when
 * `greet` is set. After the last line the meeting goes on for `tailMs` with no person speaking,
 * to count what the bots say to each other.
 */

export interface SimBot {
  id: string;
  name: string;
  persona: string;
  aliases: string[];
  /** What the persona is about, for the relevance of room questions. */
  description: string;
}

export type GroupExpectation = "one" | "none" | string;

export interface GroupUtterance {
  speaker: string;
  text: string;
  expect: GroupExpectation;
  kind: string;
}

export interface GroupScenario {
  name: string;
  humans: string[];
  bots: SimBot[];
  utterances: GroupUtterance[];
  /** Each bot says its entry line when the meeting starts. */
  greet?: boolean;
  /** The provider's speaker events also flag the bots; off, the server's own knowledge must do. */
  botSpeakerEvents?: boolean;
  tailMs: number;
}

const SAM: SimBot = { id: "bot-sam", name: "Sam", persona: "Product Manager", aliases: ["Sammy"], description: "You keep the discussion anchored on users, outcomes, the roadmap and the release plan." };
const ALEX: SimBot = { id: "bot-alex", name: "Alex", persona: "Pair Programmer", aliases: [], description: "You review code, tests, builds and deployments, and explain bugs." };
const RILEY: SimBot = { id: "bot-riley", name: "Riley", persona: "Meeting Facilitator", aliases: [], description: "You keep time, the agenda and the action items of the meeting." };

export const GROUP_SCENARIOS: GroupScenario[] = [
  {
    name: "two bots, one person",
    humans: ["Alice"],
    bots: [SAM, ALEX],
    tailMs: 120_000,
    utterances: [
      { speaker: "Alice", text: "Hi everyone, how is everybody doing today?", expect: "one", kind: "greeting to everyone" },
      { speaker: "Alice", text: "Alex, can you check the deployment logs?", expect: "Alex", kind: "addressed by name" },
      { speaker: "Alice", text: "What do we know about the failing tests and builds?", expect: "one", kind: "question to the room" },
      { speaker: "Alice", text: "Sam, what is on the roadmap for next month?", expect: "Sam", kind: "addressed by name" },
    ],
  },
  {
    name: "three bots, two people",
    humans: ["Alice", "Bob"],
    bots: [SAM, ALEX, RILEY],
    tailMs: 120_000,
    utterances: [
      { speaker: "Alice", text: "Hello everyone, shall we start?", expect: "one", kind: "greeting to everyone" },
      { speaker: "Bob", text: "Alice, did you see the build this morning?", expect: "none", kind: "addressed to a person" },
      { speaker: "Alice", text: "Yes, it is green again.", expect: "none", kind: "side talk" },
      { speaker: "Bob", text: "Does anyone know what users said about the roadmap?", expect: "one", kind: "question to the room" },
      { speaker: "Alice", text: "Riley, can you keep time today?", expect: "Riley", kind: "addressed by name" },
      { speaker: "Bob", text: "Any thoughts on the agenda?", expect: "one", kind: "question to the room" },
    ],
  },
  {
    name: "bot names bot",
    humans: ["Alice"],
    bots: [SAM, ALEX],
    tailMs: 120_000,
    utterances: [{ speaker: "Alice", text: "Sam, please ask Alex about the test plan.", expect: "Sam", kind: "addressed by name, asks a bot" }],
  },
  {
    name: "three bots, one person, bots name each other",
    humans: ["Alice"],
    bots: [SAM, ALEX, RILEY],
    botSpeakerEvents: true,
    tailMs: 120_000,
    utterances: [
      { speaker: "Alice", text: "Good morning everyone, any news?", expect: "one", kind: "greeting to everyone" },
      { speaker: "Alice", text: "Riley, please ask Sam about the release.", expect: "Riley", kind: "addressed by name, asks a bot" },
    ],
  },
  {
    name: "bots with nobody speaking",
    humans: [],
    bots: [SAM, ALEX, RILEY],
    greet: true,
    tailMs: 120_000,
    utterances: [],
  },
];
