/**
 * @module audio/echo/nlms-filter
 * A normalised least-mean-squares adaptive FIR filter: it learns the echo path from the reference
 * to the input and subtracts its estimate of the echo. Time domain, one multiply-add per tap and
 * sample to filter and another to adapt; no allocation after construction.
 */

export class NlmsFilter {
  private readonly weights: Float32Array;
  /** False until the filter has learnt something: an untrained filter estimates no echo at all. */
  private learnt = false;

  /**
   * @param taps filter length in samples, a multiple of 4
   * @param step adaptation step (0 < step < 2; smaller is slower and steadier)
   * @param floor added to the reference energy so near-silence does not blow the step up
   */
  constructor(
    readonly taps: number,
    private readonly step = 0.5,
    private readonly floor = taps * 1e-6,
  ) {
    if (taps % 4 !== 0) throw new Error("the filter length must be a multiple of 4");
    this.weights = new Float32Array(taps);
  }

  /**
   * Writes `input - estimated echo` to `out` for `count` samples. `reference` holds the aligned
   * reference: for input sample i, reference[i + taps - 1] is the newest sample the filter sees and
   * reference[i] the oldest, so it is `count + taps - 1` long. With `adapt`, the filter learns.
   */
  process(input: Float32Array, reference: Float32Array, out: Float32Array, count: number, adapt: boolean): void {
    if (!adapt && !this.learnt) {
      // Nothing learnt, nothing to subtract: skip the multiply-adds (most bots hear no echo at all).
      out.set(input.subarray(0, count));
      return;
    }
    if (adapt) this.learnt = true;
    const taps = this.taps;
    const w = this.weights;
    let energy = 0;
    if (adapt) for (let j = 0; j < taps - 1; j++) energy += reference[j]! * reference[j]!;
    for (let i = 0; i < count; i++) {
      const newest = i + taps - 1;
      // Four running sums: independent additions that the CPU can overlap.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < taps; j += 4) {
        const r = newest - j;
        s0 += w[j]! * reference[r]!;
        s1 += w[j + 1]! * reference[r - 1]!;
        s2 += w[j + 2]! * reference[r - 2]!;
        s3 += w[j + 3]! * reference[r - 3]!;
      }
      const estimate = s0 + s1 + s2 + s3;
      const error = input[i]! - estimate;
      out[i] = error;
      if (!adapt) continue;
      const incoming = reference[newest]!;
      energy += incoming * incoming;
      const gain = (this.step * error) / (Math.max(0, energy) + this.floor);
      for (let j = 0; j < taps; j += 4) {
        const r = newest - j;
        w[j] = w[j]! + gain * reference[r]!;
        w[j + 1] = w[j + 1]! + gain * reference[r - 1]!;
        w[j + 2] = w[j + 2]! + gain * reference[r - 2]!;
        w[j + 3] = w[j + 3]! + gain * reference[r - 3]!;
      }
      const outgoing = reference[i]!;
      energy -= outgoing * outgoing;
    }
  }

  get trained(): boolean {
    return this.learnt;
  }

  reset(): void {
    this.weights.fill(0);
    this.learnt = false;
  }
}
