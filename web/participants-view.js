// Who is in the room: one entry per person and bot, updated in place (so a focused button keeps
// its focus while the roster changes every fraction of a second), with a speaking indicator from
// the room's own speaking flags, each bot's voice state, and who has the floor when several bots
// are present.

const STATE_TEXT = {
  joining: "joining",
  listening: "listening",
  thinking: "thinking…",
  speaking: "speaking",
  holding: "holding for the floor",
};

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class ParticipantsView {
  /**
   * @param {HTMLElement} list the `<ul>` to fill
   * @param {HTMLElement} floor where the floor holder is shown
   * @param {{ onRemoveBot(participant: object, button: HTMLButtonElement): void }} actions
   */
  constructor(list, floor, actions) {
    this.list = list;
    this.floor = floor;
    this.actions = actions;
    this.items = new Map();
    this.participants = [];
    this.selfId = "";
  }

  /** The roster as the room announced it. */
  render(participants) {
    this.participants = participants;
    const wanted = participants.map((p) => this.update(p));
    for (const [id, item] of this.items) {
      if (!participants.some((p) => p.id === id)) {
        item.remove();
        this.items.delete(id);
      }
    }
    // Moving a node that holds focus would drop it: reorder only when the order changed.
    const inOrder = wanted.every((item, index) => this.list.children[index] === item);
    if (!inOrder) this.list.replaceChildren(...wanted);
    this.showFloor();
  }

  /** A bot's voice changed state (sent at once, between roster announcements). */
  setBotState(botId, state) {
    const participant = this.participants.find((p) => p.botId === botId);
    if (!participant) return;
    participant.state = state;
    this.update(participant);
    this.showFloor();
  }

  clear() {
    this.render([]);
  }

  update(p) {
    let item = this.items.get(p.id);
    if (!item) {
      item = this.create(p);
      this.items.set(p.id, item);
    }
    item.classList.toggle("speaking", p.speaking);
    item.querySelector(".speaking-label").hidden = !p.speaking;
    if (p.kind === "bot") {
      const state = p.state || "joining";
      item.dataset.state = state;
      item.querySelector(".state").textContent = STATE_TEXT[state] ?? state;
    }
    return item;
  }

  create(p) {
    const item = element("li");
    item.dataset.kind = p.kind;
    item.dataset.id = p.id;
    const dot = element("span", "dot");
    dot.setAttribute("aria-hidden", "true");
    const name = element("span", "name", p.name);
    item.append(dot, name);
    if (p.id === this.selfId) item.append(element("span", "kind", "you"));
    else if (p.kind === "bot") item.append(element("span", "kind", "bot"));
    item.append(element("span", "speaking-label", "speaking"));
    if (p.kind === "bot") {
      item.append(element("span", "state"));
      const remove = element("button", "remove", "Remove");
      remove.type = "button";
      remove.setAttribute("aria-label", `Remove ${p.name}`);
      remove.addEventListener("click", () => this.actions.onRemoveBot(p, remove));
      item.append(remove);
    }
    return item;
  }

  /** With several bots, which one has the floor (speaking now), and which wait for it. */
  showFloor() {
    const bots = this.participants.filter((p) => p.kind === "bot");
    this.floor.hidden = bots.length < 2;
    if (bots.length < 2) return;
    const holder = bots.find((b) => b.floor === true) ?? bots.find((b) => b.state === "speaking");
    const waiting = bots.filter((b) => b.state === "holding" && b !== holder).map((b) => b.name);
    const now = holder ? `${holder.name} has the floor` : "The floor is open";
    this.floor.textContent = waiting.length ? `${now} · waiting: ${waiting.join(", ")}` : now;
  }
}
