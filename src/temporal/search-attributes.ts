import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The tenant of every Errand workflow, so operators can filter runs by tenant. */
export const ERRAND_TENANT = defineSearchAttributeKey('ErrandTenant', SearchAttributeType.KEYWORD);

/** A plan's status (pending, awaiting_approval, running, completed, failed …), kept current by its workflow. */
export const ERRAND_STATUS = defineSearchAttributeKey('ErrandStatus', SearchAttributeType.KEYWORD);

/** The action type of the step a plan is at (or waits before); absent when it is at none. */
export const ERRAND_STEP_TYPE = defineSearchAttributeKey(
  'ErrandStepType',
  SearchAttributeType.KEYWORD,
);

/** True while a plan waits for a human decision. */
export const ERRAND_AWAITING_APPROVAL = defineSearchAttributeKey(
  'ErrandAwaitingApproval',
  SearchAttributeType.BOOL,
);

/** The user a plan was made for (its `user_id`), when it names one. */
export const ERRAND_USER = defineSearchAttributeKey('ErrandUser', SearchAttributeType.KEYWORD);

/** Where a plan came from: api, chat, email, webhook, schedule. */
export const ERRAND_SOURCE = defineSearchAttributeKey('ErrandSource', SearchAttributeType.KEYWORD);

/** The planner that made the plan from an intent (rules, openai); absent for a plan sent as one. */
export const ERRAND_PLANNER = defineSearchAttributeKey(
  'ErrandPlanner',
  SearchAttributeType.KEYWORD,
);

/** Every Errand attribute with its type, as `temporal operator search-attribute create` takes them. */
export const ERRAND_SEARCH_ATTRIBUTES = [
  ERRAND_TENANT,
  ERRAND_STATUS,
  ERRAND_STEP_TYPE,
  ERRAND_AWAITING_APPROVAL,
  ERRAND_USER,
  ERRAND_SOURCE,
  ERRAND_PLANNER,
].map((key) => ({
  name: key.name,
  type: key.type === SearchAttributeType.BOOL ? 'Bool' : 'Keyword',
}));

/** `--search-attribute` flags that register Errand's attributes on a dev server. */
export const DEV_SERVER_SEARCH_ATTRIBUTES = ERRAND_SEARCH_ATTRIBUTES.flatMap(({ name, type }) => [
  '--search-attribute',
  `${name}=${type}`,
]);
