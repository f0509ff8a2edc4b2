// Audio worklets for the meeting room page. The AudioContext runs at 16 kHz, the room's rate, so
// the browser does the resampling and these processors only convert and buffer.

const FRAME = 320; // 20 ms at 16 kHz

class MicCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.buffer = new Int16Array(FRAME);
    this.filled = 0;
    // Given at construction, so a person who joins muted never sends a first unmuted frame.
    this.muted = options?.processorOptions?.muted === true;
    this.port.onmessage = (event) => {
      if (event.data && typeof event.data.muted === "boolean") this.muted = event.data.muted;
    };
  }

  process(inputs) {
    const channel = inputs[0]?.[0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const s = this.muted ? 0 : Math.max(-1, Math.min(1, channel[i]));
      this.buffer[this.filled++] = s < 0 ? s * 32768 : s * 32767;
      if (this.filled === FRAME) {
        this.port.postMessage(this.buffer.buffer, [this.buffer.buffer]);
        this.buffer = new Int16Array(FRAME);
        this.filled = 0;
      }
    }
    return true;
  }
}

class MixPlayer extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ring = new Float32Array(16000); // one second
    this.read = 0;
    this.write = 0;
    this.size = 0;
    this.port.onmessage = (event) => this.push(new Int16Array(event.data));
  }

  push(pcm) {
    for (let i = 0; i < pcm.length; i++) {
      if (this.size === this.ring.length) { // full: drop the oldest sample
        this.read = (this.read + 1) % this.ring.length;
        this.size--;
      }
      this.ring[this.write] = pcm[i] / 32768;
      this.write = (this.write + 1) % this.ring.length;
      this.size++;
    }
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    let energy = 0;
    for (let i = 0; i < out.length; i++) {
      if (this.size > 0) {
        out[i] = this.ring[this.read];
        this.read = (this.read + 1) % this.ring.length;
        this.size--;
      } else out[i] = 0;
      energy += out[i] * out[i];
    }
    if (currentFrame % 1600 < out.length) this.port.postMessage({ level: Math.sqrt(energy / out.length) });
    return true;
  }
}

registerProcessor("mic-capture", MicCapture);
registerProcessor("mix-player", MixPlayer);
