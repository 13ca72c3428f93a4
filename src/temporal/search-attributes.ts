import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The tenant of every Errand workflow, so operators can filter runs by tenant. */
export const ERRAND_TENANT = defineSearchAttributeKey('ErrandTenant', SearchAttributeType.KEYWORD);

/** `--search-attribute` flags that register Errand's attributes on a dev server. */
export const DEV_SERVER_SEARCH_ATTRIBUTES = ['--search-attribute', 'ErrandTenant=Keyword'];
