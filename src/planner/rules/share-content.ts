import { CannotPlanError } from '../planner';
import type { Draft } from './draft';

/** What a message step says: an email's body (or subject), a text's message. */
function contentOf(draft: Draft): string | undefined {
  if (draft.missingContent) return undefined;
  const p = draft.params;
  if (draft.type === 'send_sms' && typeof p.message === 'string') return p.message;
  if (draft.type === 'send_email') {
    if (typeof p.body === 'string') return p.body;
    if (typeof p.subject === 'string') return p.subject;
  }
  return undefined;
}

/**
 * Fills a message that says nothing from the message of the clause next to
 * it, the following one first ("email ann@x.com and text +1…: the office is
 * closed" sends both the same words). A failure handler with nothing to
 * share keeps its gap for linkSteps to fill with a default; any other
 * message with nothing to say is refused, with the question its rule asked.
 */
export function shareContent(clauses: Draft[][]): void {
  clauses.forEach((clause, i) => {
    for (const draft of clause) {
      if (!draft.missingContent) continue;
      const near = [...(clauses[i + 1] ?? []), ...(clauses[i - 1] ?? [])];
      const said = near.map(contentOf).find((c) => c !== undefined);
      if (said !== undefined) {
        if (draft.type === 'send_sms') draft.params.message = said;
        else draft.params.body = said;
        delete draft.missingContent;
      } else if (draft.condition !== 'if_previous_failed') {
        throw new CannotPlanError('missing_information', draft.missingContent);
      }
    }
  });
}
