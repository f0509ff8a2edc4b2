/**
 * @module pipeline/turn/addressing
 * Who an utterance is spoken to. A name counts as an address only where people use it as one: at
 * the start ("Sam, what…", "hey Sam what…"), at the end ("…right, Sam?"), or set off by punctuation
 * in the middle ("…and, Sam, could you…"). A name mentioned inside a sentence ("I told Sam") is not
 * an address. Names are matched by sound, so recogniser misspellings still count, but a very common
 * word only matches when spelled exactly like the name (otherwise "some" would call "Sam").
 */
import { type PhoneticEncoder, metaphoneEncoder, soundsLike } from "./phonetic.js";
import { type Token, isQuestion, tokenize } from "./utterance-text.js";

/** Words that may come before a vocative name at the start of an utterance. */
const OPENERS = new Set(["hey", "hi", "hello", "ok", "okay", "so", "and", "oh", "um", "uh", "well", "yo", "right", "alright", "now", "but", "then", "dear", "thanks", "thank", "you"]);
/** Words that may follow a vocative name at the end ("…, Sam, please?"). */
const CLOSERS = new Set(["please", "right", "then", "too", "yeah", "again", "now", "thanks"]);

/** Frequent words that recognisers produce on their own; they never match a name by sound alone. */
const COMMON_WORDS = new Set(
  (
    "a about after again all also an and any are as at back be because been but by can come could day did do does done even first for from get go good " +
    "had has have he her here him his how i if in into is it its just know last like look make man many me more most much my new no not now of off on " +
    "one only or other our out over people same say see seem she so some something son soon sum sun than that the their them then there these they " +
    "thing think this those time to too two up us use very want was way we well were what when where which who why will with work would year yes yet " +
    "you your mean men may might must need next nice once own part put said shall should still such sure take tell thank thanks through today " +
    "ok okay right really team test text then time top try under until upon wait went while whole yeah"
  ).split(/\s+/),
);

const ROOM_WORDS = new Set(["everyone", "everybody", "anyone", "anybody", "someone", "somebody", "all", "guys", "folks", "team", "y'all"]);

const ROOM_QUESTION_PATTERNS: RegExp[] = [
  /\b(does|do|can|could|would|will|did|has|have|is)\s+(anyone|anybody|someone|somebody|everyone|everybody|any of you|you all|you guys|y'all)\b/i,
  /\bany\s+(thoughts|ideas|questions|objections|suggestions|comments|opinions|takers|volunteers|input|feedback)\b/i,
  /\b(what|how)\s+(do|does)\s+(you all|you guys|y'all|everyone|everybody|people|we all|the team|the room)\s+(think|feel)\b/i,
  /\bwho\s+(knows|has|can|wants|remembers|thinks)\b/i,
  /^\s*(anyone|anybody|someone|somebody|everyone)\b.*\?\s*$/i,
  /\bthoughts\s*\?\s*$/i,
];

export interface AddressAnalysis {
  /** The bot is addressed by one of its names. */
  toBot: boolean;
  /** Another participant is addressed by name (their roster name), when the bot is not. */
  toOther: string | null;
  /** A question put to the whole room. */
  roomQuestion: boolean;
  question: boolean;
  /** The words left once the name the utterance calls (bot or other) is taken out. */
  rest: string;
}

function words(name: string): string[] {
  return tokenize(name).map((t) => t.word);
}

export class AddressDetector {
  private readonly botForms: string[][];

  /** `botNames`: persona name, bot name and aliases; each may have several words. */
  constructor(
    botNames: readonly string[],
    private readonly encoder: PhoneticEncoder = metaphoneEncoder,
  ) {
    this.botForms = uniqueForms(botNames.map(words));
  }

  /** `others`: the roster names of the other participants (the bot excluded). */
  analyse(text: string, others: readonly string[]): AddressAnalysis {
    const tokens = tokenize(text);
    const question = isQuestion(text);
    let span = this.firstVocative(tokens, this.botForms);
    const toBot = span !== null;
    let toOther: string | null = null;
    if (!toBot) {
      for (const name of others) {
        const full = words(name);
        span = this.firstVocative(tokens, uniqueForms([full, full.slice(0, 1)]).filter((form) => !this.isBotForm(form)));
        if (span) {
          toOther = name;
          break;
        }
      }
    }
    const roomQuestion = !toBot && !toOther && (ROOM_QUESTION_PATTERNS.some((p) => p.test(text)) || (question && this.roomVocative(tokens)));
    const rest = tokens.filter((_, i) => !span || i < span.start || i >= span.end).map((t) => t.word).join(" ");
    return { toBot, toOther, roomQuestion, question, rest };
  }

  private firstVocative(tokens: Token[], forms: string[][]): { start: number; end: number } | null {
    for (const form of forms) {
      const start = this.vocative(tokens, form);
      if (start >= 0) return { start, end: start + form.length };
    }
    return null;
  }

  private isBotForm(form: string[]): boolean {
    return this.botForms.some((bot) => bot.join(" ") === form.join(" "));
  }

  private roomVocative(tokens: Token[]): boolean {
    return tokens.some((t, i) => ROOM_WORDS.has(t.word) && (i === 0 || t.breakBefore || i === tokens.length - 1 || t.breakAfter));
  }

  /** Where `form` appears in a position where a name is used to call someone; -1 when it does not. */
  private vocative(tokens: Token[], form: string[]): number {
    const n = form.length;
    if (!n || tokens.length < n) return -1;
    for (let start = 0; start + n <= tokens.length; start++) {
      if (!this.matches(tokens.slice(start, start + n), form)) continue;
      const first = tokens[start] as Token;
      const last = tokens[start + n - 1] as Token;
      const atStart = start === 0 || tokens.slice(0, start).every((t) => OPENERS.has(t.word));
      const atEnd = start + n === tokens.length || tokens.slice(start + n).every((t) => CLOSERS.has(t.word));
      const setOff = first.breakBefore && last.breakAfter;
      // A name opening a sentence after a full stop ("… done. Sam, can you…") is also a call.
      if (atStart || atEnd || setOff) return start;
    }
    return -1;
  }

  private matches(span: Token[], form: string[]): boolean {
    return span.every((token, i) => {
      const target = form[i] ?? "";
      const heard = token.word.replace(/'s$/, "");
      if (heard === target) return true;
      if (COMMON_WORDS.has(heard)) return false;
      return soundsLike(heard, target, this.encoder);
    });
  }
}

function uniqueForms(forms: string[][]): string[][] {
  const seen = new Set<string>();
  return forms.filter((form) => {
    const key = form.join(" ");
    if (!form.length || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
