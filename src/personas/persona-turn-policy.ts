/**
 * @module personas/persona-turn-policy
 * A persona's say in turn-taking, from its metadata: `turn_mode` (auto, addressed, always,
 * listen_only), `aliases` (comma-separated names it also answers to) and `room_questions` (answer
 * or ignore: whether its role is to contribute when someone asks the whole room).
 */
import { AppError } from "../core/errors.js";
import { TURN_MODES, type TurnPolicyInput } from "../core/turn-policy.js";
import type { PersonaMetadata } from "./persona.js";

export const TURN_METADATA_KEYS = ["turn_mode", "aliases", "room_questions"] as const;

const text = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join(", ") : (value ?? "")).trim();

/** Reads the turn-taking keys; throws PERSONA_INVALID naming the key when a value is not allowed. */
export function personaTurnPolicy(metadata: PersonaMetadata, source = "persona"): TurnPolicyInput | undefined {
  const input: TurnPolicyInput = {};
  const mode = text(metadata.turn_mode);
  if (mode) {
    if (!(TURN_MODES as readonly string[]).includes(mode)) {
      throw new AppError("PERSONA_INVALID", `${source}: metadata turn_mode must be one of ${TURN_MODES.join(", ")}, not "${mode.slice(0, 40)}"`);
    }
    input.mode = mode as TurnPolicyInput["mode"];
  }
  const aliases = text(metadata.aliases)
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (aliases.length) {
    if (aliases.length > 20 || aliases.some((a) => a.length > 60)) throw new AppError("PERSONA_INVALID", `${source}: metadata aliases allows at most 20 names of 60 characters`);
    input.aliases = aliases;
  }
  const room = text(metadata.room_questions);
  if (room) {
    if (room !== "answer" && room !== "ignore") throw new AppError("PERSONA_INVALID", `${source}: metadata room_questions must be answer or ignore, not "${room.slice(0, 40)}"`);
    input.room_questions = room;
  }
  return Object.keys(input).length ? input : undefined;
}
