/** A workflow's page in the Temporal Web UI, for every answer that shows a plan. */
export function webUiLinkFor(webUiUrl: string, namespace: string) {
  return (workflowId: string): string =>
    `${webUiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`;
}
