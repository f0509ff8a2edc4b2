/**
 * @module audio/echo/delay-estimator
 * Finds how late a reference (what the bot sent) comes back in the input, 0–500 ms, in two steps:
 * - coarse: normalised cross-correlation of 5 ms energy envelopes at every lag, kept as running
 *   averages over the last second or so, so it follows the echo continuously for a few hundred
 *   operations per block;
 * - fine: around the coarse peak, normalised cross-correlation of the samples themselves over the
 *   last 64 ms, which gives the lag to the sample (what a one-tap fit and the canceller need).
 * A new lag replaces the current one only when two fine searches in a row agree on it.
 */

export interface ReferenceReader {
  /** Copies reference positions [from, from + count) into `out`, silence where there is none. */
  read(out: Float32Array, from: number, count: number): void;
}

const BLOCK = 80;
const HISTORY_BLOCKS = 128;
/** Running averages weigh about this many recent blocks (1.5 s). */
const AVERAGE_BLOCKS = 300;
/** Blocks of active reference needed before the coarse peak is believed. */
const MIN_BLOCKS = 40;
const COARSE_MIN_SCORE = 0.3;
const FINE_MIN_SCORE = 0.4;
const FINE_EVERY_BLOCKS = 20;
const FINE_WINDOW = 1024;
/** The fine search looks this far either side of the coarse peak. */
const FINE_SPAN = 160;
/** …and this far either side of the current lag while the coarse peak agrees with it. */
const TRACK_SPAN = 48;
/** Reference envelope (RMS) below this counts as silence (about -66 dBFS). */
const SILENT_ENVELOPE = 5e-4;
const AGREE = 2;

export class DelayEstimator {
  readonly maxLag: number;
  private readonly lags: number;
  private readonly refEnvelope = new Float32Array(HISTORY_BLOCKS);
  private readonly meanXY: Float64Array;
  private readonly meanY: Float64Array;
  private readonly meanYY: Float64Array;
  private meanX = 0;
  private meanXX = 0;
  private updates = 0;
  private block = 0;
  private inputEnergy = 0;
  private refEnergy = 0;
  private filled = 0;
  /** Blocks since the reference envelope was last above silence. */
  private silentBlocks = Number.POSITIVE_INFINITY;
  /** The latest input samples, indexed by stream position. */
  private readonly history = new Float32Array(FINE_WINDOW);
  private readonly refScratch: Float32Array;
  private readonly window = new Float32Array(FINE_WINDOW);
  private readonly blockRef = new Float32Array(BLOCK);
  private coarse = -1;
  private candidate = -1;
  private current: number | undefined;
  /** Score of the last coarse peak and of the last fine search, for reports and tests. */
  coarseScore = 0;
  fineScore = 0;

  constructor(
    private readonly reference: ReferenceReader,
    rate = 16000,
    maxDelayMs = 500,
  ) {
    this.maxLag = Math.round((maxDelayMs * rate) / 1000);
    this.lags = Math.floor(this.maxLag / BLOCK) + 1;
    if (this.lags > HISTORY_BLOCKS) throw new Error("delay range longer than the envelope history");
    this.meanXY = new Float64Array(this.lags);
    this.meanY = new Float64Array(this.lags);
    this.meanYY = new Float64Array(this.lags);
    this.refScratch = new Float32Array(FINE_WINDOW + 2 * FINE_SPAN + BLOCK);
  }

  /** The echo's lag in samples, once found. */
  get delay(): number | undefined {
    return this.current;
  }

  /** Feeds input samples at stream positions [position, position + count). */
  push(input: Float32Array, position: number, count = input.length): void {
    for (let i = 0; i < count; ) {
      const n = Math.min(BLOCK - this.filled, count - i);
      this.accumulate(input, i, position + i, n);
      i += n;
      if (this.filled === BLOCK) this.endBlock(position + i);
    }
  }

  private accumulate(input: Float32Array, offset: number, position: number, n: number): void {
    this.reference.read(this.blockRef, position, n);
    for (let i = 0; i < n; i++) {
      const x = input[offset + i]!;
      const r = this.blockRef[i]!;
      this.inputEnergy += x * x;
      this.refEnergy += r * r;
      this.history[(position + i) & (FINE_WINDOW - 1)] = x;
    }
    this.filled += n;
  }

  private endBlock(end: number): void {
    const x = Math.sqrt(this.inputEnergy / BLOCK);
    const y = Math.sqrt(this.refEnergy / BLOCK);
    this.inputEnergy = 0;
    this.refEnergy = 0;
    this.filled = 0;
    this.block += 1;
    this.refEnvelope[this.block & (HISTORY_BLOCKS - 1)] = y;
    this.silentBlocks = y > SILENT_ENVELOPE ? 0 : this.silentBlocks + 1;
    // Only while some reference lies within the searched lags is there anything to learn.
    if (this.silentBlocks >= this.lags) return;
    this.updateCoarse(x);
    if (this.updates >= MIN_BLOCKS && this.block % FINE_EVERY_BLOCKS === 0 && this.coarseScore >= COARSE_MIN_SCORE) this.searchFine(end);
  }

  private updateCoarse(x: number): void {
    this.updates += 1;
    const w = Math.max(1 / this.updates, 1 / AVERAGE_BLOCKS);
    this.meanX += w * (x - this.meanX);
    this.meanXX += w * (x * x - this.meanXX);
    const varX = this.meanXX - this.meanX * this.meanX;
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < this.lags; k++) {
      const y = this.refEnvelope[(this.block - k) & (HISTORY_BLOCKS - 1)]!;
      const my = this.meanY[k]! + w * (y - this.meanY[k]!);
      const myy = this.meanYY[k]! + w * (y * y - this.meanYY[k]!);
      const mxy = this.meanXY[k]! + w * (x * y - this.meanXY[k]!);
      this.meanY[k] = my;
      this.meanYY[k] = myy;
      this.meanXY[k] = mxy;
      const varY = myy - my * my;
      const score = varX > 0 && varY > 0 ? (mxy - this.meanX * my) / Math.sqrt(varX * varY) : 0;
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    this.coarse = best * BLOCK;
    this.coarseScore = bestScore;
  }

  /** Sample-exact lag near the coarse peak, over the last FINE_WINDOW input samples before `end`. */
  private searchFine(end: number): void {
    // Once a lag is known and the coarse peak still agrees with it, a narrow search keeps it exact.
    const tracking = this.current !== undefined && Math.abs(this.coarse - this.current) <= 2 * BLOCK;
    const centre = tracking ? (this.current ?? 0) : this.coarse;
    const span = tracking ? TRACK_SPAN : FINE_SPAN;
    const low = Math.max(0, centre - span);
    const high = Math.min(this.maxLag, centre + span);
    const start = end - FINE_WINDOW;
    const x = this.window;
    let inputEnergy = 0;
    for (let i = 0; i < FINE_WINDOW; i++) {
      const v = this.history[(start + i) & (FINE_WINDOW - 1)]!;
      x[i] = v;
      inputEnergy += v * v;
    }
    if (inputEnergy <= 0) return;
    // ref[j] holds reference position start - high + j; lag L pairs x[i] with ref[i + high - L].
    const ref = this.refScratch;
    this.reference.read(ref, start - high, FINE_WINDOW + high - low);
    let refEnergy = 0;
    for (let i = high - low; i < high - low + FINE_WINDOW; i++) refEnergy += ref[i]! * ref[i]!;
    let best = -1;
    let bestScore = 0;
    for (let lag = low; lag <= high; lag++) {
      const offset = high - lag;
      if (lag > low) refEnergy += ref[offset]! * ref[offset]! - ref[offset + FINE_WINDOW]! * ref[offset + FINE_WINDOW]!;
      if (refEnergy <= 1e-9) continue;
      let d0 = 0;
      let d1 = 0;
      for (let i = 0; i < FINE_WINDOW; i += 2) {
        d0 += x[i]! * ref[offset + i]!;
        d1 += x[i + 1]! * ref[offset + i + 1]!;
      }
      const dot = d0 + d1;
      const score = dot / Math.sqrt(inputEnergy * refEnergy);
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    this.fineScore = bestScore;
    if (best < 0 || bestScore < FINE_MIN_SCORE) return;
    this.accept(best);
  }

  private accept(lag: number): void {
    if (this.current === undefined) {
      this.current = lag;
    } else if (Math.abs(lag - this.current) > AGREE) {
      if (Math.abs(lag - this.candidate) <= AGREE) this.current = lag;
      else this.candidate = lag;
      return;
    }
    this.candidate = -1;
  }
}
