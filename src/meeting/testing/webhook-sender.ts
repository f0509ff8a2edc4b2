/**
 * @module meeting/testing/webhook-sender
 * How the provider stand-ins post their webhooks: one bot's deliveries in order, each retried a few
 * times with a growing pause when the receiver answers non-2xx or does not answer in time (as
 * Attendee and Svix do), every outcome recorded for the tests to read.
 */
import { errorMessage } from "../../core/errors.js";
import { backoffDelay, sleep } from "../../util/backoff.js";
import { SerialQueue } from "../../util/serial-queue.js";

export interface Delivery {
  url: string;
  event: string;
  /** HTTP status of each attempt; 0 when the request itself failed. */
  attempts: number[];
  delivered: boolean;
  error?: string;
}

export interface WebhookSenderOptions {
  attempts?: number;
  firstRetryMs?: number;
  timeoutMs?: number;
}

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private readonly queue = new SerialQueue();

  constructor(private readonly options: WebhookSenderOptions = {}) {}

  /** Queues one delivery; `headers` are computed from the exact body text sent. */
  send(url: string, event: string, body: unknown, headers: (text: string) => Record<string, string>): void {
    const delivery: Delivery = { url, event, attempts: [], delivered: false };
    this.deliveries.push(delivery);
    this.queue
      .run(() => this.deliver(delivery, JSON.stringify(body), headers))
      .catch((error: unknown) => {
        delivery.error = errorMessage(error);
      });
  }

  /** Resolves once every queued delivery has been answered or given up. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async deliver(delivery: Delivery, text: string, headers: (text: string) => Record<string, string>): Promise<void> {
    const attempts = this.options.attempts ?? 3;
    const firstRetryMs = this.options.firstRetryMs ?? 100;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const response = await fetch(delivery.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers(text) },
          body: text,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        delivery.attempts.push(response.status);
        await response.arrayBuffer();
        if (response.ok) {
          delivery.delivered = true;
          return;
        }
      } catch (error) {
        delivery.attempts.push(0);
        delivery.error = errorMessage(error);
      }
      if (attempt < attempts) await sleep(backoffDelay({ initialMs: firstRetryMs, maxMs: firstRetryMs * 2 ** attempts }, attempt));
    }
  }
}
