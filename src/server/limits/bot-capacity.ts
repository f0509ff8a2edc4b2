/**
 * @module server/limits/bot-capacity
 * Admission control for new bots: a tenant may run at most MAX_BOTS_PER_TENANT bots (429 past
 * that) and the server at most MAX_BOTS (503). A slot is reserved before the slow part of a launch
 * (persona, provider call) begins, so a burst of requests cannot all slip under the cap together.
 */

/** Seconds a refused caller is asked to wait; bots free their slot when their meeting ends. */
export const CAPACITY_RETRY_AFTER_SECONDS = 60;

export interface CapacityRefusal {
  status: 429 | 503;
  retryAfterSeconds: number;
  body: { code: "TENANT_BOT_LIMIT" | "SERVER_FULL"; message: string; limit: "MAX_BOTS_PER_TENANT" | "MAX_BOTS"; max: number };
}

export interface CapacityLease {
  /** Frees the reservation: call once the launch has settled (the bot, if any, now counts itself). */
  release(): void;
}

export class BotCapacity {
  private pendingTotal = 0;
  private readonly pendingByTenant = new Map<string, number>();

  /** `activeBots(tenant)` counts a tenant's live bots, or every live bot when tenant is undefined. */
  constructor(
    private readonly limits: { maxBots: number; maxBotsPerTenant: number },
    private readonly activeBots: (tenant: string | undefined) => number,
  ) {}

  reserve(tenant: string | undefined): CapacityLease | CapacityRefusal {
    const key = tenant ?? "";
    const tenantPending = this.pendingByTenant.get(key) ?? 0;
    if (this.activeBots(tenant) + tenantPending >= this.limits.maxBotsPerTenant) {
      return this.refuse(429, "TENANT_BOT_LIMIT", "MAX_BOTS_PER_TENANT", this.limits.maxBotsPerTenant,
        `${tenant ? `Tenant ${tenant} already runs` : "Already running"} ${this.limits.maxBotsPerTenant} bots, the most one API key may run (MAX_BOTS_PER_TENANT); make one leave or retry later`);
    }
    if (this.activeBots(undefined) + this.pendingTotal >= this.limits.maxBots) {
      return this.refuse(503, "SERVER_FULL", "MAX_BOTS", this.limits.maxBots,
        `The server already runs ${this.limits.maxBots} bots, its capacity (MAX_BOTS); retry later`);
    }
    this.pendingTotal += 1;
    this.pendingByTenant.set(key, tenantPending + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.pendingTotal -= 1;
        const left = (this.pendingByTenant.get(key) ?? 1) - 1;
        if (left > 0) this.pendingByTenant.set(key, left);
        else this.pendingByTenant.delete(key);
      },
    };
  }

  private refuse(status: 429 | 503, code: CapacityRefusal["body"]["code"], limit: CapacityRefusal["body"]["limit"], max: number, message: string): CapacityRefusal {
    return { status, retryAfterSeconds: CAPACITY_RETRY_AFTER_SECONDS, body: { code, message, limit, max } };
  }
}

export function isRefusal(result: CapacityLease | CapacityRefusal): result is CapacityRefusal {
  return "status" in result;
}
