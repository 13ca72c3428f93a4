import type { ClauseText } from './clause-text';
import type { Draft, RuleContext } from './draft';
import { takeOffsets } from './quantities';
import { fromLocal, localIso } from './reference';
import { takeWhen } from './when';

/** The hour a step named only by its day runs at ("send the follow-up on Monday"). */
const DAY_ONLY_HOUR = 9;

/** When a step should wait for: an ISO local time, or an offset from the chained meeting's start. */
export type SendTime = Pick<Draft, 'notBefore' | 'chain' | 'requiresChain'>;

/**
 * Reads when a message, call, campaign or automation should happen, if the
 * clause says: "at 5pm", "on Monday at 9", "tomorrow" (at 9:00, as a guess),
 * or "10 minutes before the meeting" (an offset, chained to the latest
 * booking). Nothing when the clause names no time: the step runs when the
 * plan reaches it.
 */
export function takeSendTime(clause: ClauseText, ctx: RuleContext): SendTime {
  const offsets = takeOffsets(clause);
  if (offsets.length > 0) {
    if (offsets.length > 1) ctx.guess(`a step waits for one time; used ${offsets[0]}`);
    const offset = offsets[0]!;
    return {
      notBefore: offset,
      chain: 'booking',
      requiresChain: `"${offset.replace(/^[-+]/, '')} ${offset.startsWith('-') ? 'before' : 'after'}" what? No meeting is booked earlier in the request`,
    };
  }
  const when = takeWhen(clause, ctx.ref);
  if (!when || !(when.time ?? when.dayGiven)) return {};
  when.guesses.forEach((g) => ctx.guess(g));
  let at = when.time;
  if (!at) {
    at = `${when.date}T${String(DAY_ONLY_HOUR).padStart(2, '0')}:00:00`;
    ctx.guess(`no hour given for "${when.text}"; waits until ${at}`);
  }
  if (!when.dayGiven && at < localIso(ctx.ref.now)) {
    // "text bob at 9am" said at 10am: the next 9am, not one that has passed.
    at = localIso(fromLocal(at, ctx.ref).plus({ days: 1 }));
    ctx.guess(`no day given; waits until ${at}`);
  } else if (!when.dayGiven) {
    ctx.guess(`no day given; assumed ${when.date}`, 0.97);
  }
  if (at < localIso(ctx.ref.now)) {
    ctx.guess(`${at} is in the past; the step runs at once`);
    return {};
  }
  return { notBefore: at };
}
