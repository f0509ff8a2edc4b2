/**
 * @module pipeline/frames
 * Everything that moves through a bot's pipeline is a frame. Each frame type has a scheduling kind:
 * - `system` frames are handled the moment they arrive and never wait behind queued data
 *   (input audio, speaking events, interruptions, cancel, errors);
 * - `data` frames are handled in order and discarded by an interruption (text, transcripts, TTS audio);
 * - `control` frames are handled in order; those marked `uninterruptible` survive an interruption.
 */
import type { Speaker } from "../core/speaker.js";
import type { ToolCall } from "../core/tool-call.js";

/** Signed 16-bit little-endian mono PCM, as samples. */
export type Pcm16 = Int16Array;

export type Direction = "downstream" | "upstream";

interface FrameCommon {
  /** Monotonic id, unique within the process. */
  readonly id: number;
  /** `performance.now()` when the frame was created. */
  readonly createdAt: number;
}

export type { Speaker, ToolCall };

/** Frames and their payloads, keyed by type. The kind of each type is fixed in FRAME_KINDS. */
export interface FramePayloads {
  start: { sampleRate: number };
  end: { reason: string };
  cancel: { reason: string };
  /** `source` names the stage that reported it; `fatal` means the stage cannot go on. */
  error: { error: Error; fatal: boolean; source: string };
  "input-audio": { audio: Pcm16; sampleRate: number };
  "speakers-update": { speakers: Speaker[] };
  "user-started-speaking": Record<string, never>;
  "user-stopped-speaking": Record<string, never>;
  interruption: Record<string, never>;
  "bot-started-speaking": Record<string, never>;
  "bot-stopped-speaking": Record<string, never>;
  /** `diarization`: the recogniser's own label for the voice ("0", "1"…), where it diarizes. */
  "interim-transcription": { text: string; speaker: string | null; language: string | null; diarization?: string | null };
  transcription: { text: string; speaker: string | null; language: string | null; diarization?: string | null };
  /** Ask the LLM stage to answer the conversation as it now stands. */
  "llm-run": { turnId: number; instruction?: string };
  "llm-response-start": { turnId: number };
  "llm-text": { text: string; turnId: number };
  "llm-response-end": { turnId: number; aborted: boolean };
  "tool-call": { call: ToolCall; turnId: number };
  "tool-result": { callId: string; name: string; result: string; turnId: number };
  /** Text to be spoken as is (entry message, fallback sentences). */
  speak: { text: string; turnId: number };
  "tts-started": { turnId: number };
  "tts-audio": { audio: Pcm16; sampleRate: number; turnId: number; text: string | null };
  "tts-stopped": { turnId: number };
  /** Upstream: the output stage tells earlier stages what was really heard in the meeting. */
  "bot-spoken-text": { text: string; turnId: number; complete: boolean };
  /** A finished human turn and whether the bot takes it (`turnId` is the reply's, or null), with the reason. */
  "turn-decision": { speaker: string | null; text: string; speak: boolean; reason: string; turnId: number | null };
  /** Upstream: a reply was given up before it was heard (the floor never came free, the talk moved on). */
  "reply-dropped": { turnId: number; reason: string };
  /** The interruption of this reply was a false alarm (a cough, a noise): play the rest of it. */
  "reply-resume": { turnId: number };
}

export type FrameType = keyof FramePayloads;
export type FrameKind = "system" | "data" | "control";

export const FRAME_KINDS: { readonly [T in FrameType]: FrameKind } = {
  start: "system",
  end: "control",
  cancel: "system",
  error: "system",
  "input-audio": "system",
  "speakers-update": "system",
  "user-started-speaking": "system",
  "user-stopped-speaking": "system",
  interruption: "system",
  "bot-started-speaking": "system",
  "bot-stopped-speaking": "system",
  "interim-transcription": "system",
  transcription: "data",
  "llm-run": "data",
  "llm-response-start": "control",
  "llm-text": "data",
  "llm-response-end": "control",
  "tool-call": "data",
  "tool-result": "data",
  speak: "data",
  "tts-started": "control",
  "tts-audio": "data",
  "tts-stopped": "control",
  "bot-spoken-text": "system",
  "turn-decision": "system",
  "reply-dropped": "system",
  "reply-resume": "system",
};

/** Ordered frames that an interruption must not discard. */
const UNINTERRUPTIBLE: ReadonlySet<FrameType> = new Set<FrameType>(["end"]);

export type FrameOf<T extends FrameType> = FrameCommon & { readonly type: T } & Readonly<FramePayloads[T]>;
export type Frame = { [T in FrameType]: FrameOf<T> }[FrameType];

let nextFrameId = 1;

/** Creates a frame of the given type; the payload is checked against the type at compile time. */
export function frame<T extends FrameType>(type: T, ...payload: FramePayloads[T] extends Record<string, never> ? [] : [FramePayloads[T]]): FrameOf<T> {
  return { id: nextFrameId++, createdAt: performance.now(), type, ...(payload[0] ?? {}) } as FrameOf<T>;
}

export function frameKind(f: Frame): FrameKind {
  return FRAME_KINDS[f.type];
}

export function isSystemFrame(f: Frame): boolean {
  return FRAME_KINDS[f.type] === "system";
}

export function isUninterruptible(f: Frame): boolean {
  return UNINTERRUPTIBLE.has(f.type);
}

/** Narrows a frame to one type. */
export function isFrame<T extends FrameType>(f: Frame, type: T): f is Extract<Frame, { type: T }> {
  return f.type === type;
}
