/**
 * @module server/health-report
 * Builds the `/health` answer: uptime, bots, and which providers are in use and why. The reasons
 * quote settings such as LLM_BASE_URL, so credentials and passcodes in them are redacted.
 */
import type { BotManager } from "../bots/bot-manager.js";
import type { MeetingProviderStatus } from "../meeting/provider-registry.js";
import type { ProviderPlan } from "../services/select-providers.js";
import type { Health } from "./routes/health.js";
import { redactDeep } from "../util/redact.js";
import { VERSION } from "../core/version.js";

const startedAt = Date.now();

export function buildHealthReport(plan: ProviderPlan, meetingProviders: string[], bots: BotManager, meetingStatus: MeetingProviderStatus[] = []): Health {
  const warnings = [plan.stt, plan.llm, plan.tts].filter((choice) => choice.name === "none").map((choice) => `${choice.reason}; missing: ${choice.missing.join(", ")}`);
  const report: Health = {
    status: warnings.length ? "degraded" : "ok",
    service: "speaking-bots",
    version: VERSION,
    uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
    bots: { running: bots.activeCount, total: bots.list().length },
    providers: {
      meeting: meetingProviders,
      meeting_configured: meetingStatus,
      vad: { name: "silero", reason: "Silero VAD v5 on onnxruntime, one model shared by all bots", missing: [] },
      stt: plan.stt,
      llm: plan.llm,
      tts: plan.tts,
    },
    warnings,
  };
  return redactDeep(report);
}
