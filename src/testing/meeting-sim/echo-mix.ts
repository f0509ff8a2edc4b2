/**
 * @module testing/meeting-sim/echo-mix
 * A meeting's mixed audio as a bot receives it, with the bot's own voice in it, the way open
 * speakers or a provider that mixes every participant would deliver it. The provider plays what the
 * bot sends back to back, starting `delayMs` after the first frame of a burst arrives, at `gain`;
 * people's voices and a little noise are added. The bot takes the mix one chunk at a time.
 */

export interface EchoMixOptions {
  /** Time from a frame's arrival at the provider to its echo in the bot's input, 0 for no echo. */
  delayMs: number;
  /** Level of the echo relative to what was sent (0.3–0.8 for a loud room). */
  gain: number;
  /** Peak of the white noise added, in samples. */
  noise?: number;
  rate?: number;
}

const CAPACITY = 1 << 18;
/** The longest the provider goes without delivering a chunk. */
const CHUNK_MS = 20;

export class EchoMix {
  readonly rate: number;
  private readonly echo = new Float32Array(CAPACITY);
  private readonly voices = new Float32Array(CAPACITY);
  /** Inbound samples delivered so far. */
  private position = 0;
  private echoEnd = 0;
  private voicesEnd = 0;
  private seed = 12345;
  private deliveredAt: number | undefined;
  /** RMS (0..1) of the echo and of people's voices in the last chunk delivered. */
  readonly last = { echo: 0, voices: 0 };

  constructor(
    private readonly options: EchoMixOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.rate = options.rate ?? 16000;
  }

  /** The bot's frame has just reached the provider. */
  botSent(pcm: Int16Array): void {
    if (this.options.delayMs <= 0 && this.options.gain <= 0) return;
    // The provider has been capturing since the last chunk left for the bot.
    const sinceDelivery = this.deliveredAt === undefined ? 0 : Math.min(CHUNK_MS, Math.max(0, this.now() - this.deliveredAt));
    const due = this.position + Math.round(((sinceDelivery + this.options.delayMs) * this.rate) / 1000);
    const start = Math.max(this.echoEnd, due);
    for (let p = Math.max(this.echoEnd, start - CAPACITY); p < start; p++) this.echo[p % CAPACITY] = 0;
    for (let i = 0; i < pcm.length; i++) this.echo[(start + i) % CAPACITY] = (pcm[i] ?? 0) * this.options.gain;
    this.echoEnd = start + pcm.length;
  }

  /** A person starts saying `pcm` now (after whatever people are already saying). */
  say(pcm: Int16Array): void {
    const start = Math.max(this.voicesEnd, this.position);
    for (let p = Math.max(this.voicesEnd, start - CAPACITY); p < start; p++) this.voices[p % CAPACITY] = 0;
    for (let i = 0; i < pcm.length; i++) this.voices[(start + i) % CAPACITY] = pcm[i] ?? 0;
    this.voicesEnd = start + pcm.length;
  }

  /** Whether a person's voice is still in the mix from here on. */
  get personSpeaking(): boolean {
    return this.position < this.voicesEnd;
  }

  /** The next `samples` of inbound audio. */
  next(samples: number): Int16Array {
    const out = new Int16Array(samples);
    const noise = this.options.noise ?? 0;
    let echoEnergy = 0;
    let voiceEnergy = 0;
    for (let i = 0; i < samples; i++) {
      const p = this.position + i;
      const echo = p < this.echoEnd ? (this.echo[p % CAPACITY] ?? 0) : 0;
      const voice = p < this.voicesEnd ? (this.voices[p % CAPACITY] ?? 0) : 0;
      echoEnergy += echo * echo;
      voiceEnergy += voice * voice;
      const s = echo + voice + (noise ? this.noise() * noise : 0);
      out[i] = s >= 32767 ? 32767 : s <= -32768 ? -32768 : Math.round(s);
    }
    this.last.echo = Math.sqrt(echoEnergy / samples) / 32768;
    this.last.voices = Math.sqrt(voiceEnergy / samples) / 32768;
    this.position += samples;
    this.deliveredAt = this.now();
    return out;
  }

  private noise(): number {
    this.seed = (this.seed * 1103515245 + 12345) >>> 0;
    return (this.seed / 2 ** 32) * 2 - 1;
  }
}
