/**
 * @module server/routes/metrics
 * `GET /metrics` in the Prometheus text format: bots by status, per-stage turn latency percentiles
 * over the recent turns of every bot, every turn-taking decision by outcome and reason, and the
 * process's own figures (memory, event-loop delay).
 */
import type { FastifyPluginAsync } from "fastify";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { BotManager } from "../../bots/bot-manager.js";
import { decisionCounts } from "../../pipeline/turn/decision-counters.js";
import { percentile } from "../../util/percentile.js";

const QUANTILES = [0.5, 0.95, 0.99] as const;

export function createMetricsRegistry(bots: BotManager): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "speaking_bots_" });
  new Gauge({
    name: "speaking_bots_bots",
    help: "Bots known to this server, by status",
    labelNames: ["status"],
    registers: [registry],
    collect() {
      this.reset();
      for (const bot of bots.list()) this.inc({ status: bot.status });
    },
  });
  new Gauge({
    name: "speaking_bots_turn_stage_milliseconds",
    help: "Milliseconds from the end of user speech to each pipeline stage, over the recent turns of all bots",
    labelNames: ["stage", "quantile"],
    registers: [registry],
    collect() {
      this.reset();
      const byStage = new Map<string, number[]>();
      for (const bot of bots.list()) {
        for (const turn of bot.info().metrics.turns) {
          for (const [stage, value] of Object.entries(turn)) {
            if (typeof value !== "number") continue;
            const values = byStage.get(stage) ?? [];
            values.push(value);
            byStage.set(stage, values);
          }
        }
      }
      for (const [stage, values] of byStage) {
        for (const q of QUANTILES) this.set({ stage, quantile: String(q) }, percentile(values, q) ?? 0);
      }
    },
  });
  new Counter({
    name: "speaking_bots_turn_decisions_total",
    help: "Turn-taking decisions of all bots: speak or silent per finished human turn, held/dropped/resumed replies, interrupt/ignored speech over a bot; by reason",
    labelNames: ["outcome", "reason"],
    registers: [registry],
    collect() {
      this.reset();
      for (const { outcome, reason, count } of decisionCounts()) this.inc({ outcome, reason }, count);
    },
  });
  return registry;
}

export function metricsRoutes(bots: BotManager): FastifyPluginAsync {
  const registry = createMetricsRegistry(bots);
  return async (app) => {
    app.get("/metrics", { schema: { tags: ["service"], summary: "Prometheus metrics", hide: false } }, async (_request, reply) => {
      reply.header("content-type", registry.contentType);
      return registry.metrics();
    });
  };
}
