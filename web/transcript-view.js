// The room's transcript: one entry per utterance, with who spoke and when. An utterance keeps its
// id from interim to final, so the interim text is replaced by the final rather than added again.
// A bot's reply shows how long it took, from the end of the question to its first sound.
// Interim entries are hidden from screen readers; the final entry is added in their place, so the
// log announces each line once.

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function clock(at) {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function formatLatency(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export class TranscriptView {
  /**
   * @param {HTMLElement} scroller the scrolling log around the list
   * @param {HTMLElement} list the `<ol>` to fill
   * @param {HTMLElement} empty what is shown while nothing has been said
   */
  constructor(scroller, list, empty) {
    this.scroller = scroller;
    this.list = list;
    this.empty = empty;
    this.lines = new Map();
  }

  /** Adds a line, or replaces the entry of the same utterance. */
  show(line) {
    const existing = this.lines.get(line.id);
    if (existing?.dataset.final === "true") return; // a final line never changes (history sent again)
    const item = this.render(line);
    const { scroller } = this;
    // Follow new lines only when the reader is already at the bottom, not while they scroll back.
    const stick = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
    if (existing) existing.replaceWith(item);
    else this.list.append(item);
    this.lines.set(line.id, item);
    this.empty.hidden = true;
    if (stick) scroller.scrollTop = scroller.scrollHeight;
  }

  render(line) {
    const item = element("li", line.role);
    item.dataset.lineId = line.id;
    item.dataset.final = String(line.final);
    if (!line.final) {
      item.classList.add("interim");
      item.setAttribute("aria-hidden", "true");
    }
    const head = element("div", "line-head");
    const who = line.role === "said" ? line.botName : line.speaker || "Someone";
    head.append(element("span", "who", who));
    const time = element("time", "at", clock(line.at));
    time.dateTime = new Date(line.at).toISOString();
    head.append(time);
    if (typeof line.latencyMs === "number") {
      const badge = element("span", "latency", formatLatency(line.latencyMs));
      badge.title = "Answer time: from the end of the question to the bot's first sound";
      badge.setAttribute("aria-label", `answered in ${formatLatency(line.latencyMs)}`);
      head.append(badge);
    }
    item.append(head, element("p", "text", line.text));
    if (line.interrupted) item.append(element("span", "cut", "cut off"));
    return item;
  }
}
