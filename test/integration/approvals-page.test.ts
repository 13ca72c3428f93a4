import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys-repository';
import { eventually, startHarness, TEST_PEPPER, type Harness } from '../support/harness';

/** Debian's `chromium` package; playwright-core drives it and downloads no browser of its own. */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    [
      '',
      '!!! test/integration/approvals-page.test.ts is SKIPPED: no Chromium at /usr/bin/chromium.',
      '!!! The approvals page is tested in headless Chromium; install it with',
      '!!!   apt-get install -y --no-install-recommends chromium',
      '!!! (as root; .ci/run does this itself) and run the test again.',
      '',
    ].join('\n'),
  );
}

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What the page's own scripts see, typed for the callbacks run in it (tsc has no DOM lib here). */
interface InPage {
  document: { querySelector(selector: string): { textContent: string | null } | null };
  sessionStorage: { getItem(key: string): string | null };
  marker?: number;
}

/** Waits until the element `selector` contains `text`. */
async function waitForText(page: Page, selector: string, text: string, timeout = 15_000) {
  try {
    await page.waitForFunction(
      ([sel, want]) =>
        (globalThis as unknown as InPage).document
          .querySelector(sel)
          ?.textContent?.includes(want) ?? false,
      [selector, text] as const,
      { timeout },
    );
  } catch (err) {
    const shown = await page
      .locator(selector)
      .textContent()
      .catch(() => null);
    throw new Error(`${selector} never showed "${text}"; it shows: ${shown}`, { cause: err });
  }
}

describe.skipIf(!hasChromium)('the approvals and history page, in headless Chromium', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    [h, browser] = await Promise.all([
      // Intents under 0.99 confidence wait for approval, so the rules planner's plan does.
      startHarness({ settings: { planner: { auto_execute_threshold: 0.99 } } }),
      chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('is served at / with a strict Content-Security-Policy, nosniff and cache headers', async () => {
    const page = await fetch(`${h.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = /\/ui\/app\.js\?v=[\w-]+/.exec(html)?.[0];
    expect(script).toBeDefined();
    const js = await fetch(`${h.baseUrl}${script}`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const again = await fetch(`${h.baseUrl}${script}`, {
      headers: { 'if-none-match': js.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('signs in with a key, shows the waiting plans in words, rejects one, approves another and follows it to completed live', async () => {
    // A plan submitted as a plan, whose second step waits a little: after the approval the
    // page shows it waiting, then completed, from the stream alone.
    const notBefore = new Date(Date.now() + 15_000).toISOString();
    const submitted = await h.api('POST', '/v1/plans', {
      intent: 'Send Ann the quarterly numbers, then text her',
      require_approval: true,
      actions: [
        {
          type: 'send_email',
          params: { to: ['ann@example.com'], subject: 'Quarterly numbers', body: 'Attached.' },
        },
        {
          type: 'send_sms',
          params: { to: ['+14155550123'], message: 'I sent you the numbers' },
          not_before: notBefore,
        },
      ],
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const mailed = submitted.body.plan_id as string;
    // A planner's plan: it carries the planner's confidence.
    const planned = await h.api('POST', '/v1/intents', {
      text: 'text +14155550123 that I am running late',
    });
    expect(planned.body.outcome, JSON.stringify(planned.body)).toBe('awaiting_approval');
    const texted = planned.body.plan_id as string;
    for (const id of [mailed, texted]) {
      await eventually(async () =>
        (await h.api('GET', `/v1/plans/${id}`)).body.status === 'awaiting_approval'
          ? true
          : undefined,
      );
    }
    const { key } = await createApiKey(h.db, TEST_PEPPER, {
      tenant: h.tenant.id,
      role: 'approver',
      name: 'page-approver',
    });

    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    const streamed: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/stream')) streamed.push(new URL(r.url()).pathname);
    });
    try {
      const response = await page.goto(`${h.baseUrl}/`);
      expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");

      const signOut = page.getByRole('button', { name: 'Sign out' });
      expect(await signOut.isVisible()).toBe(false);
      // Sign in with the keyboard: the labelled field, then Enter.
      const keyField = page.getByLabel('API key');
      await keyField.fill(key);
      await keyField.press('Enter');
      await signOut.waitFor();
      await waitForText(page, '#notice', 'Signed in.');
      expect(
        await page.evaluate(() =>
          (globalThis as unknown as InPage).sessionStorage.getItem('errand.key'),
        ),
      ).toBe(key);
      // Set once: still there at the end shows the page never reloaded.
      await page.evaluate(() => ((globalThis as unknown as InPage).marker = 1));

      const mailCard = page.getByRole('article', {
        name: 'Send Ann the quarterly numbers, then text her',
      });
      await mailCard.waitFor();
      const mailText = await mailCard.innerText();
      expect(mailText).toContain(
        'Send an email to ann@example.com: subject “Quarterly numbers”, saying “Attached.”',
      );
      expect(mailText).toContain('Send a text message to +14155550123: “I sent you the numbers”');
      expect(mailText).toContain('not before');
      expect(mailText).toContain('the whole plan, before it starts');
      expect(mailText).toContain('no planner confidence');

      const textCard = page.getByRole('article', {
        name: 'text +14155550123 that I am running late',
      });
      const textText = await textCard.innerText();
      expect(textText).toContain('Send a text message to +14155550123');
      expect(textText).toMatch(/confidence \d+%/);
      expect(textText).toContain('below the auto-execute threshold 0.99');

      // Rejecting needs a reason: refused on the page, with the message in the alert region.
      await textCard.getByRole('button', { name: 'Reject' }).click();
      await waitForText(page, '#error', 'Give a reason to reject');
      expect(await textCard.getByLabel('Reason').getAttribute('aria-invalid')).toBe('true');
      await textCard.getByLabel('Reason').fill('Not running late after all');
      await textCard.getByRole('button', { name: 'Reject' }).click();
      await waitForText(page, '#detail-status', 'Rejected');
      await textCard.waitFor({ state: 'detached' });

      // Approve with a reason, then watch it run from the stream.
      await mailCard.getByLabel('Reason').fill('Numbers checked');
      await mailCard.getByRole('button', { name: 'Approve' }).focus();
      await page.keyboard.press('Enter');
      await waitForText(page, '#notice', 'Approved: Send Ann the quarterly numbers');
      await waitForText(page, '#detail-heading', 'Send Ann the quarterly numbers');
      // On a loaded machine the approval may come after the step's time: then it runs at once.
      if (Date.now() < Date.parse(notBefore) - 3_000) {
        await waitForText(page, '#detail-status', 'Waiting for its time', 20_000);
      }
      await waitForText(page, '#detail-status', 'Completed', 40_000);
      await waitForText(page, '#detail-live', 'Finished.');
      expect(streamed).toContain(`/v1/plans/${mailed}/stream`);
      expect(await page.evaluate(() => (globalThis as unknown as InPage).marker)).toBe(1);

      const steps = page.locator('#detail table.steps tbody tr');
      expect(await steps.count()).toBe(2);
      for (const i of [0, 1]) {
        const row = await steps.nth(i).innerText();
        expect(row).toContain('Succeeded');
        expect(row).toMatch(/Took \d/);
        expect(row).toContain('Output');
      }
      const approvals = await page.locator('#detail').innerText();
      expect(approvals).toContain('Approved by page-approver');
      expect(approvals).toContain('“Numbers checked”');

      // The history: both plans, filtered by status and by text.
      const rows = page.locator('#history-rows tr');
      await waitForText(page, `#history-rows tr[data-plan-id="${mailed}"]`, 'Completed');
      await waitForText(page, `#history-rows tr[data-plan-id="${texted}"]`, 'Rejected');
      await page.getByLabel('Status').selectOption('completed');
      await page.waitForFunction(
        (id) =>
          !(globalThis as unknown as InPage).document.querySelector(
            `#history-rows tr[data-plan-id="${id}"]`,
          ),
        texted,
      );
      expect(await rows.count()).toBe(1);
      await page.getByLabel('Status').selectOption('');
      await waitForText(page, `#history-rows tr[data-plan-id="${texted}"]`, 'Rejected');
      await page.getByLabel('Search').fill('running late');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().innerText()).toContain('running late');
      await page.getByLabel('Search').fill('');

      // Opening a plan from the history shows it; the approvals list is now empty.
      await page.locator(`#history-rows tr[data-plan-id="${texted}"]`).getByRole('button').click();
      await waitForText(page, '#detail-heading', 'running late');
      await waitForText(page, '#detail', '“Not running late after all”');
      expect(await page.locator('#approvals-empty').isVisible()).toBe(true);

      // What the page did is what the API recorded: who decided, and why.
      const done = (await h.api('GET', `/v1/plans/${mailed}`)).body;
      expect(done.status).toBe('completed');
      expect(done.approvals[0].decision).toMatchObject({
        outcome: 'approved',
        by: 'page-approver',
        reason: 'Numbers checked',
      });

      await signOut.click();
      await page.getByLabel('API key').waitFor();
      expect(
        await page.evaluate(() =>
          (globalThis as unknown as InPage).sessionStorage.getItem('errand.key'),
        ),
      ).toBeNull();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
