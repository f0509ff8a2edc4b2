/**
 * @module bots/provider-events
 * Applies what a provider reported to the bot it concerns: participant changes become whole
 * rosters (one roster per bot, kept as long as the bot), admission marks the bot in the call, the
 * end of the call makes it leave, and a provider's failure fails it.
 */
import type { Bot } from "./bot.js";
import type { ParticipantChange } from "../meeting/provider-stream/stream-adapter.js";
import { ParticipantRoster } from "../meeting/provider-events/participant-roster.js";
import type { ProviderEvent } from "../meeting/provider-events/provider-event.js";

const rosters = new WeakMap<Bot, ParticipantRoster>();

export function applyParticipantChange(bot: Bot, change: ParticipantChange): void {
  let roster = rosters.get(bot);
  if (!roster) {
    roster = new ParticipantRoster(bot.settings.botName);
    rosters.set(bot, roster);
  }
  const speakers = roster.apply(change);
  if (speakers) bot.receiveSpeakers(speakers);
}

export async function applyProviderEvent(bot: Bot, event: ProviderEvent): Promise<void> {
  switch (event.kind) {
    case "participant":
      applyParticipantChange(bot, event.change);
      return;
    case "in-call":
      bot.markInCall(event.evidence);
      return;
    case "ended":
      await bot.leave();
      return;
    case "failed":
      bot.fail(`provider reported failure: ${event.reason.slice(0, 300)}`);
      return;
  }
}
