import { z } from 'zod';

/** How deep, wide and large a free-form JSON object may be. */
export interface JsonLimits {
  depth: number;
  keys: number;
  bytes: number;
}

/** The bounds of a plan's or intent's `context`. */
export const CONTEXT_LIMITS: JsonLimits = { depth: 8, keys: 200, bytes: 16 * 1024 };

/** The bounds of a `trigger_automation` step's `payload`, which is posted to a webhook. */
export const PAYLOAD_LIMITS: JsonLimits = { depth: 8, keys: 500, bytes: 64 * 1024 };

/**
 * A free-form JSON object, bounded: such objects are stored with every plan
 * and decision and sent to the LLM planner or a webhook, so an unbounded one
 * costs every reader. Depth counts nested objects and arrays (`{"a":{"b":1}}`
 * has depth 2); keys count every object key at every level; bytes are those of
 * its JSON. `name` is how messages call it.
 */
export function boundedObject(name: string, limits: JsonLimits) {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    const { depth, keys } = measure(value, limits);
    if (depth > limits.depth) {
      fail(`${name} is nested more than ${limits.depth} levels deep`);
    } else if (keys > limits.keys) {
      fail(`${name} has more than ${limits.keys} keys`);
    } else {
      const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
      if (bytes > limits.bytes) fail(`${name} is ${bytes} bytes of JSON; at most ${limits.bytes}`);
    }
  });
}

/** The caller's context for a plan or an intent. */
export const boundedContext = boundedObject('context', CONTEXT_LIMITS);

/** Depth and key count, stopping early once past the limits so a hostile value costs little. */
function measure(root: unknown, limits: JsonLimits): { depth: number; keys: number } {
  let deepest = 0;
  let keys = 0;
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limits.depth) break;
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) keys += children.length;
    if (keys > limits.keys) break;
    for (const child of children) stack.push({ node: child, depth: depth + 1 });
  }
  return { depth: deepest, keys };
}
