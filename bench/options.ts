/**
 * @module bench/options
 * The command line of `npm run bench`: `--quick` for a short smoke run, `--only <section>[,…]` to run
 * some sections, and `--bots N` (with `--only scale`) to run one scale step instead of the series.
 */

export const SECTIONS = ["overhead", "turn", "scale", "local", "side-by-side", "memory", "meetings", "echo", "room-group", "cluster"] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  only: ReadonlySet<Section>;
  /** One scale step of this many bots instead of the series; null runs the series. */
  bots: number | null;
}

export const MAX_BENCH_BOTS = 1000;

function valueAfter(args: readonly string[], flag: string): string | undefined {
  const inline = args.find((a) => a.startsWith(`${flag}=`));
  if (inline) return inline.slice(flag.length + 1);
  const at = args.indexOf(flag);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value`);
  return value;
}

function isSection(name: string): name is Section {
  return (SECTIONS as readonly string[]).includes(name);
}

/** Parses the arguments; throws with a message naming the wrong argument. */
export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const known = new Set(["--quick", "--only", "--bots"]);
  for (const arg of args) {
    const flag = arg.split("=")[0] ?? arg;
    if (arg.startsWith("--") && !known.has(flag)) throw new Error(`unknown option ${arg}`);
  }
  const onlyText = valueAfter(args, "--only");
  const names = onlyText === undefined ? [...SECTIONS] : onlyText.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !isSection(n));
  if (unknown.length || names.length === 0) throw new Error(`--only takes sections among ${SECTIONS.join(", ")}; got "${onlyText ?? ""}"`);
  const only = new Set(names.filter(isSection));
  const botsText = valueAfter(args, "--bots");
  let bots: number | null = null;
  if (botsText !== undefined) {
    bots = Number(botsText);
    if (!Number.isInteger(bots) || bots < 1 || bots > MAX_BENCH_BOTS) throw new Error(`--bots takes a whole number from 1 to ${MAX_BENCH_BOTS}; got "${botsText}"`);
    if (onlyText === undefined || !only.has("scale")) throw new Error("--bots applies to the scale section: add --only scale");
  }
  return { quick: args.includes("--quick"), only, bots };
}
