import { condition, isCancellation, setHandler } from '@temporalio/workflow';
import { chainableOf } from '../plan/chaining';
import type { StepOutput } from '../plan/step-io';
import { awaitsResult } from '../plan/awaits-result';
import type { PlanStep } from '../plan/validate-plan';
import {
  completeAutomation,
  type AutomationReport,
  type PlanState,
  type StepError,
} from './definitions';
import { nowIso, type Recorder } from './plan-state';

/** Marks plans whose awaited automations wait for their report (a timer the plans before did not have). */
export const AUTOMATION_COMPLETION_PATCH = 'automation-completion-wait';

const MAX_ERROR_CHARS = 2000;
const REPORT_STATUSES: readonly string[] = ['succeeded', 'failed'];

/**
 * Reports from automations a plan started with await_completion: registers the
 * completeAutomation Update, whose validator refuses a report for a step that
 * is not waiting for one (a second report, a late one, another step's), and
 * waits durably for the report until the step's deadline. A report may come
 * while the step's activity is still finishing: it is kept for the wait.
 */
export function createAutomationGate(state: PlanState, actions: PlanStep[], record: Recorder) {
  const reports = new Map<number, AutomationReport>();
  const waitsFor = (step: number) =>
    state.current_step === step &&
    state.steps[step]?.status === 'running' &&
    actions[step] !== undefined &&
    awaitsResult(actions[step]) &&
    !reports.has(step);

  const validator = (report: AutomationReport) => {
    // Operators may send anything from the Web UI; refuse it here rather than fail the workflow task.
    if (typeof report !== 'object' || report === null) {
      throw new Error('send a report as {"step": 0, "status": "succeeded", "result": {...}}');
    }
    if (!Number.isInteger(report.step)) throw new Error('step must be a step index');
    if (!REPORT_STATUSES.includes(report.status)) {
      throw new Error('status must be succeeded or failed');
    }
    const { result, error } = report;
    if (
      result !== undefined &&
      (typeof result !== 'object' || result === null || Array.isArray(result))
    ) {
      throw new Error('result must be an object');
    }
    if (error !== undefined && typeof error !== 'string') throw new Error('error must be a string');
    if (!waitsFor(report.step)) {
      throw new Error(`step ${report.step} is not waiting for an automation to report back`);
    }
  };
  setHandler(
    completeAutomation,
    (report) => {
      reports.set(report.step, {
        step: report.step,
        status: report.status,
        result: report.result,
        error: report.error?.slice(0, MAX_ERROR_CHARS),
      });
      return { step: report.step, status: report.status };
    },
    { validator },
  );

  return {
    /**
     * Waits for the report on step `index`, whose activity answered `output`
     * (with the deadline it gave the automation), and says how the step ends.
     */
    async wait(
      index: number,
      output: StepOutput,
    ): Promise<{ output: StepOutput } | { error: StepError }> {
      const step = state.steps[index];
      const deadline = String(output.completion_deadline);
      step.waiting_until = deadline;
      state.status = 'waiting_for_automation';
      let reported: boolean;
      try {
        await record('automation_waiting', index, { until: deadline });
        const ms = new Date(deadline).getTime() - Date.now();
        reported =
          reports.has(index) ||
          (await condition(() => reports.has(index), Math.max(ms, 1000), {
            summary: `step ${index + 1} (trigger_automation) waits for the automation's report`,
          }));
      } catch (err) {
        if (isCancellation(err)) {
          Object.assign(step, {
            status: 'failed',
            error: {
              type: 'Cancelled',
              message: 'the plan was cancelled while it waited for the automation to report back',
            },
            completed_at: nowIso(),
          });
        }
        throw err;
      } finally {
        step.waiting_until = null;
      }
      state.status = 'running';
      const report = reports.get(index);
      if (!reported || !report) {
        return {
          error: {
            type: 'AutomationTimedOut',
            message: `the automation did not report back by ${deadline}`,
          },
        };
      }
      if (report.status === 'failed') {
        return {
          error: {
            type: 'AutomationFailed',
            message: report.error ?? 'the automation reported that it failed',
          },
        };
      }
      const result = report.result ?? {};
      return { output: { ...output, ...chainableOf(result), result, reported_at: nowIso() } };
    },
  };
}
