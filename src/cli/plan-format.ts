import { clean, duration, shorten, summary, table, when } from './output';

/** The fields of the API's plan view the CLI prints (GET /v1/plans, /v1/plans/:id). */
export interface PlanViewLike {
  id: string;
  status: string;
  intent?: string | null;
  current_step?: number | null;
  waiting_until?: string | null;
  attempt?: number;
  steps?: StepLike[];
  actions?: { type: string }[];
  successful_steps?: number;
  error?: { type?: string; message?: string; step?: number | null } | null;
  approvals?: ApprovalLike[];
  created_at?: string;
  started_at?: string | null;
  completed_at?: string | null;
  links?: { web_ui?: string };
}

interface StepLike {
  index: number;
  type: string;
  status: string;
  output?: Record<string, unknown> | null;
  error?: { type?: string; message?: string } | null;
  skip_reason?: string | null;
  started_at?: string | null;
  completed_at?: string | null;
  waiting_until?: string | null;
}

interface ApprovalLike {
  step: number | null;
  reason: string;
  requested_at: string;
  deadline: string;
  decision: { outcome: string; by: string; at: string; reason: string | null } | null;
}

/** One plan event as the stream sends it. */
export interface PlanEventLike {
  kind: string;
  step?: number | null;
  attempt?: number;
  detail?: unknown;
  created_at?: string;
}

const INTENT_WIDTH = 50;

const stepCount = (p: PlanViewLike) => {
  const total = p.actions?.length ?? p.steps?.length ?? 0;
  return `${p.successful_steps ?? 0}/${total}`;
};

/** GET /v1/plans as a table: id, status, created, steps done of all, the intent shortened. */
export function planTable(plans: PlanViewLike[]): string {
  if (plans.length === 0) return 'no plans';
  return table(
    ['ID', 'STATUS', 'CREATED (UTC)', 'STEPS', 'INTENT'],
    plans.map((p) => [
      clean(p.id),
      clean(p.status),
      when(p.created_at),
      stepCount(p),
      shorten(p.intent ?? '-', INTENT_WIDTH),
    ]),
  );
}

/** GET /v1/plans/:id for a person: the plan, each step, its approvals and its Web UI page. */
export function planDetail(p: PlanViewLike): string {
  const lines = [
    `plan ${clean(p.id)}  ${clean(p.status)}${p.attempt && p.attempt > 1 ? `  (attempt ${p.attempt})` : ''}`,
    `intent:   ${shorten(p.intent ?? '-', 300)}`,
    `created:  ${when(p.created_at)}   started: ${when(p.started_at)}   ended: ${when(p.completed_at)}`,
  ];
  if (p.waiting_until) lines.push(`waiting until ${when(p.waiting_until)}`);
  if (p.error) {
    lines.push(
      `error:    ${p.error.step !== null && p.error.step !== undefined ? `step ${p.error.step}: ` : ''}${shorten(`${p.error.type ?? ''} ${p.error.message ?? ''}`, 300)}`,
    );
  }
  const steps = p.steps ?? [];
  lines.push(`steps (${stepCount(p)} succeeded):`);
  if (steps.length === 0) {
    (p.actions ?? []).forEach((a, i) => lines.push(`  ${i}. ${clean(a.type)}  not started`));
  }
  for (const s of steps) lines.push(...stepLines(s, s.index === p.current_step));
  const approvals = p.approvals ?? [];
  if (approvals.length) {
    lines.push('approvals:');
    for (const a of approvals) lines.push(`  ${approvalLine(a)}`);
  }
  if (p.links?.web_ui) lines.push(`web UI:   ${clean(p.links.web_ui)}`);
  return lines.join('\n');
}

function stepLines(s: StepLike, current: boolean): string[] {
  const took = duration(s.started_at, s.completed_at);
  const timing = s.started_at
    ? `started ${when(s.started_at)}${took ? `, took ${took}` : ''}`
    : 'not started';
  const lines = [
    `  ${current ? '>' : ' '}${s.index}. ${clean(s.type)}  ${clean(s.status)}  ${timing}`,
  ];
  if (s.waiting_until) lines.push(`       waiting until ${when(s.waiting_until)}`);
  if (s.output && Object.keys(s.output).length) lines.push(`       output: ${summary(s.output)}`);
  if (s.error) {
    lines.push(`       error: ${shorten(`${s.error.type ?? ''}: ${s.error.message ?? ''}`, 300)}`);
  }
  if (s.skip_reason) lines.push(`       skipped: ${shorten(s.skip_reason, 200)}`);
  return lines;
}

function approvalLine(a: ApprovalLike): string {
  const what = a.step === null ? 'the whole plan' : `step ${a.step}`;
  const asked = `${what}: ${shorten(a.reason, 120)} (asked ${when(a.requested_at)})`;
  if (!a.decision) return `${asked}, waiting until ${when(a.deadline)}`;
  const d = a.decision;
  return `${asked}, ${clean(d.outcome)} by ${shorten(d.by, 60)} at ${when(d.at)}${d.reason ? `: ${shorten(d.reason, 200)}` : ''}`;
}

/** The first thing `plans watch` prints: where the plan is now. */
export function watchHeader(p: PlanViewLike): string {
  const at =
    p.current_step !== null && p.current_step !== undefined
      ? `, at step ${p.current_step} of ${p.actions?.length ?? p.steps?.length ?? '?'}`
      : '';
  const lines = [
    `plan ${clean(p.id)}: ${clean(p.status)}${at}, ${stepCount(p)} steps succeeded`,
    `intent: ${shorten(p.intent ?? '-', 200)}`,
  ];
  if (p.links?.web_ui) lines.push(`web UI: ${clean(p.links.web_ui)}`);
  return lines.join('\n');
}

/** One event of the stream on one line. */
export function eventLine(e: PlanEventLike): string {
  const step = e.step !== null && e.step !== undefined ? `  step ${e.step}` : '';
  const detail = summary(e.detail, 150);
  return `${when(e.created_at)}  ${clean(e.kind)}${step}${detail ? `  ${detail}` : ''}`;
}
