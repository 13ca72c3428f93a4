/**
 * Words that carry no meaning of their own in a request; leaving them
 * unconsumed does not count against the planner's confidence.
 */
const FILLER = new Set(
  (
    "a an the me my mine i i'm im we us our you your it its it's that this these those them him " +
    'her his their they he she to of and or then also with on at for in by from is are be am was ' +
    'do does please pls can could would will just some so up kindly hi hey hello ok okay thanks ' +
    "thank let's lets want need like i'd go ahead new quick short as all there here any right " +
    'away asap soon now again too both each every really sure'
  ).split(/\s+/),
);

/**
 * One clause of a request plus the parts of it no rule has consumed yet.
 * Consumed text is blanked with spaces rather than removed, so offsets into
 * `rest` stay offsets into `original`, and a run of two or more spaces marks
 * where something was taken out.
 */
export class ClauseText {
  readonly original: string;
  // One string, not an array of characters: the rules read `rest` far more often than they
  // consume, and joining an array on every read made long sentences cost tens of milliseconds.
  private text: string;

  constructor(
    original: string,
    private readonly parent?: { clause: ClauseText; offset: number },
  ) {
    this.original = original;
    this.text = original;
  }

  /**
   * A view of `rest` from `start` to `end`: what it consumes is consumed here
   * too, so a part of a clause ("... to 4pm") can be read on its own.
   */
  region(start: number, end = this.text.length): ClauseText {
    return new ClauseText(this.text.slice(start, end), { clause: this, offset: start });
  }

  /** The clause with consumed parts blanked out. */
  get rest(): string {
    return this.text;
  }

  /** Marks `length` characters at `index` as understood. */
  blank(index: number, length: number): void {
    const end = Math.min(index + length, this.text.length);
    if (end <= index) return;
    this.text = this.text.slice(0, index) + ' '.repeat(end - index) + this.text.slice(end);
    this.parent?.clause.blank(this.parent.offset + index, length);
  }

  /** Finds `re` in the unconsumed text and consumes the match. Returns the match or null. */
  take(re: RegExp): RegExpExecArray | null {
    const m = single(re).exec(this.text);
    if (m) this.blank(m.index, m[0].length);
    return m;
  }

  /** Like `take`, for every match. */
  takeAll(re: RegExp): RegExpExecArray[] {
    const found: RegExpExecArray[] = [];
    for (let m = this.take(re); m; m = this.take(re)) found.push(m);
    return found;
  }

  /** True when `re` matches the unconsumed text (nothing is consumed). */
  has(re: RegExp): boolean {
    return single(re).test(this.text);
  }

  /** Meaningful words no rule consumed: what the planner ignored. */
  leftover(): string[] {
    return contentWords(this.rest);
  }

  /** Meaningful words in the whole clause. */
  contentWordCount(): number {
    return contentWords(this.original).length;
  }
}

const SINGLE = new WeakMap<RegExp, RegExp>();

/**
 * `re` without the global flag, so `exec` always searches from the start;
 * made once per pattern, since building a RegExp costs more than running one.
 */
function single(re: RegExp): RegExp {
  if (!re.global && !re.sticky) return re;
  let found = SINGLE.get(re);
  if (!found) {
    found = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
    SINGLE.set(re, found);
  }
  return found;
}

/** Words that are neither filler nor punctuation. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’@.+-]*/gu) ?? [])
    .map((w) => w.replace(/[.'’-]+$/, ''))
    .filter((w) => w.length > 0 && !FILLER.has(w));
}

/** Collapses the gaps left by consumed text and trims punctuation (and a closing full stop) at the ends. */
export function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:.!?-]+|[\s,;:!?-]+$|(?<!\.)\.$/g, '')
    .replace(/\s+([,.;:!?])/g, '$1')
    .trim();
}

/** Upper-cases the first letter. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Tidies a captured phrase and capitalizes it; undefined when nothing is left. */
export function phrase(text: string | undefined): string | undefined {
  const t = tidy(text ?? '');
  return t ? capitalize(t) : undefined;
}
