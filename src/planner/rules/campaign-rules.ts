import { CannotPlanError } from '../planner';
import { tidy, type ClauseText } from './clause-text';
import { takeEmails } from './contacts';
import type { Draft, RuleContext } from './draft';
import { takeSendTime } from './send-time';

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
  const later = takeSendTime(clause, ctx);
  const campaign = name ? tidy(name).replace(/^(?:the|our|my)\s+/i, '') : '';
  if (!campaign)
    throw new CannotPlanError('missing_information', 'which campaign? No campaign name was given');
  const params: Record<string, unknown> = { campaign };
  if (emails.length > 0) params.audience = emails;
  else if (audience && tidy(audience))
    params.audience = tidy(audience).replace(/^(?:the|our|my)\s+/i, '');
  return [{ type: 'start_campaign', params, ...later }];
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
  const later = takeSendTime(clause, ctx);
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
  return [{ type: 'trigger_automation', params, ...later }];
}
