// Microphone capture and playback for a page that streams 16 kHz mono 16-bit PCM both ways in
// 20 ms frames. It knows nothing of rooms or sockets: frames captured go to `onFrame`, frames
// received are handed to `play`. The AudioContext runs at 16 kHz, so the browser resamples.

const RATE = 16000;
const WORKLETS = new URL("./audio-worklets.js", import.meta.url);

/** Why the microphone could not be used, in words for the person at the page. */
export function describeMicrophoneError(error) {
  const name = error?.name ?? "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return {
      kind: "refused",
      message: "The browser was not allowed to use your microphone. Allow it (the microphone or lock icon in the address bar), then join again, or join to listen only.",
    };
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return { kind: "missing", message: "No microphone was found. Plug one in and join again, or join to listen only." };
  }
  if (name === "NotReadableError" || name === "AbortError") {
    return { kind: "busy", message: "The microphone could not be started: another application may be using it. Close it and join again, or join to listen only." };
  }
  if (!navigator.mediaDevices) {
    return { kind: "unavailable", message: "This browser gives pages a microphone only over https:// or on localhost. Open the room that way, or join to listen only." };
  }
  return { kind: "unavailable", message: `The microphone could not be used: ${error?.message || name || "unknown error"}.` };
}

/** The microphones this page may use; names appear once the browser has allowed one. */
export async function listMicrophones() {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((device) => device.kind === "audioinput" && device.deviceId)
    .map((device, index) => ({ id: device.deviceId, label: device.label || `Microphone ${index + 1}` }));
}

function openMicrophone(deviceId) {
  if (!navigator.mediaDevices?.getUserMedia) return Promise.reject(new DOMException("no media devices", "SecurityError"));
  const audio = { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 };
  if (deviceId) audio.deviceId = { exact: deviceId };
  return navigator.mediaDevices.getUserMedia({ audio });
}

function stopTracks(stream) {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

export class PcmAudio {
  /** @param {{ onFrame: (frame: ArrayBuffer) => void }} handlers */
  constructor({ onFrame }) {
    this.onFrame = onFrame;
    this.context = undefined;
    this.capture = undefined;
    this.player = undefined;
    this.source = undefined;
    this.stream = undefined;
    this.muted = false;
    /** Loudness of what is being played, about every 100 ms (0..1). */
    this.level = 0;
    this.receivedBytes = 0;
  }

  get hasMicrophone() {
    return this.stream !== undefined;
  }

  /** The device id of the microphone in use ("" when none). */
  get deviceId() {
    return this.stream?.getAudioTracks()[0]?.getSettings().deviceId ?? "";
  }

  /**
   * Asks for the microphone first (a refusal throws before anything else starts), then starts
   * playback and capture. With `microphone: false` it only plays.
   */
  async start({ microphone = true, deviceId = "", muted = false } = {}) {
    const stream = microphone ? await openMicrophone(deviceId) : undefined;
    try {
      this.muted = muted;
      this.context = new AudioContext({ sampleRate: RATE });
      await this.context.audioWorklet.addModule(WORKLETS);
      this.player = new AudioWorkletNode(this.context, "mix-player", { outputChannelCount: [1] });
      this.player.port.onmessage = (event) => {
        this.level = event.data.level;
      };
      this.player.connect(this.context.destination);
      if (stream) this.attach(stream);
      await this.context.resume();
    } catch (error) {
      stopTracks(stream);
      await this.stop();
      throw error;
    }
  }

  /** Switches to another microphone while running; the old one is released once the new one works. */
  async useMicrophone(deviceId) {
    const stream = await openMicrophone(deviceId);
    this.attach(stream);
  }

  setMuted(muted) {
    this.muted = muted;
    this.capture?.port.postMessage({ muted });
  }

  /** Plays one frame of 16-bit PCM (the buffer is handed over to the player). */
  play(buffer) {
    this.receivedBytes += buffer.byteLength;
    this.player?.port.postMessage(buffer, [buffer]);
  }

  async stop() {
    stopTracks(this.stream);
    this.stream = undefined;
    this.source = undefined;
    this.capture = undefined;
    this.player = undefined;
    const context = this.context;
    this.context = undefined;
    if (context && context.state !== "closed") await context.close();
  }

  attach(stream) {
    const context = this.context;
    if (!this.capture) {
      this.capture = new AudioWorkletNode(context, "mic-capture", { processorOptions: { muted: this.muted } });
      this.capture.port.onmessage = (event) => this.onFrame(event.data);
    }
    this.source?.disconnect();
    stopTracks(this.stream);
    this.source = context.createMediaStreamSource(stream);
    this.source.connect(this.capture);
    this.stream = stream;
  }
}
