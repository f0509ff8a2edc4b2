/**
 * @module meeting/provider-events/provider-event
 * What a provider can tell us about a bot, whatever channel it uses (a status webhook, or an event
 * on its stream), in our own terms.
 */
import type { ParticipantChange } from "../provider-stream/stream-adapter.js";

export type ProviderEvent =
  | { kind: "participant"; change: ParticipantChange }
  /** The bot was admitted to the call. */
  | { kind: "in-call"; evidence: string }
  /** The call is over for the bot (it left, was removed, or the meeting ended). */
  | { kind: "ended"; reason: string }
  /** The provider gave up on the bot. */
  | { kind: "failed"; reason: string };
