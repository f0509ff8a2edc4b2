import { describe, expect, it } from "vitest";
import type { BotManager } from "../bots/bot-manager.js";
import { testConfig } from "../config.js";
import { planProviders } from "../services/select-providers.js";
import { buildHealthReport } from "./health-report.js";

describe("health report", () => {
  it("never shows credentials from LLM_BASE_URL", () => {
    const plan = planProviders(testConfig({ LLM_BASE_URL: "https://ada:hunter2@llm.internal/v1?api_key=sk-live-1" }));
    const noBots = { activeCount: 0, list: () => [] } as unknown as BotManager;
    const text = JSON.stringify(buildHealthReport(plan, ["local"], noBots));
    expect(text).toContain("llm.internal/v1");
    expect(text).not.toMatch(/hunter2|sk-live-1|ada:/);
  });
});
