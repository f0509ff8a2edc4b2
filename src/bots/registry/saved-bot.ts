/**
 * @module bots/registry/saved-bot
 * One bot as the registry keeps it on disk: enough to answer status queries after a restart, to
 * rebuild its engine under the same stream id, and to make it leave with the key it was sent with.
 */
import { z } from "zod";
import type { ResolvedPersona } from "../../core/bot-contracts.js";
import type { BotInfo, BotStatus } from "../bot-request.js";

/** What is known when a bot is launched, before the provider has answered. */
export interface NewSavedBot {
  clientId: string;
  provider: string;
  meetingUrl: string;
  botName: string;
  /** The persona exactly as the bot speaks it, so a resumed bot is the same bot. */
  persona: ResolvedPersona;
  pipeline: "builtin" | "pipecat";
  recorder: boolean;
  enableTools: boolean;
  audioFrequency: 16000 | 24000;
  /** The MeetingBaas key the bot was sent with: needed to make it leave after a crash. */
  apiKey: string | undefined;
  tenant: string | undefined;
  /** The meeting group the bot joined (named in the request, or its URL's default), kept for a resume. */
  meetingGroup: string;
}

export interface SavedBot extends Omit<NewSavedBot, "persona" | "apiKey" | "tenant"> {
  providerBotId: string | null;
  /** `null` when the stored snapshot cannot be read: such a bot cannot be resumed. */
  persona: ResolvedPersona | null;
  personaKey: string;
  status: BotStatus;
  lastError: string | null;
  apiKey: string | null;
  tenant: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

export const FINAL_STATUSES: readonly BotStatus[] = ["ended", "failed"];

const personaSnapshotSchema = z.object({
  key: z.string().min(1),
  name: z.string().min(1),
  systemPrompt: z.string(),
  entryMessage: z.string().optional(),
  voiceId: z.string().optional(),
  gender: z.string().optional(),
  language: z.string().min(1),
  image: z.string().optional(),
  chosenBy: z.string(),
});

/** Reads a stored persona snapshot; anything unreadable is `null` rather than a half persona. */
export function parsePersonaSnapshot(json: string | null): ResolvedPersona | null {
  if (!json) return null;
  try {
    const parsed = personaSnapshotSchema.safeParse(JSON.parse(json));
    if (!parsed.success) return null;
    const persona = parsed.data;
    return {
      ...persona,
      entryMessage: persona.entryMessage,
      voiceId: persona.voiceId,
      gender: persona.gender,
      image: persona.image,
    };
  } catch {
    // Not JSON at all: the row is kept for status queries but the bot cannot be rebuilt.
    return null;
  }
}

/** The public view of a bot that is no longer running in this process. */
export function savedBotInfo(saved: SavedBot): BotInfo {
  return {
    bot_id: saved.providerBotId ?? saved.clientId,
    bot_name: saved.botName,
    status: saved.status,
    speaking: false,
    persona: saved.personaKey,
    meeting_url: saved.meetingUrl,
    provider: saved.provider,
    pipeline: saved.pipeline,
    recorder: saved.recorder,
    started_at: saved.createdAt,
    ended_at: saved.endedAt,
    last_error: saved.lastError,
    metrics: { turns: [], stages: {} },
    roster: [],
    turn_decisions: [],
    meeting_group: saved.meetingGroup,
    siblings: [],
    participation: null,
  };
}

/** A saved bot that can be rebuilt: its persona was read back and the provider had accepted it. */
export type ResumableBot = SavedBot & { persona: ResolvedPersona; providerBotId: string };
