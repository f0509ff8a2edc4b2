/**
 * A bot's cluster record keeps the meeting group it was sent to: a relaunch on another worker
 * replays the stored request, so the moved bot rejoins the same siblings.
 */
import { describe, expect, it } from "vitest";
import { botRequestSchema } from "../bot-request.js";
import { clusterBotInfo, newRecordFields, parseRecord } from "./cluster-bot-record.js";

const stored = (fields: Record<string, unknown>) => {
  const request = botRequestSchema.parse({ meeting_url: "https://meet.google.com/abc-defg-hij?authuser=1", ...fields });
  const hash = { ...newRecordFields({ botId: "bot-1", tenant: "t", request, apiKey: "k", mayUseServerKey: false, now: "2025-01-01T00:00:00.000Z" }), provider: "meetingbaas" };
  return parseRecord(hash);
};

describe("cluster bot record", () => {
  it("replays the meeting group the request named", () => {
    const record = stored({ meeting_group: "  Weekly sync " });
    expect(record?.request.meeting_group).toBe("Weekly sync");
    expect(record && clusterBotInfo(record, []).meeting_group).toBe("Weekly sync");
  });

  it("falls back to the meeting URL's group, as the worker computes it", () => {
    const record = stored({});
    expect(record?.request.meeting_group).toBeUndefined();
    expect(record && clusterBotInfo(record, []).meeting_group).toBe("meet.google.com/abc-defg-hij");
  });
});
