import { Context } from '@temporalio/activity';
import { selectionOnce } from '../db/calendar-selections-repository';
import { DEFAULT_MAX_RESULTS, MAX_BATCH } from '../plan/action-params';
import type { ActionParams } from '../plan/action-types';
import { parseOffset } from '../plan/offset';
import { idempotencyKey, type StepInput, type StepOutput } from '../plan/step-io';
import type { Meeting } from '../providers/calendar-provider';
import { describeQuery } from '../providers/describe-query';
import { followMeeting } from '../reminders/reminder-sync';
import { toInstant } from '../time/zoned-time';
import type { ActivityDeps } from './deps';
import {
  DomainError,
  InvalidStepError,
  MeetingNotFoundError,
  ProviderConnectionError,
} from './errors';
import { meetingUndo, type PreviousMeeting } from './meeting-undo';
import { queryOf } from './meeting-query';

type Verbosity = 'summary' | 'detailed';

/** One item of a batch step's output. */
export interface BatchItem {
  index: number;
  outcome: 'succeeded' | 'failed';
  meeting_id?: string;
  calendar?: string;
  title?: string;
  start_time?: string;
  end_time?: string;
  /** An update's meeting before it: what its undo puts back. */
  previous?: PreviousMeeting;
  error?: { type: string; message: string };
  /** The whole meeting, when verbosity is detailed. */
  meeting?: Meeting;
}

/** The key of item `index` of a step: the step's key and the item, so each acts once. */
export const itemKey = (stepKey: string, index: number) => `${stepKey}#${index}`;
export const itemUndoKey = (stepKey: string, index: number) => `${itemKey(stepKey, index)}#undo`;

/** The fields a later step chains from: a batch's first meeting. */
export function chainFields(m: Meeting): StepOutput {
  return {
    meeting_id: m.meeting_id,
    calendar: m.calendar,
    title: m.title,
    start_time: m.start_time,
    end_time: m.end_time,
    join_link: m.join_link,
    attendees: m.attendees,
  };
}

function shown(m: Meeting, verbosity: Verbosity) {
  const brief = {
    meeting_id: m.meeting_id,
    calendar: m.calendar,
    title: m.title,
    start_time: m.start_time,
    end_time: m.end_time,
  };
  return verbosity === 'detailed' ? { ...brief, meeting: m } : brief;
}

/**
 * A failure that belongs to one item (its slot is taken, it is gone); anything
 * else (an outage, a broken connection) is the step's, and is thrown on so the
 * step retries or fails as a whole.
 */
function itemFailure(err: unknown): { type: string; message: string } | null {
  if (!(err instanceof DomainError) || err instanceof ProviderConnectionError) return null;
  return { type: err.constructor.name, message: err.message };
}

/** A new error of the same domain type as `err`, so retry policies and callers read it alike. */
function sameKind(err: DomainError, message: string): DomainError {
  const Kind = err.constructor as new (message: string) => DomainError;
  return new Kind(message);
}

interface Outcome {
  item: BatchItem;
  meeting: Meeting;
}

/**
 * Runs the items in `order`, each on its own key. An item's own failure is
 * recorded and the rest go on, unless `allOrNothing`: then the items done are
 * undone, newest first, and the step fails with the item's error. When every
 * item fails, the step fails too: there is nothing to chain or undo.
 */
async function runItems(
  order: number[],
  act: (index: number) => Promise<Outcome>,
  failed: (index: number) => Omit<BatchItem, 'outcome' | 'error'>,
  allOrNothing: boolean,
  undo: (outcome: Outcome) => Promise<unknown>,
) {
  const done: Outcome[] = [];
  const failures: BatchItem[] = [];
  let firstError: DomainError | null = null;
  for (const index of order) {
    Context.current().heartbeat(index);
    try {
      done.push(await act(index));
    } catch (err) {
      const failure = itemFailure(err);
      if (!failure) throw err;
      firstError ??= err as DomainError;
      failures.push({ ...failed(index), outcome: 'failed', error: failure });
      if (allOrNothing) {
        for (const d of [...done].reverse()) {
          Context.current().heartbeat(d.item.index);
          await undo(d);
        }
        throw sameKind(
          firstError,
          `item ${index} failed (${failure.message}); all_or_nothing: the ${done.length} item(s) done before it were undone`,
        );
      }
    }
  }
  if (firstError && done.length === 0) {
    const listed = failures.slice(0, 5).map((f) => `item ${f.index}: ${f.error!.message}`);
    throw sameKind(
      firstError,
      `all ${failures.length} item(s) failed: ${listed.join('; ')}${failures.length > 5 ? '; …' : ''}`,
    );
  }
  const items = [...done.map((d) => d.item), ...failures].sort((a, b) => a.index - b.index);
  const first = done.slice().sort((a, b) => a.item.index - b.item.index)[0]!;
  return {
    ...chainFields(first.meeting),
    summary: { matched: order.length, succeeded: done.length, failed: failures.length },
    partial: failures.length > 0,
    items,
  };
}

/**
 * Calendar steps over several meetings: `items` of a booking, `all: true` of
 * an update or cancel, and find_meetings. Each item is keyed by the step's key
 * and its index (`<workflow id>#<step>#<n>`), so a retried step redoes nothing;
 * a match's selection is recorded before anything changes (calendar_selections),
 * so a retry works through the same meetings.
 */
export function createCalendarBatch(deps: ActivityDeps) {
  const { calendar } = deps;
  const undo = meetingUndo(deps);
  const limitOf = (max: number | undefined) => Math.min(max ?? DEFAULT_MAX_RESULTS, MAX_BATCH);

  return {
    async bookItems(input: StepInput<'book_meeting'>): Promise<StepOutput> {
      const p = input.params;
      const items = p.items ?? [];
      const key = idempotencyKey(input);
      const verbosity = p.verbosity ?? 'detailed';
      return runItems(
        items.map((_, i) => i),
        async (index) => {
          const item = { ...p, ...stripUndefined(items[index]!) };
          if (!item.time) throw new InvalidStepError(`item ${index} has no time, given or chained`);
          if (!item.title) throw new InvalidStepError(`item ${index} has no title`);
          const start = toInstant(item.time, input.timezone);
          const meeting = await calendar.book({
            tenant_id: input.tenant_id,
            idempotency_key: itemKey(key, index),
            title: item.title,
            start,
            end: new Date(start.getTime() + item.duration_minutes * 60_000),
            attendees: item.attendees ?? [],
            calendar: item.calendar,
            description: item.description,
            location: item.location,
            plan_id: input.plan_id,
            step_index: input.step,
          });
          return { meeting, item: { index, outcome: 'succeeded', ...shown(meeting, verbosity) } };
        },
        (index) => ({
          index,
          title: items[index]!.title ?? p.title,
          calendar: items[index]!.calendar ?? p.calendar,
        }),
        p.all_or_nothing ?? false,
        ({ item, meeting }) =>
          undo.unbook(
            {
              tenant_id: input.tenant_id,
              meeting_id: meeting.meeting_id,
              calendar: meeting.calendar,
              key: itemUndoKey(key, item.index),
            },
            `all_or_nothing: another item of step ${input.step} failed`,
          ),
      );
    },

    async changeAll(
      input: StepInput<'update_meeting'> | StepInput<'cancel_meeting'>,
      kind: 'update' | 'cancel',
    ): Promise<StepOutput> {
      const p = input.params as ActionParams<'update_meeting' | 'cancel_meeting'>;
      const key = idempotencyKey(input);
      const verbosity = p.verbosity ?? 'detailed';
      const query = queryOf(p.match, p.calendar, input.timezone, deps.now());
      const limit = limitOf(p.max_results);
      const selection = await selectionOnce(deps.db, input.tenant_id, key, async () => {
        const found = await calendar.find(input.tenant_id, query, limit + 1);
        return {
          meetings: found
            .slice(0, limit)
            .map((m) => ({ meeting_id: m.meeting_id, calendar: m.calendar })),
          truncated: found.length > limit,
        };
      });
      const chosen = selection.meetings;
      if (chosen.length === 0) {
        throw new MeetingNotFoundError(`no confirmed meeting matches ${describeQuery(query)}`);
      }
      const u = input.params as ActionParams<'update_meeting'>;
      const shiftMs = kind === 'update' && u.shift ? (parseOffset(u.shift) ?? 0) : 0;
      const order = chosen.map((_, i) => i);
      // Later meetings move first when shifting later, so neighbours never clash on the way.
      if (shiftMs > 0) order.reverse();
      const ref = (index: number) => ({
        meeting_id: chosen[index]!.meeting_id,
        calendar: chosen[index]!.calendar,
      });
      const result = await runItems(
        order,
        async (index) => {
          if (kind === 'cancel') {
            const meeting = await calendar.cancel({
              tenant_id: input.tenant_id,
              idempotency_key: itemKey(key, index),
              ref: ref(index),
              reason: (p as ActionParams<'cancel_meeting'>).reason,
            });
            await followMeeting(deps, input.tenant_id, meeting, itemKey(key, index));
            return { meeting, item: { index, outcome: 'succeeded', ...shown(meeting, verbosity) } };
          }
          const { meeting, previous } = await calendar.update({
            tenant_id: input.tenant_id,
            idempotency_key: itemKey(key, index),
            ref: ref(index),
            changes: {
              start: u.time ? toInstant(u.time, input.timezone) : undefined,
              shift_ms: shiftMs || undefined,
              duration_minutes: u.duration_minutes,
              title: u.title,
            },
          });
          await followMeeting(deps, input.tenant_id, meeting);
          return {
            meeting,
            item: { index, outcome: 'succeeded', ...shown(meeting, verbosity), previous },
          };
        },
        (index) => ({ index, ...ref(index) }),
        p.all_or_nothing ?? false,
        ({ item, meeting }) => {
          const target = {
            tenant_id: input.tenant_id,
            meeting_id: meeting.meeting_id,
            calendar: meeting.calendar,
            key: itemUndoKey(key, item.index),
          };
          return kind === 'cancel'
            ? undo.uncancel(target, itemKey(key, item.index))
            : undo.unmove(target, item.previous!);
        },
      );
      return { ...result, truncated: selection.truncated };
    },

    async find(input: StepInput<'find_meetings'>): Promise<StepOutput> {
      const p = input.params;
      const verbosity = p.verbosity ?? 'detailed';
      const query = queryOf(p.match, undefined, input.timezone, deps.now());
      const limit = limitOf(p.max_results);
      const found = await calendar.find(input.tenant_id, query, limit + 1);
      const meetings = found.slice(0, limit);
      return {
        ...(meetings[0] ? chainFields(meetings[0]) : {}),
        summary: { matched: meetings.length, succeeded: meetings.length, failed: 0 },
        truncated: found.length > limit,
        meetings: meetings.map((m) => shown(m, verbosity)),
      };
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
