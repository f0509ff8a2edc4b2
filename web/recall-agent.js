// The Output Media page Recall.ai's bot runs for one of our bots. Its microphone is the meeting's
// mixed audio: it goes to the server as 16 kHz PCM. The server sends back the bot's voice, played
// here through Web Audio; Recall streams this page's sound (and look) into the meeting. The audio
// worklets are the built-in room page's.

const token = decodeURIComponent(location.pathname.split("/").filter(Boolean)[2] || "");
const $ = (id) => document.getElementById(id);
const state = { status: "starting", socket: null, connects: 0, sentBytes: 0, receivedBytes: 0, lastLevel: 0, error: "" };
window.recallAgent = state; // read by the browser test

function setStatus(status, detail = "") {
  state.status = status;
  $("status").textContent = detail ? `${status}: ${detail}` : status;
}

async function startAudio() {
  const context = new AudioContext({ sampleRate: 16000 });
  await context.audioWorklet.addModule("/web/audio-worklets.js");
  const player = new AudioWorkletNode(context, "mix-player", { outputChannelCount: [1] });
  player.port.onmessage = (event) => {
    state.lastLevel = event.data.level;
    $("voice").style.transform = `scale(${1 + Math.min(0.6, state.lastLevel * 4)})`;
  };
  player.connect(context.destination);
  try {
    // The meeting's audio: no processing, the server's own voice activity detection decides.
    const mic = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 } });
    const capture = new AudioWorkletNode(context, "mic-capture");
    capture.port.onmessage = (event) => {
      const socket = state.socket;
      if (socket?.readyState !== WebSocket.OPEN) return;
      socket.send(event.data);
      state.sentBytes += event.data.byteLength;
    };
    context.createMediaStreamSource(mic).connect(capture);
  } catch (error) {
    // Without the meeting's audio the bot still speaks; the server hears the meeting another way.
    state.error = `no microphone: ${error.message}`;
  }
  await context.resume();
  return player;
}

function connect(player, attempt) {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/recall/agent/${encodeURIComponent(token)}/ws`;
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  state.socket = socket;
  let opened = false;
  socket.addEventListener("open", () => {
    opened = true;
    state.connects += 1;
    setStatus("connected", state.error);
  });
  socket.addEventListener("message", (event) => {
    if (typeof event.data === "string") {
      try {
        const message = JSON.parse(event.data);
        if (message.type === "welcome") $("name").textContent = message.botName;
      } catch {
        setStatus("connected", "the server sent a message this page does not read");
      }
      return;
    }
    state.receivedBytes += event.data.byteLength;
    player.port.postMessage(event.data, [event.data]);
  });
  socket.addEventListener("close", (event) => {
    // 1000: the bot left or another page took over; 1008: this page's bot is gone. Otherwise try again.
    if (event.code === 1000 || event.code === 1008) {
      setStatus("ended", event.reason);
      return;
    }
    setStatus("reconnecting", event.reason || `connection closed (${event.code})`);
    const next = opened ? 0 : attempt + 1;
    setTimeout(() => connect(player, next), Math.min(10_000, 500 * 2 ** next));
  });
}

startAudio().then(
  (player) => connect(player, 0),
  (error) => {
    state.error = error.message;
    setStatus("failed", error.message);
  },
);
