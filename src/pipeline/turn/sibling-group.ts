/**
 * @module pipeline/turn/sibling-group
 * What a bot knows of the other bots of its server in the same meeting (its siblings), as the
 * turn stages use it: their names, when each was speaking (the server produced their audio, so this
 * is exact), the floor they share, the claim round that picks one of them for a question to the
 * room, and the count of bot-to-bot replies since a person last spoke. The bots layer implements
 * it; a bot alone in its meeting has none.
 */
import type { Floor } from "./floor.js";

/** One bot's bid to answer a person's turn that did not call anyone by name. */
export interface TurnClaim {
  /** The bot's holder id on the floor (its bot id). */
  holder: string;
  /** The bot answered this speaker last and nobody spoke since: it keeps the thread. */
  followUp: boolean;
  /** The bot is within its participation budget. */
  withinBudget: boolean;
  /** How well the question matches the bot's persona (see claims.ts). */
  relevance: number;
  /** The bot's talk time in the last 10 minutes, ms. */
  talkMs: number;
}

export interface SiblingSpeech {
  /** The sibling's display name in the meeting. */
  name: string;
  /** How much of the span it was speaking, ms. */
  overlapMs: number;
}

export interface SiblingGroup {
  /** The floor all bots of the meeting share. */
  readonly floor: Floor;
  /** Every name the siblings answer to (display names, persona names, aliases). */
  siblingNames(): string[];
  /** The sibling's display name when `name` is one of its names; null for anyone else. */
  siblingNamed(name: string): string | null;
  /** The sibling heard most during [start, end] (performance.now() clock), or null. */
  siblingSpeaking(start: number, end: number): SiblingSpeech | null;
  /** This bot's own voice started or stopped. */
  speaking(on: boolean, at: number): void;
  /**
   * Enters this bot's claim on the person's turn just finished; resolves true when it is the one to
   * answer. `heardAt` is when the bot heard the utterance end (performance.now() clock): bots in
   * other processes use it to tell whether their claims are on the same utterance.
   */
  settle(claim: TurnClaim, heardAt?: number): Promise<boolean>;
  /** Tells the round for the person's turn just finished that this bot will not answer it. */
  pass(heardAt?: number): void;
  /** A person took a substantive turn: bot-to-bot replies may start again. */
  humanTurn(): void;
  /**
   * Whether one more bot-to-bot reply is allowed under `limit`; counts it when it is. Answered at
   * once when every sibling is in this process; a promise when the count is shared across processes.
   */
  takeBotExchange(limit: number): boolean | Promise<boolean>;
}
