// The built-in meeting room page: pick a name, a microphone and a bot to bring, join, talk, hear
// everyone else, add and remove bots, see who is speaking and what each bot is doing, and read the
// transcript. The room link (with its key) can be copied and opened in another browser.

import { ParticipantsView } from "./participants-view.js";
import { PcmAudio, describeMicrophoneError, listMicrophones } from "./room-audio.js";
import { RoomConnection } from "./room-connection.js";
import { showSetupBanner } from "./setup-banner.js";
import { TranscriptView } from "./transcript-view.js";

const room = decodeURIComponent(location.pathname.split("/").filter(Boolean)[1] || "lobby");
// The room's key travels in the link (?t=…); without it the room cannot be entered.
const token = new URLSearchParams(location.search).get("t") || "";
const roomLink = `${location.origin}/meet/${encodeURIComponent(room)}?t=${encodeURIComponent(token)}`;
const NAME = /^[\p{L}\p{N} ._'-]{1,40}$/u;
const $ = (id) => document.getElementById(id);

const page = { connection: undefined, audio: undefined, joined: false };
// Read by the browser test: what the page hears, and its live objects.
window.speakingBots = {
  get lastLevel() {
    return page.audio?.level ?? 0;
  },
  get receivedBytes() {
    return page.audio?.receivedBytes ?? 0;
  },
  get connection() {
    return page.connection;
  },
};

const participants = new ParticipantsView($("participants"), $("floor"), { onRemoveBot: removeBot });
const transcript = new TranscriptView($("transcript-log"), $("transcript"), $("transcript-empty"));

/** Runs work nobody waits for; a failure is logged for whoever opens the console. */
function background(promise, what) {
  promise.catch((error) => console.warn(`could not ${what}`, error));
}

function say(id, message) {
  $(id).textContent = message || "";
}

let connectionNoteTimer;
/** Shows how the connection is doing; a passing note (`forMs`) clears itself. */
function showConnection(message, forMs) {
  clearTimeout(connectionNoteTimer);
  $("connection").textContent = message || "";
  $("connection").hidden = !message;
  if (message && forMs) connectionNoteTimer = setTimeout(() => showConnection(""), forMs);
}

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { "content-type": "application/json" }, ...options });
  const body = response.headers.get("content-type")?.includes("application/json") ? await response.json() : {};
  if (!response.ok) {
    const error = new Error(body.message || body.error || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

// ---- personas: listed before joining, so a newcomer sees which bots they can bring ----

async function loadPersonas() {
  try {
    const { personas } = await api("/personas");
    const options = () => personas.map((p) => new Option(`${p.name} — ${p.prompt_head}`, p.key));
    $("invite").append(...options());
    $("persona").replaceChildren(...options());
    const preferred = personas.some((p) => p.key === "onboarding_guide") ? "onboarding_guide" : (personas[0]?.key ?? "");
    $("invite").value = preferred;
    $("persona").value = preferred;
    say("invite-note", "The bot joins right after you and greets the room. You can add more once you are in.");
  } catch (error) {
    const why = error.status === 401 ? "this server needs an API key to send bots (POST /bots with a key)" : error.message;
    say("invite-note", `Bots cannot be added from this page: ${why}.`);
    $("invite").disabled = true;
    $("add-bot").hidden = true;
  }
}

async function addBot(persona) {
  say("bot-error");
  try {
    await api("/bots", { method: "POST", body: JSON.stringify({ meeting_url: roomLink, personas: [persona] }) });
  } catch (error) {
    say("bot-error", `Could not add the bot: ${error.message}`);
  }
}

async function removeBot(participant, button) {
  button.disabled = true;
  try {
    await api(`/bots/${encodeURIComponent(participant.botId)}`, { method: "DELETE" });
  } catch (error) {
    say("bot-error", `Could not remove ${participant.name}: ${error.message}`);
    button.disabled = false;
  }
}

// ---- microphones ----

async function fillMicrophones() {
  const microphones = await listMicrophones();
  const choices = () => microphones.map((m) => new Option(m.label, m.id));
  const chosen = $("mic").value;
  $("mic").replaceChildren(new Option("Default microphone", ""), ...choices());
  $("mic").value = microphones.some((m) => m.id === chosen) ? chosen : "";
  const inUse = page.audio?.deviceId ?? "";
  $("mic-live").replaceChildren(...(microphones.length ? choices() : [new Option("No microphone", "")]));
  if (microphones.some((m) => m.id === inUse)) $("mic-live").value = inUse;
  $("mic-live").disabled = !page.audio?.hasMicrophone || microphones.length < 2;
}

$("mic-live").addEventListener("change", async () => {
  say("mic-error");
  try {
    await page.audio.useMicrophone($("mic-live").value);
  } catch (error) {
    say("mic-error", describeMicrophoneError(error).message);
  }
});

navigator.mediaDevices?.addEventListener?.("devicechange", () => background(fillMicrophones(), "list the microphones"));

// ---- joining, staying, leaving ----

function socketUrl(name) {
  const query = `name=${encodeURIComponent(name)}&t=${encodeURIComponent(token)}`;
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/meet/${encodeURIComponent(room)}/ws?${query}`;
}

function onEvent(message) {
  if (message.type === "welcome") {
    participants.selfId = message.id;
    for (const line of message.history ?? []) transcript.show(line);
  } else if (message.type === "participants") participants.render(message.participants);
  else if (message.type === "transcript") transcript.show(message);
  else if (message.type === "bot-state") participants.setBotState(message.botId, message.state);
  else if (message.type === "error") say(page.joined ? "bot-error" : "join-error", message.message);
}

function onStatus(status, detail = {}) {
  if (status === "open") showConnection(detail.reconnected ? "Reconnected." : "", 5000);
  else if (status === "reconnecting") showConnection(`Connection lost. Reconnecting in ${Math.round(detail.delayMs / 1000)} s (attempt ${detail.attempt})…`);
  else if (status === "lost") leftRoom("Could not reconnect to the room. Check the network, then join again.");
  else if (status === "refused") leftRoom(`The room closed the connection: ${detail.reason || "no reason given"}.`);
  else if (status === "left") leftRoom("");
}

function showJoinControls(busy) {
  $("join-button").disabled = busy;
  $("listen-only").disabled = busy;
}

async function join({ microphone }) {
  say("join-error");
  const name = $("name").value.trim();
  if (!NAME.test(name)) {
    say("join-error", "Give a name of 1 to 40 letters, digits, spaces or . _ ' -");
    $("name").focus();
    return;
  }
  localStorage.setItem("speaking-bots-name", name);
  showJoinControls(true);
  const audio = new PcmAudio({ onFrame: (frame) => page.connection?.send(frame) });
  try {
    await audio.start({ microphone, deviceId: $("mic").value, muted: $("start-muted").checked });
  } catch (error) {
    const problem = describeMicrophoneError(error);
    say("join-error", problem.message);
    $("listen-only").hidden = false;
    showJoinControls(false);
    return;
  }
  // Events of an earlier connection (one just left) must not touch this one's page.
  const current = (handler) => (...args) => page.connection === connection && handler(...args);
  const connection = new RoomConnection(socketUrl(name), { onEvent: current(onEvent), onAudio: current((frame) => audio.play(frame)), onStatus: current(onStatus) });
  page.audio = audio;
  page.connection = connection;
  try {
    await connection.open();
  } catch (error) {
    page.audio = undefined;
    page.connection = undefined;
    await audio.stop();
    say("join-error", error.message);
    showJoinControls(false);
    return;
  }
  enteredRoom(audio);
  const invite = $("invite").value;
  if (invite) await addBot(invite);
}

function enteredRoom(audio) {
  page.joined = true;
  $("join").hidden = true;
  $("listen-only").hidden = true;
  $("room").hidden = false;
  setMuteButton(audio.muted);
  $("mute").disabled = !audio.hasMicrophone;
  showJoinControls(false);
  $("room-title").focus();
  background(fillMicrophones(), "list the microphones");
}

function leftRoom(message) {
  if (!page.joined) return;
  page.joined = false;
  const audio = page.audio;
  page.audio = undefined;
  page.connection = undefined;
  if (audio) background(audio.stop(), "release the microphone");
  participants.clear();
  showConnection("");
  $("room").hidden = true;
  $("join").hidden = false;
  say("join-error", message);
  $("join-button").focus();
}

function setMuteButton(muted) {
  $("mute").textContent = muted ? "Unmute microphone" : "Mute microphone";
  $("mute").setAttribute("aria-pressed", String(muted));
}

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  background(join({ microphone: true }), "join");
});

$("listen-only").addEventListener("click", () => background(join({ microphone: false }), "join"));

$("mute").addEventListener("click", () => {
  const muted = !page.audio.muted;
  page.audio.setMuted(muted);
  setMuteButton(muted);
});

$("leave").addEventListener("click", () => {
  const connection = page.connection;
  leftRoom("You left the room. Join again whenever you like.");
  connection?.leave();
});

$("add-bot").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = event.submitter;
  button.disabled = true;
  await addBot($("persona").value);
  button.disabled = false;
});

// ---- the room's link ----

for (const button of document.querySelectorAll(".copy-link")) {
  button.addEventListener("click", async () => {
    const input = $(button.dataset.for);
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = "Copied";
    } catch {
      // Without clipboard access (a plain-http page on another host), the link is selected to copy by hand.
      input.select();
      button.textContent = "Press Ctrl+C";
    }
    setTimeout(() => {
      button.textContent = "Copy link";
    }, 2000);
  });
}

/** Opens a room from the page (only a loopback-only server hands them out) and goes there. */
async function openRoom() {
  say("link-error");
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
    say("link-error", error.message);
  }
}

// ---- start ----

$("room-name").textContent = `· ${room}`;
document.title = `${room} · Speaking Bots`;
$("link-room").textContent = room;
$("open-room").addEventListener("click", () => background(openRoom(), "open a room"));
for (const input of document.querySelectorAll(".share-link")) input.value = roomLink;
$(token ? "join" : "need-link").hidden = false;
$("name").value = localStorage.getItem("speaking-bots-name") || "";

background(showSetupBanner($("banner")), "read the server's setup");
if (token) {
  background(loadPersonas(), "list the personas");
  background(fillMicrophones(), "list the microphones");
}
