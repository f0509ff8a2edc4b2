/**
 * @module meeting/recall/recall-page
 * Where Recall.ai's bot finds our Output Media page for one bot: `/recall/agent/<token>` on the
 * public address the bot's stream uses. The token is derived from the bot's client id (a one-way
 * HMAC), so the page works again after a restart without storing anything, and knowing the page's
 * address does not reveal the stream URL.
 */
import { createHmac } from "node:crypto";

export const RECALL_AGENT_PREFIX = "/recall/agent";

export function recallPageToken(clientId: string): string {
  return createHmac("sha256", clientId).update("recall-output-media-page").digest("base64url").slice(0, 32);
}

/** The page's https (or, on a loopback development server, http) URL for this bot. */
export function recallPageUrl(streamBase: string, clientId: string): string {
  const base = streamBase.replace(/^ws(s?):/, "http$1:").replace(/\/+$/, "");
  return `${base}${RECALL_AGENT_PREFIX}/${recallPageToken(clientId)}`;
}
