/**
 * @module meeting/inbound-budget
 * How fast a peer may send to one bot: audio at up to twice real time, and a bounded number of
 * messages per second. Each is a token bucket that starts full, so a start-up burst passes (a
 * provider flushing what it buffered while dialing); past that, a peer sending faster is flooding
 * and its connection is closed, instead of the backlog piling up in memory. The budget belongs to
 * the bot, not to one connection, so reconnecting does not refill it.
 */
import { CLOSE_CODES, type StreamViolation, violation } from "./stream-violation.js";

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes `amount` tokens if there are that many; otherwise takes none. */
  take(amount: number): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.refillPerSecond);
    this.last = now;
    if (amount > this.tokens) return false;
    this.tokens -= amount;
    return true;
  }
}

export interface InboundBudgetLimits {
  /** Seconds of audio accepted per second of wall time. */
  audioSpeed: number;
  /** Seconds of audio accepted at once on top of that. */
  audioBurstSeconds: number;
  messagesPerSecond: number;
  messageBurst: number;
}

/** Twice real time with a 5 s burst; 200 messages a second (real streams send 10 to 100). */
export const DEFAULT_INBOUND_LIMITS: InboundBudgetLimits = { audioSpeed: 2, audioBurstSeconds: 5, messagesPerSecond: 200, messageBurst: 1000 };

export class InboundBudget {
  private readonly audio: TokenBucket;
  private readonly messages: TokenBucket;

  constructor(
    private readonly limits: InboundBudgetLimits = DEFAULT_INBOUND_LIMITS,
    now: () => number = () => performance.now(),
  ) {
    this.audio = new TokenBucket(limits.audioBurstSeconds, limits.audioSpeed, now);
    this.messages = new TokenBucket(limits.messageBurst, limits.messagesPerSecond, now);
  }

  /** Counts one message; a violation when messages come faster than allowed. */
  admitMessage(): StreamViolation | undefined {
    if (this.messages.take(1)) return undefined;
    return violation(CLOSE_CODES.policyViolation, `more than ${this.limits.messagesPerSecond} messages per second`);
  }

  /** Counts `seconds` of audio; a violation when audio comes faster than allowed. */
  admitAudio(seconds: number): StreamViolation | undefined {
    if (this.audio.take(seconds)) return undefined;
    return violation(CLOSE_CODES.policyViolation, `audio arrives faster than ${this.limits.audioSpeed}x real time`);
  }
}
