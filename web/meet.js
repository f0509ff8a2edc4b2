// The built-in meeting room page: join with a name, talk through the microphone, hear everyone
// else, add and remove bots, and read what each bot heard and said.

const room = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] || "lobby");
// The room's key travels in the link (?t=…); without it the room cannot be entered.
const token = new URLSearchParams(location.search).get("t") || "";
const $ = (id) => document.getElementById(id);
$("room-name").textContent = `· ${room}`;
document.title = `${room} · Speaking Bots`;

const state = { socket: null, context: null, mic: null, captureNode: null, muted: false, receivedBytes: 0, lastLevel: 0 };
window.speakingBots = state; // read by the browser test

function showError(id, message) {
  $(id).textContent = message || "";
}

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { "content-type": "application/json" }, ...options });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `${response.status} ${response.statusText}`);
  return body;
}

async function loadHealth() {
  try {
    const health = await api("/health");
    if (health.warnings?.length) {
      $("banner").textContent = health.warnings.join(" · ");
      $("banner").hidden = false;
    }
  } catch {
    /* the page still works without the banner */
  }
}

async function loadPersonas() {
  const { personas } = await api("/personas");
  const select = $("persona");
  select.replaceChildren(...personas.map((p) => new Option(`${p.name} — ${p.prompt_head}`, p.key)));
  select.value = personas.some((p) => p.key === "onboarding_guide") ? "onboarding_guide" : personas[0]?.key;
}

function renderParticipants(participants) {
  const list = $("participants");
  list.replaceChildren(
    ...participants.map((p) => {
      const item = document.createElement("li");
      item.className = p.speaking ? "speaking" : "";
      item.dataset.kind = p.kind;
      const dot = document.createElement("span");
      dot.className = "dot";
      const name = document.createElement("span");
      name.textContent = p.name;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = p.kind;
      item.append(dot, name, kind);
      if (p.kind === "bot") {
        const remove = document.createElement("button");
        remove.className = "remove";
        remove.textContent = "Remove";
        remove.onclick = () => removeBot(remove, p);
        item.append(remove);
      }
      return item;
    }),
  );
}

async function removeBot(button, participant) {
  button.disabled = true;
  const botId = participant.botId;
  try {
    await api(`/bots/${encodeURIComponent(botId)}`, { method: "DELETE" });
  } catch (error) {
    showError("bot-error", `Could not remove ${participant.name}: ${error.message}`);
    button.disabled = false;
  }
}

const interimLines = new Map();
function addTranscript(line) {
  const list = $("transcript");
  const key = `${line.botId}:${line.role}`;
  let item = interimLines.get(key);
  if (!item) {
    item = document.createElement("li");
    list.append(item);
  }
  item.className = `${line.role}${line.final ? "" : " interim"}`;
  const who = line.role === "said" ? line.botName : `${line.speaker || "someone"} → ${line.botName}`;
  item.innerHTML = "";
  const label = document.createElement("span");
  label.className = "who";
  label.textContent = `${who}:`;
  item.append(label, document.createTextNode(line.text));
  if (line.final) interimLines.delete(key);
  else interimLines.set(key, item);
  list.scrollTop = list.scrollHeight;
}

async function startAudio(socket) {
  const context = new AudioContext({ sampleRate: 16000 });
  await context.audioWorklet.addModule("/web/audio-worklets.js");
  const mic = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
  const capture = new AudioWorkletNode(context, "mic-capture");
  capture.port.onmessage = (event) => socket.readyState === WebSocket.OPEN && socket.send(event.data);
  context.createMediaStreamSource(mic).connect(capture);
  const player = new AudioWorkletNode(context, "mix-player", { outputChannelCount: [1] });
  player.port.onmessage = (event) => { state.lastLevel = event.data.level; };
  player.connect(context.destination);
  socket.binaryType = "arraybuffer";
  socket.addEventListener("message", (event) => {
    if (typeof event.data === "string") return;
    state.receivedBytes += event.data.byteLength;
    player.port.postMessage(event.data, [event.data]);
  });
  await context.resume();
  Object.assign(state, { context, mic, captureNode: capture });
}

function join(name) {
  const query = `name=${encodeURIComponent(name)}&t=${encodeURIComponent(token)}`;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/meet/${encodeURIComponent(room)}/ws?${query}`;
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.addEventListener("message", (event) => {
    if (typeof event.data !== "string") return;
    const message = JSON.parse(event.data);
    if (message.type === "participants") renderParticipants(message.participants);
    if (message.type === "transcript") addTranscript(message);
    if (message.type === "error") showError("join-error", message.message);
  });
  socket.addEventListener("close", (event) => {
    if (event.code !== 1000) showError("join-error", `Disconnected: ${event.reason || "connection closed"}`);
    $("room").hidden = true;
    $("join").hidden = false;
  });
  return new Promise((resolve, reject) => {
    socket.addEventListener("open", () => resolve(socket), { once: true });
    socket.addEventListener("error", () => reject(new Error("could not enter the room: its link may be wrong or expired")), { once: true });
  });
}

$("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showError("join-error");
  const name = $("name").value.trim();
  try {
    const socket = await join(name);
    await startAudio(socket);
    $("join").hidden = true;
    $("room").hidden = false;
    await loadPersonas();
  } catch (error) {
    const message = error.name === "NotAllowedError" ? "Microphone permission was denied: allow it in the browser and try again." : error.message;
    showError("join-error", message);
    state.socket?.close(1000);
  }
});

$("add-bot").addEventListener("submit", async (event) => {
  event.preventDefault();
  showError("bot-error");
  const button = event.submitter;
  button.disabled = true;
  try {
    const meetingUrl = `${location.origin}/meet/${encodeURIComponent(room)}?t=${encodeURIComponent(token)}`;
    await api("/bots", { method: "POST", body: JSON.stringify({ meeting_url: meetingUrl, personas: [$("persona").value] }) });
  } catch (error) {
    showError("bot-error", `Could not add the bot: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

$("mute").addEventListener("click", () => {
  state.muted = !state.muted;
  state.captureNode?.port.postMessage({ muted: state.muted });
  $("mute").textContent = state.muted ? "Unmute microphone" : "Mute microphone";
});

$("leave").addEventListener("click", () => {
  state.socket?.close(1000);
  for (const track of state.mic?.getTracks() ?? []) track.stop();
  void state.context?.close();
});

/** Asks this server for a new room (only a loopback-only server hands them out) and goes there. */
async function openRoom() {
  showError("link-error");
  try {
    let opened;
    try {
      opened = await api("/meet/rooms", { method: "POST", body: JSON.stringify({ room }) });
    } catch {
      // The name is taken (or not allowed): a fresh room with a random name instead.
      opened = await api("/meet/rooms", { method: "POST", body: "{}" });
    }
    location.assign(opened.link);
  } catch (error) {
    showError("link-error", error.message);
  }
}

$("open-room").addEventListener("click", () => void openRoom());
$("link-room").textContent = room;
$(token ? "join" : "need-link").hidden = false;

$("name").value = localStorage.getItem("speaking-bots-name") || "";
$("name").addEventListener("change", () => localStorage.setItem("speaking-bots-name", $("name").value.trim()));
void loadHealth();
