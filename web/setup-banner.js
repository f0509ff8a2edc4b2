// What the server lacks, said at the top of the page, and how to fix the most common gap (no
// language model) in a minute. GET /health names the providers in use (`none` for a missing one);
// GET /ready, on servers that have it, gives the reasons a new bot would not work, and those are
// what the banner lists; without it, the warnings of /health are.

const README_SECTION = "a-language-model-in-a-minute";

const LLM_STEPS = [
  {
    title: "Ollama",
    commands: ["ollama pull qwen2.5:0.5b", "LLM_BASE_URL=http://127.0.0.1:11434/v1 LLM_MODEL=qwen2.5:0.5b npm start"],
  },
  {
    title: "llama.cpp",
    commands: ["llama-server -hf Qwen/Qwen2.5-0.5B-Instruct-GGUF --port 8080", "LLM_BASE_URL=http://127.0.0.1:8080/v1 npm start"],
  },
  { title: "OpenAI", commands: ["OPENAI_API_KEY=sk-… npm start"] },
];

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The JSON a route answers with (whatever its status), or undefined when the server has no such route. */
async function getJson(path) {
  const response = await fetch(path);
  const isJson = response.headers.get("content-type")?.includes("application/json");
  return response.status === 404 || !isJson ? undefined : response.json();
}

/** The server's gaps: whether no language model is set up, and the other reasons or warnings. */
async function readiness() {
  const [health, ready] = await Promise.all([getJson("/health"), getJson("/ready")]);
  const llmMissing = health?.providers?.llm?.name === "none";
  const notes = Array.isArray(ready?.reasons) ? ready.reasons : (health?.warnings ?? []);
  // The language model has its own note with the steps to fix it.
  const warnings = notes.filter((note) => !(llmMissing && /\bLLM\b|language model/i.test(note)));
  return { llmMissing, warnings };
}

function llmHelp() {
  const box = element("div", "llm-help");
  const lead = element("p");
  lead.append(
    element("strong", "", "No language model is configured."),
    " Bots join, listen and speak, but can only say which setting is missing. Get one running in a minute, then restart the server:",
  );
  const details = element("details");
  details.append(element("summary", "", "How to set one up"));
  const list = element("ul", "steps");
  for (const step of LLM_STEPS) {
    const item = element("li", "step");
    item.append(element("span", "step-title", step.title));
    for (const command of step.commands) {
      const pre = element("pre");
      pre.append(element("code", "", command));
      item.append(pre);
    }
    list.append(item);
  }
  const more = element("p", "more");
  more.append("The same steps, and the settings they use, are in the README section ", element("code", "", `README.md#${README_SECTION}`), ".");
  details.append(list, more);
  box.append(lead, details);
  return box;
}

/** Fills the banner when the server lacks something; leaves it hidden otherwise. */
export async function showSetupBanner(banner) {
  const { llmMissing, warnings } = await readiness();
  const parts = [];
  if (llmMissing) parts.push(llmHelp());
  if (warnings.length) parts.push(element("p", "warnings", warnings.join(" · ")));
  banner.replaceChildren(...parts);
  banner.hidden = parts.length === 0;
}
