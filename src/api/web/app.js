// Errand's approvals and history page: plain browser JavaScript, no build step, no framework.
// It calls the same /v1 API as any client, with the key the user signs in with, kept in
// sessionStorage (this tab only). Every piece of data is written with textContent, never as HTML.

const KEY_STORAGE = 'errand.key';
const TERMINAL = new Set(['completed', 'failed', 'rejected', 'expired', 'cancelled']);
const STATUS_WORDS = {
  draft: 'Draft',
  submitting: 'Submitting',
  pending: 'Pending',
  awaiting_approval: 'Awaiting approval',
  running: 'Running',
  waiting_for_capacity: 'Waiting for capacity',
  waiting_for_automation: 'Waiting for an automation',
  waiting_for_time: 'Waiting for its time',
  completed: 'Completed',
  failed: 'Failed',
  rejected: 'Rejected',
  expired: 'Expired',
  cancelled: 'Cancelled',
  succeeded: 'Succeeded',
  skipped: 'Skipped',
  compensated: 'Undone',
  not_started: 'Not started',
};
const HISTORY_PAGE = 25;
const APPROVALS_POLL_MS = 15_000;

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

// ---------------------------------------------------------------- the API

class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let apiKey = sessionStorage.getItem(KEY_STORAGE);

/** Reads an error answer, `{"error":{"code","message","details"}}`, as one sentence. */
async function errorOf(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON: the status says enough.
  }
  const error = body && typeof body === 'object' ? body.error : null;
  const details = Array.isArray(error?.details)
    ? error.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ')
    : '';
  const message = error?.message ?? `the server answered ${res.status} ${res.statusText}`;
  return new ApiError(
    res.status,
    error?.code ?? 'error',
    details ? `${message} (${details})` : message,
  );
}

/** Calls the API with the signed-in key; a refused key signs the page out. */
async function api(method, path, body) {
  const headers = { authorization: `Bearer ${apiKey}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'network', `the API could not be reached (${err.message})`);
  }
  if (!res.ok) {
    const error = await errorOf(res);
    if (res.status === 401) signOut('The API refused the key: sign in again.');
    throw error;
  }
  return res.status === 204 ? null : res.json();
}

// ---------------------------------------------------------------- small DOM helpers

/**
 * Makes an element: `attrs` are properties (className, type, …) or, for names with a dash
 * or `for`, attributes; children are nodes or strings (as text).
 */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.includes('-') || name === 'for' || name === 'role') node.setAttribute(name, value);
    else if (name === 'onclick' || name === 'onsubmit') node.addEventListener(name.slice(2), value);
    else node[name] = value;
  }
  node.append(...nodes(children));
  return node;
}

/** Children as el() takes them (arrays, nulls), flattened for replaceChildren. */
const nodes = (...children) =>
  children
    .flat(2)
    .filter((c) => c !== undefined && c !== null && c !== false)
    .map((c) => (c instanceof Node ? c : String(c)));

let noticeTimer;
/** Says something politely (the status region), e.g. a decision taken or a plan finished. */
function notice(text) {
  const region = $('notice');
  region.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (region.textContent = ''), 15_000);
}

/** Shows an error in the alert region until the next action. */
function showError(err) {
  const text = err instanceof Error ? err.message : String(err);
  $('error').replaceChildren(el('p', {}, `Error: ${text}`));
}
const clearError = () => $('error').replaceChildren();

const statusBadge = (status) =>
  el('span', { className: `badge status-${status}` }, STATUS_WORDS[status] ?? status);

// ---------------------------------------------------------------- words for times and steps

/** A time as a person reads it: a wall time ("2026-12-05T15:00:00") stays in the plan's zone. */
function formatTime(value, zone) {
  if (typeof value !== 'string' || value === '') return '';
  const wall = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$/.exec(value);
  try {
    if (wall) {
      const [, y, mo, d, h, mi] = wall;
      const date = new Date(Date.UTC(+y, +mo - 1, +d, +(h ?? 0), +(mi ?? 0)));
      const text = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'UTC',
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        ...(h === undefined ? {} : { hour: '2-digit', minute: '2-digit' }),
      }).format(date);
      return zone && h !== undefined ? `${text} (${zone})` : text;
    }
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    return new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      ...(zone ? { timeZone: zone, timeZoneName: 'short' } : {}),
    }).format(date);
  } catch {
    return value;
  }
}

/** A step's start or end: the time of day alone, as its plan's date is shown above. */
function clock(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(date);
}

/** A timestamp the API recorded, in the reader's own zone. */
const when = (iso) => (iso ? formatTime(iso) : '');

function formatDuration(fromIso, toIso) {
  if (!fromIso || !toIso) return '';
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const list = (items) => {
  const xs = (Array.isArray(items) ? items : [items]).filter((x) => x !== undefined && x !== '');
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
};
const quoted = (text, max = 120) => {
  const s = String(text);
  return `“${s.length > max ? `${s.slice(0, max - 1)}…` : s}”`;
};
const TEMPLATE_WORDS = {
  meeting_invite: 'the meeting invitation template',
  meeting_confirmation: 'the meeting confirmation template',
  meeting_update: 'the meeting update template',
  meeting_cancellation: 'the meeting cancellation template',
  meeting_follow_up: 'the follow-up template',
  reminder: 'the reminder template',
};

/** Which meetings a match selects, in words. */
function matchWords(match, zone) {
  if (!match || typeof match !== 'object') return '';
  const parts = [];
  if (match.attendee) parts.push(`with ${match.attendee}`);
  if (match.title) parts.push(`titled ${quoted(match.title)}`);
  if (match.date) parts.push(`on ${formatTime(match.date, zone)}`);
  if (match.from && match.to)
    parts.push(`from ${formatTime(match.from, zone)} to ${formatTime(match.to, zone)}`);
  else if (match.from) parts.push(`from ${formatTime(match.from, zone)}`);
  else if (match.to) parts.push(`before ${formatTime(match.to, zone)}`);
  if (match.calendar) parts.push(`on the ${match.calendar} calendar`);
  return parts.join(' ');
}

/** The meeting(s) an update or cancellation acts on. */
function targetWords(p, step, zone) {
  if (p.meeting_id) return `the meeting ${p.meeting_id}`;
  if (p.match) return `${p.all ? 'every meeting' : 'the meeting'} ${matchWords(p.match, zone)}`;
  if (step.use_result_from !== undefined)
    return `the meeting from step ${step.use_result_from + 1}`;
  return 'the meeting';
}

const fromStep = (step) =>
  step.use_result_from === undefined
    ? ''
    : ` (using the result of step ${step.use_result_from + 1})`;

/** One step in words: "Send an email to a@b.com: subject “…”". */
function describeStep(step, zone) {
  const p = step && typeof step.params === 'object' && step.params ? step.params : {};
  const chained = step.use_result_from !== undefined;
  const prior = chained ? `step ${step.use_result_from + 1}` : '';
  switch (step.type) {
    case 'book_meeting': {
      if (Array.isArray(p.items)) {
        const each = p.items.map(
          (item) =>
            `${quoted(item.title ?? p.title ?? 'Meeting', 60)} at ${formatTime(item.time ?? p.time, zone)}`,
        );
        return `Book ${p.items.length} meetings${p.all_or_nothing ? ' (all or none)' : ''}: ${each.join('; ')}`;
      }
      const title = p.title ? ` ${quoted(p.title)}` : '';
      const at = p.time
        ? ` at ${formatTime(p.time, zone)}`
        : chained
          ? ` at the time from ${prior}`
          : '';
      const length = p.duration_minutes ? ` for ${p.duration_minutes} minutes` : '';
      const who =
        Array.isArray(p.attendees) && p.attendees.length
          ? ` with ${list(p.attendees)}`
          : ' (a block in your own calendar)';
      const where = p.location ? `, at ${p.location}` : '';
      const cal = p.calendar && p.calendar !== 'primary' ? `, on the ${p.calendar} calendar` : '';
      return `Book a meeting${title}${at}${length}${who}${where}${cal}`;
    }
    case 'update_meeting': {
      const changes = [];
      if (p.time) changes.push(`move it to ${formatTime(p.time, zone)}`);
      if (p.shift) changes.push(`move it by ${p.shift}`);
      if (p.duration_minutes) changes.push(`make it ${p.duration_minutes} minutes long`);
      if (p.title) changes.push(`rename it ${quoted(p.title)}`);
      return `Change ${targetWords(p, step, zone)}${changes.length ? `: ${list(changes)}` : ''}`;
    }
    case 'cancel_meeting':
      return `Cancel ${targetWords(p, step, zone)}${p.reason ? `, saying ${quoted(p.reason)}` : ''}`;
    case 'find_meetings': {
      const which = matchWords(p.match, zone);
      return `Look up meetings${which ? ` ${which}` : ''}${p.max_results ? ` (at most ${p.max_results})` : ''}; changes nothing`;
    }
    case 'check_availability': {
      const cals = Array.isArray(p.calendar) ? list(p.calendar) : p.calendar;
      const window = p.to
        ? `from ${formatTime(p.from, zone)} to ${formatTime(p.to, zone)}`
        : `from ${formatTime(p.from, zone)}`;
      return `Find free ${p.duration_minutes ?? 30}-minute slots ${window}${cals ? ` on ${cals}` : ''}; changes nothing`;
    }
    case 'send_email': {
      const to =
        Array.isArray(p.to) && p.to.length
          ? list(p.to)
          : chained
            ? `the attendees of the meeting from ${prior}`
            : 'the recipients';
      const parts = [];
      if (p.subject) parts.push(`subject ${quoted(p.subject)}`);
      if (p.template) parts.push(`using ${TEMPLATE_WORDS[p.template] ?? p.template}`);
      if (p.body) parts.push(`saying ${quoted(p.body, 160)}`);
      return `Send an email to ${to}${parts.length ? `: ${parts.join(', ')}` : ''}`;
    }
    case 'send_sms':
      return `Send a text message to ${list(p.to ?? [])}: ${quoted(p.message ?? '', 160)}`;
    case 'schedule_reminder': {
      const whom = Array.isArray(p.to) && p.to.length ? list(p.to) : 'you';
      let at = '';
      if (p.at) at = ` at ${formatTime(p.at, zone)}`;
      else if (p.offset) {
        const sign = String(p.offset).trim().startsWith('-') ? 'before' : 'after';
        const amount = String(p.offset).trim().replace(/^[+-]/, '');
        at = ` ${amount} ${sign} ${chained ? `the meeting from ${prior}` : 'the start'}`;
      }
      const how =
        p.channel && p.channel !== 'notification'
          ? ` by ${p.channel === 'sms' ? 'text message' : p.channel}`
          : '';
      return `Remind ${whom}${at}${how}${p.message ? `: ${quoted(p.message)}` : ''}`;
    }
    case 'initiate_call':
      return `Call ${p.to ?? 'the number given'}${p.script ? `, saying ${quoted(p.script)}` : ''}`;
    case 'start_campaign': {
      const audience = Array.isArray(p.audience) ? list(p.audience) : p.audience;
      return `Start the campaign ${quoted(p.campaign ?? '')}${audience ? ` for ${audience}` : ''}`;
    }
    case 'trigger_automation':
      return `Trigger the automation ${quoted(p.automation ?? '')}${
        p.await_completion
          ? ` and wait for it to report back${p.completion_timeout ? ` (up to ${p.completion_timeout})` : ''}`
          : ''
      }${fromStep(step)}`;
    default: {
      const json = JSON.stringify(p);
      return `${step.type ?? 'An unknown action'}${json && json !== '{}' ? ` with ${json.length > 200 ? `${json.slice(0, 199)}…` : json}` : ''}`;
    }
  }
}

/** What else holds a step back: its condition, its own approval, its time. */
function stepConditions(step, zone) {
  const notes = [];
  if (step.condition === 'if_previous_success') notes.push('only if the previous step succeeded');
  if (step.condition === 'if_previous_failed') notes.push('only if the previous step failed');
  if (step.approval === 'required') notes.push('asks for its own approval first');
  if (step.not_before) {
    notes.push(
      /^[+-]/.test(step.not_before)
        ? `not before ${step.not_before.replace(/^-/, '')} ${step.not_before.startsWith('-') ? 'before' : 'after'} the meeting it chains to`
        : `not before ${formatTime(step.not_before, zone)}`,
    );
  }
  return notes;
}

/** The decision the plan waits for now, if any. */
const pendingApproval = (plan) =>
  [...(plan.approvals ?? [])].reverse().find((a) => a && a.decision === null) ?? null;

function approvalScope(plan, approval) {
  if (approval.step === null || approval.step === undefined)
    return 'the whole plan, before it starts';
  const step = plan.actions?.[approval.step];
  return `step ${approval.step + 1}${step ? ` (${describeStep(step, plan.timezone)})` : ''}`;
}

function submitterWords(plan) {
  const s = plan.submitted_by;
  if (!s) return plan.source ? `from ${plan.source}` : '';
  return s.user ? `by ${s.user}` : s.key_id ? `with key ${s.key_id}` : '';
}

// ---------------------------------------------------------------- signing in and out

let approvalsTimer;

function showSignedIn() {
  $('sign-in').hidden = true;
  $('signed-in').hidden = false;
  $('who').hidden = false;
  const id = /^ek_([0-9a-f]{12})_/.exec(apiKey ?? '')?.[1];
  $('who-text').textContent = id ? `Signed in with key ${id}` : 'Signed in';
}

function signOut(message) {
  followed?.abort();
  followed = null;
  clearInterval(approvalsTimer);
  apiKey = null;
  sessionStorage.removeItem(KEY_STORAGE);
  $('signed-in').hidden = true;
  $('who').hidden = true;
  $('sign-in').hidden = false;
  $('approvals-list').replaceChildren();
  $('history-rows').replaceChildren();
  $('detail').hidden = true;
  $('detail-body').replaceChildren();
  approvalCards.clear();
  history.replaceState(null, '', location.pathname);
  const input = /** @type {HTMLInputElement} */ ($('api-key'));
  input.value = '';
  if (message) showError(message);
  else notice('Signed out.');
  input.focus();
}

async function signIn(event) {
  event.preventDefault();
  clearError();
  const input = /** @type {HTMLInputElement} */ ($('api-key'));
  const key = input.value.trim();
  if (!key) {
    input.setAttribute('aria-invalid', 'true');
    showError('Enter an API key.');
    input.focus();
    return;
  }
  const button = /** @type {HTMLButtonElement} */ (event.target.querySelector('button'));
  button.disabled = true;
  apiKey = key;
  try {
    // Any call the key may make says whether it is good; a viewer's key may list plans.
    await api('GET', '/v1/plans?limit=1');
  } catch (err) {
    apiKey = null;
    input.setAttribute('aria-invalid', 'true');
    showError(err.status === 401 ? 'That key was refused: check it and try again.' : err);
    input.focus();
    return;
  } finally {
    button.disabled = false;
  }
  input.removeAttribute('aria-invalid');
  input.value = '';
  sessionStorage.setItem(KEY_STORAGE, key);
  notice('Signed in.');
  await start();
  $('approvals-heading').focus();
}

async function start() {
  showSignedIn();
  clearInterval(approvalsTimer);
  approvalsTimer = setInterval(() => {
    if (document.visibilityState === 'visible') loadApprovals({ quiet: true });
  }, APPROVALS_POLL_MS);
  await Promise.all([loadApprovals(), loadHistory()]);
  const linked = /^#plan\/([0-9a-f-]{36})$/.exec(location.hash)?.[1];
  if (linked) await openPlan(linked, { focus: false });
}

// ---------------------------------------------------------------- approvals

/** Cards by plan id, kept across refreshes so a reason being typed is not lost. */
const approvalCards = new Map();

async function loadApprovals({ quiet = false } = {}) {
  if (!apiKey) return;
  let plans;
  let decisions = [];
  try {
    const [page, found] = await Promise.all([
      api('GET', '/v1/plans?status=awaiting_approval&limit=100'),
      // The planner's confidence, reasoning and warnings; plans submitted as plans have none.
      api('GET', '/v1/decisions?outcome=awaiting_approval&limit=200').catch(() => ({ data: [] })),
    ]);
    plans = page.data;
    decisions = found.data;
  } catch (err) {
    if (!quiet) showError(err);
    return;
  }
  const byPlan = new Map(decisions.filter((d) => d.plan_id).map((d) => [d.plan_id, d]));
  const listEl = $('approvals-list');
  const ids = new Set(plans.map((p) => p.id));
  for (const [id, card] of approvalCards) {
    if (!ids.has(id)) {
      card.remove();
      approvalCards.delete(id);
    }
  }
  // Oldest first: the one that has waited longest is decided first.
  const ordered = [...plans].reverse();
  ordered.forEach((plan, i) => {
    const approval = pendingApproval(plan);
    const key = `${plan.id} ${approval?.requested_at ?? ''}`;
    let card = approvalCards.get(plan.id);
    if (!card || card.dataset.key !== key) {
      const fresh = approvalCard(plan, approval, byPlan.get(plan.id));
      fresh.dataset.key = key;
      card?.replaceWith(fresh);
      card = fresh;
      approvalCards.set(plan.id, card);
    }
    // Moved only when out of place: moving a card would take the focus from its reason field.
    const here = listEl.children[i];
    if (here !== card) listEl.insertBefore(card, here ?? null);
  });
  $('approvals-count').textContent = `(${plans.length})`;
  $('approvals-empty').hidden = plans.length > 0;
}

function approvalCard(plan, approval, decision) {
  const headingId = `approval-${plan.id}`;
  const reasonId = `reason-${plan.id}`;
  const hintId = `reason-hint-${plan.id}`;
  const zone = plan.timezone;
  const steps = el(
    'ol',
    { className: 'steps-in-words' },
    (plan.actions ?? []).map((step) => {
      const notes = stepConditions(step, zone);
      return el(
        'li',
        {},
        describeStep(step, zone),
        notes.length ? el('span', { className: 'step-note' }, ` — ${notes.join('; ')}`) : null,
      );
    }),
  );
  const planner = decision
    ? el(
        'div',
        { className: 'planner' },
        el(
          'p',
          {},
          el('strong', {}, 'Planner: '),
          `${decision.planner ?? 'unknown'}${decision.model ? ` (${decision.model})` : ''}, confidence `,
          el('span', { className: 'confidence' }, confidencePercent(decision.confidence)),
          decision.effective_confidence !== null &&
            decision.effective_confidence !== undefined &&
            decision.effective_confidence !== decision.confidence
            ? ` (effective ${confidencePercent(decision.effective_confidence)})`
            : '',
        ),
        decision.reasoning
          ? el('p', {}, el('strong', {}, 'Reasoning: '), decision.reasoning)
          : null,
        Array.isArray(decision.warnings) && decision.warnings.length
          ? el(
              'div',
              {},
              el('strong', {}, 'Warnings:'),
              el(
                'ul',
                { className: 'warnings' },
                decision.warnings.map((w) => el('li', {}, w)),
              ),
            )
          : el('p', {}, 'No planner warnings.'),
      )
    : el(
        'p',
        { className: 'planner' },
        'Submitted as a ready plan: no planner confidence or warnings.',
      );

  const reason = el('textarea', {
    id: reasonId,
    name: 'reason',
    rows: 2,
    maxLength: 1000,
    'aria-describedby': hintId,
  });
  const approve = el('button', { type: 'button', className: 'approve' }, 'Approve');
  const reject = el('button', { type: 'button', className: 'reject' }, 'Reject');
  const details = el(
    'button',
    { type: 'button', className: 'secondary', onclick: () => openPlan(plan.id) },
    'Details',
  );
  const decide = async (path) => {
    clearError();
    const text = reason.value.trim();
    if (path === 'reject' && !text) {
      reason.setAttribute('aria-invalid', 'true');
      showError('Give a reason to reject the plan.');
      reason.focus();
      return;
    }
    reason.removeAttribute('aria-invalid');
    approve.disabled = reject.disabled = true;
    try {
      const answer = await api(
        'POST',
        `/v1/plans/${plan.id}/${path}`,
        text ? { reason: text } : {},
      );
      const outcome = answer?.decision?.outcome ?? (path === 'approve' ? 'approved' : 'rejected');
      card.remove();
      approvalCards.delete(plan.id);
      notice(`${outcome === 'approved' ? 'Approved' : 'Rejected'}: ${plan.intent}`);
      refreshCount();
      await Promise.all([openPlan(plan.id), loadHistory({ quiet: true })]);
    } catch (err) {
      showError(err);
      approve.disabled = reject.disabled = false;
      // The plan may have been decided elsewhere: show what waits now.
      if (err.status === 409) await loadApprovals({ quiet: true });
    }
  };
  approve.addEventListener('click', () => decide('approve'));
  reject.addEventListener('click', () => decide('reject'));

  const card = el(
    'article',
    { className: 'card', 'aria-labelledby': headingId, 'data-plan-id': plan.id },
    el('h3', { id: headingId }, plan.intent),
    el(
      'dl',
      { className: 'facts' },
      fact('Plan', plan.id),
      fact('Submitted', `${when(plan.created_at)} ${submitterWords(plan)}`.trim()),
      fact('Time zone', zone),
      approval ? fact('Needs approval of', approvalScope(plan, approval)) : null,
      approval ? fact('Why', approval.reason) : null,
      approval?.deadline ? fact('Decide before', when(approval.deadline)) : null,
      plan.on_failure ? fact('If a step fails', onFailureWords(plan.on_failure)) : null,
    ),
    el('h4', {}, 'What it will do'),
    steps,
    planner,
    el(
      'div',
      { className: 'decision' },
      el('label', { for: reasonId }, 'Reason'),
      el('span', { className: 'hint', id: hintId }, 'Optional to approve, required to reject.'),
      reason,
      el('div', { className: 'buttons' }, approve, reject, details),
    ),
  );
  return card;
}

function refreshCount() {
  $('approvals-count').textContent = `(${approvalCards.size})`;
  $('approvals-empty').hidden = approvalCards.size > 0;
}

const confidencePercent = (c) => (typeof c === 'number' ? `${Math.round(c * 100)}%` : 'not given');

const onFailureWords = (policy) =>
  ({
    stop: 'stop there',
    compensate: 'undo the steps already done',
    continue: 'carry on with the next steps',
  })[policy] ?? policy;

const fact = (term, value) =>
  value === undefined || value === null || value === ''
    ? null
    : [el('dt', {}, term), el('dd', {}, value)];

// ---------------------------------------------------------------- history

let historyCursor = null;
/** Bumped per load, so an older answer that arrives late does not replace a newer one. */
let historyLoad = 0;
/** @type {any[]} */
let historyPlans = [];

async function loadHistory({ more = false, quiet = false } = {}) {
  if (!apiKey) return;
  const status = /** @type {HTMLSelectElement} */ ($('filter-status')).value;
  const mine = /** @type {HTMLInputElement} */ ($('filter-mine')).checked;
  const params = new URLSearchParams({ limit: String(HISTORY_PAGE) });
  if (status) params.set('status', status);
  if (mine) params.set('mine', 'true');
  if (more && historyCursor) params.set('cursor', historyCursor);
  const load = ++historyLoad;
  try {
    const page = await api('GET', `/v1/plans?${params}`);
    if (load !== historyLoad) return;
    historyPlans = more ? [...historyPlans, ...page.data] : page.data;
    historyCursor = page.next_cursor;
  } catch (err) {
    if (!quiet) showError(err);
    return;
  }
  renderHistory();
}

function renderHistory() {
  const q = /** @type {HTMLInputElement} */ ($('filter-text')).value.trim().toLowerCase();
  const shown = q
    ? historyPlans.filter((p) =>
        [p.intent, p.id, ...(p.actions ?? []).map((a) => a.type)]
          .join(' ')
          .toLowerCase()
          .includes(q),
      )
    : historyPlans;
  $('history-rows').replaceChildren(...shown.map(historyRow));
  $('history-empty').hidden = shown.length > 0;
  $('history-more').hidden = !historyCursor;
}

function historyRow(plan) {
  const total = (plan.actions ?? []).length;
  const done = plan.successful_steps ?? 0;
  const failed = plan.failed_steps ?? 0;
  return el(
    'tr',
    { 'data-plan-id': plan.id },
    el('td', {}, el('time', { dateTime: plan.created_at }, when(plan.created_at))),
    el(
      'td',
      {},
      el(
        'button',
        { type: 'button', className: 'link', onclick: () => openPlan(plan.id) },
        plan.intent,
      ),
    ),
    el('td', { className: 'plan-status' }, statusBadge(plan.status)),
    el('td', {}, `${done} of ${total} done${failed ? `, ${failed} failed` : ''}`),
  );
}

/** Puts a newer view of a plan into the history table, if it is listed. */
function updateHistory(plan) {
  const at = historyPlans.findIndex((p) => p.id === plan.id);
  if (at < 0) return;
  historyPlans[at] = plan;
  const row = $('history-rows').querySelector(`tr[data-plan-id="${plan.id}"]`);
  row?.replaceWith(historyRow(plan));
}

// ---------------------------------------------------------------- one plan, live

/** The stream being followed, aborted when another plan is opened or the page signs out. */
let followed = null;
let shownPlanId = null;
let shownStatus = null;
/** The shown plan's event log: stream `state` events carry none, so the last read's stays. */
let shownEvents = [];

async function openPlan(id, { focus = true } = {}) {
  clearError();
  followed?.abort();
  followed = null;
  shownPlanId = id;
  shownStatus = null;
  shownEvents = [];
  let plan;
  try {
    plan = await api('GET', `/v1/plans/${id}`);
  } catch (err) {
    showError(err);
    return;
  }
  if (shownPlanId !== id) return;
  history.replaceState(null, '', `#plan/${id}`);
  renderPlan(plan);
  $('detail').hidden = false;
  if (focus) $('detail-heading').focus();
  if (!TERMINAL.has(plan.status)) follow(id);
}

function closePlan() {
  followed?.abort();
  followed = null;
  shownPlanId = null;
  $('detail').hidden = true;
  $('detail-body').replaceChildren();
  history.replaceState(null, '', location.pathname);
  $('history-heading').focus();
}

function renderPlan(plan) {
  const zone = plan.timezone;
  const results = new Map((plan.steps ?? []).map((s, i) => [s?.index ?? i, s]));
  const live = !TERMINAL.has(plan.status);
  if (shownStatus !== null && shownStatus !== plan.status) {
    notice(`Plan ${(STATUS_WORDS[plan.status] ?? plan.status).toLowerCase()}: ${plan.intent}`);
  }
  shownStatus = plan.status;
  $('detail-heading').textContent = `Plan: ${plan.intent}`;
  updateHistory(plan);

  const stepRows = (plan.actions ?? []).map((step, i) => {
    const r = results.get(i);
    const status = r?.status ?? 'not_started';
    const waiting = r?.waiting_until ? ` until ${when(r.waiting_until)}` : '';
    return el(
      'tr',
      { 'data-step': i },
      el('th', { scope: 'row' }, String(i + 1)),
      el(
        'td',
        {},
        describeStep(step, zone),
        stepConditions(step, zone).length
          ? el('span', { className: 'step-note' }, ` — ${stepConditions(step, zone).join('; ')}`)
          : null,
      ),
      el('td', { className: 'step-status' }, statusBadge(status), waiting),
      el(
        'td',
        {},
        r?.started_at
          ? el('div', {}, 'Started ', el('time', { dateTime: r.started_at }, clock(r.started_at)))
          : null,
        r?.completed_at
          ? el('div', {}, 'Ended ', el('time', { dateTime: r.completed_at }, clock(r.completed_at)))
          : null,
        r?.started_at && r?.completed_at
          ? el('div', {}, 'Took ', formatDuration(r.started_at, r.completed_at))
          : null,
      ),
      el(
        'td',
        {},
        r?.error
          ? el('p', { className: 'step-error' }, `${r.error.type}: ${r.error.message}`)
          : null,
        r?.skip_reason ? el('p', {}, `Skipped: ${r.skip_reason}`) : null,
        r?.output
          ? el(
              'details',
              {},
              el('summary', {}, 'Output'),
              el('pre', {}, JSON.stringify(r.output, null, 2)),
            )
          : null,
      ),
    );
  });

  const approvals = (plan.approvals ?? []).map((a) =>
    el(
      'li',
      {},
      `For ${approvalScope(plan, a)}: ${a.reason}. `,
      a.decision
        ? `${a.decision.outcome[0].toUpperCase()}${a.decision.outcome.slice(1)} by ${a.decision.by} ${when(a.decision.at)}${a.decision.reason ? `: ${quoted(a.decision.reason)}` : ''}.`
        : `Waiting, until ${when(a.deadline)}.`,
    ),
  );

  if (plan.events) shownEvents = plan.events;
  const events = shownEvents
    .slice(-50)
    .map((e) =>
      el(
        'li',
        {},
        el('time', { dateTime: e.created_at }, when(e.created_at)),
        ` ${String(e.kind).replaceAll('_', ' ')}${e.step_index !== null && e.step_index !== undefined ? `, step ${e.step_index + 1}` : ''}`,
      ),
    );
  const error = plan.error
    ? typeof plan.error === 'object'
      ? `${plan.error.type ?? 'error'}${plan.error.step !== undefined ? ` at step ${plan.error.step + 1}` : ''}: ${plan.error.message ?? JSON.stringify(plan.error)}`
      : String(plan.error)
    : null;

  $('detail-body').replaceChildren(
    ...nodes(
      el(
        'p',
        { className: 'detail-status' },
        'Status: ',
        el('span', { id: 'detail-status' }, statusBadge(plan.status)),
        ' ',
        el(
          'span',
          { className: 'live', id: 'detail-live' },
          live ? 'Following live…' : 'Finished.',
        ),
      ),
      el(
        'dl',
        { className: 'facts' },
        fact('Plan', plan.id),
        fact('Submitted', `${when(plan.created_at)} ${submitterWords(plan)}`.trim()),
        fact('Started', when(plan.started_at)),
        fact('Ended', when(plan.completed_at)),
        fact('Took', formatDuration(plan.started_at, plan.completed_at)),
        fact('Time zone', zone),
        fact('Attempt', plan.attempt > 1 ? String(plan.attempt) : null),
        fact('If a step fails', onFailureWords(plan.on_failure)),
      ),
      error ? el('p', { className: 'plan-error' }, `Error: ${error}`) : null,
      plan.links?.web_ui
        ? el(
            'p',
            {},
            el(
              'a',
              { href: plan.links.web_ui, target: '_blank', rel: 'noopener noreferrer' },
              'Open in the Temporal Web UI',
            ),
          )
        : null,
      el('h3', {}, 'Steps'),
      el(
        'div',
        { className: 'table-scroll' },
        el(
          'table',
          { className: 'steps' },
          el(
            'caption',
            { className: 'visually-hidden' },
            'Each step: what it does, status, timings, output and error',
          ),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['#', 'What it does', 'Status', 'Timings', 'Output and error'].map((h) =>
                el('th', { scope: 'col' }, h),
              ),
            ),
          ),
          el('tbody', {}, stepRows),
        ),
      ),
      approvals.length ? [el('h3', {}, 'Approvals'), el('ul', {}, approvals)] : null,
      (plan.compensation ?? []).length
        ? [
            el('h3', {}, 'Undone'),
            el(
              'ul',
              {},
              plan.compensation.map((c) =>
                el(
                  'li',
                  {},
                  `Step ${c.step + 1} (${c.type}): ${c.outcome.replaceAll('_', ' ')}${c.error ? ` — ${c.error.message}` : ''}`,
                ),
              ),
            ),
          ]
        : null,
      events.length
        ? el(
            'details',
            { className: 'events' },
            el('summary', {}, `Event log (${shownEvents.length})`),
            el('ol', {}, events),
          )
        : null,
    ),
  );
}

/**
 * Follows GET /v1/plans/:id/stream (Server-Sent Events) with fetch(), since EventSource
 * cannot send the Authorization header. The first event is the plan's view; after each
 * later one the page reads the plan again (one read at a time) and shows it. A stream the
 * server ends early (its lifetime, a restart) is resumed with Last-Event-ID.
 */
async function follow(id) {
  const controller = new AbortController();
  followed = controller;
  const { signal } = controller;
  let lastId = null;
  let finished = false;
  let retryMs = 2000;
  let reading = null;
  let again = false;
  const reread = async () => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        try {
          const plan = await api('GET', `/v1/plans/${id}`);
          if (signal.aborted || shownPlanId !== id) return;
          renderPlan(plan);
          if (plan.status === 'awaiting_approval' || TERMINAL.has(plan.status)) {
            loadApprovals({ quiet: true });
          }
        } catch (err) {
          if (!signal.aborted) showError(err);
        }
      } while (again && !signal.aborted);
    })();
    try {
      await reading;
    } finally {
      reading = null;
    }
  };
  const onEvent = async (event) => {
    if (event.id) lastId = event.id;
    if (event.event === 'state') {
      if (shownPlanId === id) renderPlan(event.data);
      if (TERMINAL.has(event.data.status)) finished = true;
      return;
    }
    if (/^plan_(completed|failed|rejected|expired|cancelled)$/.test(event.event)) finished = true;
    void reread();
  };

  while (!signal.aborted && !finished) {
    const headers = { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' };
    if (lastId) headers['last-event-id'] = lastId;
    try {
      const res = await fetch(`/v1/plans/${id}/stream`, { headers, signal });
      if (!res.ok || !res.body) {
        const err = await errorOf(res);
        if (res.status === 401) signOut('The API refused the key: sign in again.');
        // 503 (too many streams) is worth retrying; any other refusal is not.
        if (res.status !== 503) throw err;
      } else {
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let at;
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            const event = parseEvent(block);
            if (event?.retry) retryMs = event.retry;
            if (event?.event) await onEvent(event);
          }
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError) {
        showError(err);
        break;
      }
      // A dropped connection: resumed below.
    }
    if (finished || signal.aborted) break;
    await new Promise((r) => setTimeout(r, retryMs));
  }
  if (!signal.aborted && shownPlanId === id) {
    // The last event's own read shows the final view; make sure of it.
    await reread();
    const liveEl = document.getElementById('detail-live');
    if (liveEl && TERMINAL.has(shownStatus)) liveEl.textContent = 'Finished.';
  }
  if (followed === controller) followed = null;
}

/** One block of an event stream: its event name, id, data (as JSON) and retry hint. */
function parseEvent(block) {
  const out = { event: '', id: null, data: null, retry: null };
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') out.event = value;
    else if (field === 'id') out.id = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) out.retry = Number(value);
  }
  if (data.length) {
    try {
      out.data = JSON.parse(data.join('\n'));
    } catch {
      out.data = data.join('\n');
    }
  }
  return out;
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut());
  $('approvals-refresh').addEventListener('click', async () => {
    clearError();
    await loadApprovals();
    notice(`${approvalCards.size} plan${approvalCards.size === 1 ? '' : 's'} waiting.`);
  });
  $('history-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    clearError();
    loadHistory();
  });
  $('filter-status').addEventListener('change', () => loadHistory());
  $('filter-mine').addEventListener('change', () => loadHistory());
  $('filter-text').addEventListener('input', renderHistory);
  $('history-more').addEventListener('click', () => loadHistory({ more: true }));
  $('detail-close').addEventListener('click', closePlan);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !$('detail').hidden) closePlan();
  });
  $('approvals-heading').tabIndex = -1;
  $('history-heading').tabIndex = -1;
  if (apiKey) {
    start().catch(showError);
  } else {
    $('sign-in').hidden = false;
  }
}

wire();
