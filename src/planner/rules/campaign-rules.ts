import { CannotPlanError } from '../planner';
import { tidy, type ClauseText } from './clause-text';
import { takeEmails } from './contacts';
import type { Draft, RuleContext } from './draft';
import { takeWhen } from './when';

function refuseLater(clause: ClauseText, ctx: RuleContext, what: string): void {
  const when = takeWhen(clause, ctx.ref);
  if (when && (when.time ?? when.dayGiven)) {
    throw new CannotPlanError(
      'outside_allowlist',
      `${what} start when the plan runs; starting at "${when.text}" is not supported`,
    );
  }
}

/**
 * "start the spring sale campaign for vip customers" → start_campaign {
 * campaign: 'spring sale', audience: 'vip customers' }; an audience of email
 * addresses becomes a list.
 */
export function campaignRule(clause: ClauseText, ctx: RuleContext): Draft[] {
  const emails = takeEmails(clause);
  if (emails.length > 0) clause.take(/\b(?:for|to|targeting)\s*$/i);
  const audience = clause.take(/\b(?:for|to|targeting|aimed at)\s+(?<take>[^,;]*\S)\s*$/i)?.groups
    ?.take;
  const name =
    clause.take(/"(?<n>[^"]+)"\s*(?:campaign)?/i)?.groups?.n ??
    clause.take(/(?:\b(?:the|our|my|a)\s+)?(?<n>\w[\w&' -]*?)\s+campaign\b/i)?.groups?.n ??
    clause.take(
      /\bcampaign\s+(?:called\s+|named\s+)?(?<n>[\w&'-]+(?: (?!on\b|at\b|in\b|next\b|tomorrow\b)[\w&'-]+)*)/i,
    )?.groups?.n;
  clause.take(/\bcampaign\b/i);
  refuseLater(clause, ctx, 'campaigns');
  const campaign = name ? tidy(name).replace(/^(?:the|our|my)\s+/i, '') : '';
  if (!campaign)
    throw new CannotPlanError('missing_information', 'which campaign? No campaign name was given');
  const params: Record<string, unknown> = { campaign };
  if (emails.length > 0) params.audience = emails;
  else if (audience && tidy(audience))
    params.audience = tidy(audience).replace(/^(?:the|our|my)\s+/i, '');
  return [{ type: 'start_campaign', params }];
}

/** "trigger the onboarding automation" → trigger_automation { automation: 'onboarding' }. */
export function automationRule(clause: ClauseText, ctx: RuleContext): Draft[] {
  const emails = takeEmails(clause);
  const name =
    clause.take(/"(?<n>[^"]+)"/)?.groups?.n ??
    clause.take(
      /(?:\b(?:the|our|my|a)\s+)?(?<n>\w[\w -]*?)\s+(?:automation|workflow|webhook|zap)\b/i,
    )?.groups?.n ??
    clause.take(
      /\b(?:automation|workflow|webhook|zap)\s+(?:called\s+|named\s+)?(?<n>[a-z0-9][\w-]*)/i,
    )?.groups?.n;
  clause.take(/\b(?:automation|workflow|webhook|zap)\b/i);
  refuseLater(clause, ctx, 'automations');
  const automation = (name ?? '')
    .trim()
    .replace(/^(?:the|our|my)\s+/i, '')
    .toLowerCase()
    .replace(/\s+/g, '-');
  if (!/^[a-z0-9][a-z0-9_-]{0,99}$/.test(automation)) {
    throw new CannotPlanError(
      'missing_information',
      'which automation? No usable automation name was given',
    );
  }
  const params: Record<string, unknown> = { automation };
  if (emails.length > 0) {
    clause.take(/\b(?:for|with)\b/i);
    params.payload = emails.length === 1 ? { email: emails[0] } : { emails };
    ctx.guess(`passed ${emails.join(', ')} to the automation as its payload`, 0.95);
  }
  return [{ type: 'trigger_automation', params }];
}
