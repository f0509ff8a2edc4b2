/**
 * @module audio/echo/noise-floor
 * Tracks the background noise level of the input: it follows any quieter stretch at once and
 * creeps up slowly otherwise, so the pauses that every speaker makes keep it at the true floor.
 */

/** Per update (20 ms) the floor may rise by this factor: about 0.5 dB a second. */
const RISE = 1.0023;
/** Never assumed louder than this mean square (-50 dBFS): louder is not background noise. */
const CEILING = 1e-5;

export class NoiseFloor {
  private level = Number.POSITIVE_INFINITY;

  /** Takes the mean square of the latest stretch and returns the floor (mean square). */
  update(meanSquare: number): number {
    this.level = Math.min(CEILING, meanSquare < this.level ? meanSquare : this.level * RISE);
    return this.level;
  }
}
