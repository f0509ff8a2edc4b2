/**
 * @module audio/echo/echo-channel
 * Echo handling for one reference (the bot's own voice, or later a sibling bot's): the delay
 * estimator aligns the reference, a one-tap fit and an NLMS canceller each say how much of the
 * input the delayed reference explains, and the canceller subtracts its echo estimate.
 *
 * The canceller learns only where the input is mostly echo; where someone talks over the bot it
 * holds still, so a person's voice is never learnt as part of the echo path.
 */
import { DelayEstimator, type ReferenceReader } from "./delay-estimator.js";
import { NlmsFilter } from "./nlms-filter.js";

/** A known output signal, placed on the inbound stream's clock. */
export interface EchoReference extends ReferenceReader {
  readonly name: string;
  /** Stream position just past the newest reference sample; -Infinity before any. */
  readonly end: number;
}

/** Largest number of samples handled in one call (20 ms at 16 kHz). */
export const MAX_PIECE = 320;
/** Canceller length (16 ms) and how far it reaches before the estimated delay (2 ms). */
const TAPS = 256;
const LEAD = 32;
/** Reference quieter than this mean square (-70 dBFS) is silence: nothing to explain. */
const SILENT_REFERENCE = 1e-7;
/** Input quieter than this mean square (-90 dBFS) holds no echo: digital silence, as providers send. */
const SILENT_INPUT = 1e-9;
/** The canceller learns where at most this share of the input is left unexplained. */
const ADAPT_RATIO = 0.4;
/** Input more than twice as loud as the usual echo of this much reference means someone else is talking. */
const DOUBLE_TALK_MARGIN = 2;
/** Stretches this well explained (-10 dB) are echo alone, and teach the echo's usual level. */
const ECHO_ALONE_RATIO = 0.1;
const RETURN_SMOOTHING = 0.05;

export class EchoChannel {
  readonly estimator: DelayEstimator;
  private readonly filter = new NlmsFilter(TAPS);
  private readonly aligned = new Float32Array(MAX_PIECE + TAPS - 1);
  private readonly held = new Float32Array(MAX_PIECE);
  /** The echo's usual energy relative to the reference's; 0 until some echo alone has been heard. */
  private echoReturn = 0;

  constructor(
    readonly reference: EchoReference,
    readonly rate = 16000,
  ) {
    this.estimator = new DelayEstimator(reference, rate);
  }

  /** Whether the canceller has learnt an echo path; until then it costs nothing. */
  get cancelling(): boolean {
    return this.filter.trained;
  }

  /** The estimated echo delay in milliseconds, once found. */
  get delayMs(): number | undefined {
    const delay = this.estimator.delay;
    return delay === undefined ? undefined : (delay * 1000) / this.rate;
  }

  /**
   * Handles `count` (≤ MAX_PIECE) input samples at stream position `position`, writes the input
   * with the estimated echo removed to `out`, and returns the input energy the delayed reference
   * leaves unexplained, or -1 when no reference is playing into this stretch.
   */
  process(input: Float32Array, position: number, count: number, out: Float32Array): number {
    this.estimator.push(input, position, count);
    const delay = this.estimator.delay;
    if (delay === undefined) {
      out.set(input.subarray(0, count));
      return -1;
    }
    // aligned[k] is reference position (position - delay + LEAD - TAPS + 1 + k).
    this.reference.read(this.aligned, position - delay + LEAD - TAPS + 1, count + TAPS - 1);
    const tap = TAPS - 1 - LEAD;
    let inputEnergy = 0;
    let refEnergy = 0;
    let cross = 0;
    for (let i = 0; i < count; i++) {
      const x = input[i]!;
      const r = this.aligned[tap + i]!;
      inputEnergy += x * x;
      refEnergy += r * r;
      cross += x * r;
    }
    if (refEnergy / count < SILENT_REFERENCE) {
      this.filter.process(input, this.aligned, out, count, false);
      return -1;
    }
    if (inputEnergy / count < SILENT_INPUT) {
      // Nothing came back: there is no echo here to explain or to learn from.
      out.set(input.subarray(0, count));
      return inputEnergy;
    }
    // What is left after the best gain on the delayed reference alone.
    const fitResidual = cross > 0 ? Math.max(0, inputEnergy - (cross * cross) / refEnergy) : inputEnergy;
    let unexplained = fitResidual;
    if (fitResidual > ADAPT_RATIO * inputEnergy) {
      // Unsure: first see what the canceller explains without learning.
      this.filter.process(input, this.aligned, this.held, count, false);
      unexplained = Math.min(fitResidual, energyOf(this.held, count));
      // It still learns if the input is no louder than the echo usually is: a new sound of the bot's
      // that the canceller has not learnt yet, rather than someone talking over it.
      const noLouderThanEcho = this.echoReturn > 0 && inputEnergy <= DOUBLE_TALK_MARGIN * this.echoReturn * refEnergy;
      if (unexplained > ADAPT_RATIO * inputEnergy && !noLouderThanEcho) {
        out.set(this.held.subarray(0, count));
        return unexplained;
      }
    }
    this.filter.process(input, this.aligned, out, count, true);
    // What the canceller leaves once it has learnt from this stretch: a person's voice stays in it.
    unexplained = Math.min(unexplained, energyOf(out, count));
    this.learnReturn(inputEnergy, refEnergy, unexplained);
    return unexplained;
  }

  /** Tracks the echo's level relative to the reference (energy ratio) from stretches that are echo alone. */
  private learnReturn(inputEnergy: number, refEnergy: number, unexplained: number): void {
    if (unexplained > ECHO_ALONE_RATIO * inputEnergy) return;
    const ratio = inputEnergy / refEnergy;
    this.echoReturn = this.echoReturn === 0 ? ratio : this.echoReturn + RETURN_SMOOTHING * (ratio - this.echoReturn);
  }
}

function energyOf(samples: Float32Array, count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += samples[i]! * samples[i]!;
  return sum;
}
