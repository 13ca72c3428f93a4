import { describe, expect, it } from 'vitest';
import { gateIntent } from '../../src/api/intent-gate';
import { appearsIn, recipientsOf } from '../../src/plan/recipients';
import { CannotPlanError, type Planner, type PlannerResult } from '../../src/planner/planner';

const thresholds = { auto_execute_threshold: 0.85, reject_threshold: 0.3 };
const options = { now: new Date('2026-11-23T09:00:00Z'), timezone: 'UTC' };
const call = (to: string) => ({ type: 'initiate_call', params: { to } });
const result = (confidence: number, planner: 'openai' | 'rules' = 'openai'): PlannerResult => ({
  actions: [call('+14155550123')],
  confidence,
  reasoning: '',
  planner,
  warnings: [],
});
const check = (confidence: number | null, type = 'initiate_call'): Planner => ({
  plan: async () => {
    if (confidence === null) throw new CannotPlanError('not_understood', 'no');
    return { ...result(confidence, 'rules'), actions: [{ type, params: {} }] };
  },
});
const text = 'call +1 (415) 555-0123 about the invoice';

describe('gateIntent', () => {
  it.each([
    ['a trusted source on the model’s number', 'api', result(0.95), check(null), 'run', 0.95, 0],
    [
      'a model’s plan of an email, vouched for by the rules',
      'email',
      result(0.95),
      check(0.9),
      'run',
      0.9,
      0,
    ],
    ['an email the rules read less well', 'email', result(0.95), check(0.6), 'run', 0.6, 1],
    ['an email the rules cannot plan', 'email', result(0.95), check(null), 'run', 0, 1],
    [
      'a webhook where the rules plan other actions',
      'webhook',
      result(0.95),
      check(0.9, 'send_sms'),
      'run',
      0,
      1,
    ],
    [
      'untrusted text the rules planned themselves',
      'webhook',
      result(0.9, 'rules'),
      check(null),
      'run',
      0.9,
      0,
    ],
    ['a model under the reject threshold', 'email', result(0.1), check(0.9), 'reject', 0.1, 0],
  ] as const)('%s', async (_name, source, planned, checker, kind, confidence, reasons) => {
    const gate = await gateIntent({
      text,
      source,
      result: planned,
      thresholds,
      check: checker,
      options,
    });
    expect(gate.kind).toBe(kind);
    expect(gate.confidence).toBe(confidence);
    if (gate.kind === 'run') expect(gate.approvalReasons).toHaveLength(reasons);
  });

  it('holds a plan whose recipient the text does not name, naming it', async () => {
    const planned = { ...result(0.99), actions: [call('+14155550123'), call('+447700900123')] };
    const gate = await gateIntent({
      text,
      source: 'api',
      result: planned,
      thresholds,
      check: check(null),
      options,
    });
    expect(gate).toMatchObject({
      kind: 'run',
      approvalReasons: ['recipient +447700900123 does not appear in the text'],
    });
  });
});

describe('recipients', () => {
  it('finds every address in any param, with its step', () => {
    expect(
      recipientsOf([
        { params: { attendees: ['a@x.com'], title: 'not@an address' } },
        { params: { payload: { notify: ['+14155550123'] }, time: '2026-01-01T10:00:00' } },
      ]),
    ).toEqual([
      { step: 0, address: 'a@x.com' },
      { step: 1, address: '+14155550123' },
    ]);
  });

  it.each([
    ['Ann@Example.com', 'email ann@example.com.', true],
    ['ann@example.com', 'email joann@example.com', false],
    ['+14155550123', 'text +1 (415) 555-0123', true],
    ['+14155550123', 'text 415.555.0123', true],
    ['+14155550123', 'on 2026-11-23 at 10', false],
  ])('%s appears in "%s": %s', (address, inText, expected) => {
    expect(appearsIn(inText, address)).toBe(expected);
  });
});
