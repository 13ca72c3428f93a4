import { z } from 'zod';

/** How deep, wide and large a plan's or intent's `context` may be. */
export const CONTEXT_LIMITS = { depth: 8, keys: 200, bytes: 16 * 1024 } as const;

/**
 * The caller's free-form context, bounded: it is stored with every plan and
 * decision and sent to the LLM planner, so an unbounded one costs every reader.
 * Depth counts nested objects and arrays (`{"a":{"b":1}}` has depth 2); keys
 * count every object key at every level; bytes are those of its JSON.
 */
export const boundedContext = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  const { depth, keys } = measure(value);
  if (depth > CONTEXT_LIMITS.depth) {
    fail(`context is nested ${depth} levels deep; at most ${CONTEXT_LIMITS.depth}`);
  } else if (keys > CONTEXT_LIMITS.keys) {
    fail(`context has ${keys} keys; at most ${CONTEXT_LIMITS.keys}`);
  } else {
    const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
    if (bytes > CONTEXT_LIMITS.bytes) {
      fail(`context is ${bytes} bytes of JSON; at most ${CONTEXT_LIMITS.bytes}`);
    }
  }
});

/** Depth and key count, stopping early once past the limits so a hostile value costs little. */
function measure(root: unknown): { depth: number; keys: number } {
  let deepest = 0;
  let keys = 0;
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > CONTEXT_LIMITS.depth) break;
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) keys += children.length;
    if (keys > CONTEXT_LIMITS.keys) break;
    for (const child of children) stack.push({ node: child, depth: depth + 1 });
  }
  return { depth: deepest, keys };
}
