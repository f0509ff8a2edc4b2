/**
 * @module audio/pcm
 * PCM s16le mono helpers: conversions between Int16 and Float32 samples, loudness, joining chunks
 * and generating silence.
 */

export function int16ToFloat32(pcm: Int16Array, out = new Float32Array(pcm.length)): Float32Array {
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] ?? 0) / 32768;
  return out;
}

export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    out[i] = s >= 1 ? 32767 : s <= -1 ? -32768 : Math.round(s * 32767);
  }
  return out;
}

/** Root mean square of the samples, in [0, 1] of full scale. */
export function rms(pcm: Int16Array): number {
  if (pcm.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s = (pcm[i] ?? 0) / 32768;
    sum += s * s;
  }
  return Math.sqrt(sum / pcm.length);
}

/** Level in dB relative to full scale; -100 for digital silence. */
export function dbfs(pcm: Int16Array): number {
  const level = rms(pcm);
  return level > 0 ? Math.max(-100, 20 * Math.log10(level)) : -100;
}

export function concatPcm(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Consecutive pieces of at most `samples` samples, without copying. */
export function* pieces(pcm: Int16Array, samples: number): Generator<Int16Array> {
  for (let offset = 0; offset < pcm.length; offset += samples) yield pcm.subarray(offset, offset + samples);
}

export function durationMs(samples: number, sampleRate: number): number {
  return (samples / sampleRate) * 1000;
}

export function samplesFor(ms: number, sampleRate: number): number {
  return Math.round((ms / 1000) * sampleRate);
}
