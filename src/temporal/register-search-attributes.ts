import { Connection } from '@temporalio/client';
// A default import: under Node's own ESM loader the CommonJS package has no named exports.
import proto from '@temporalio/proto';
import { ERRAND_SEARCH_ATTRIBUTES } from './search-attributes';

const { IndexedValueType } = proto.temporal.api.enums.v1;

/**
 * Adds the Errand search attributes a namespace lacks. The dev server's
 * `--search-attribute` flags register them only in a new database file, so a
 * `.errand/temporal.db` made by an earlier Errand needs the ones added since;
 * a plan's start naming an unregistered one is refused. Answers the names added.
 */
export async function registerSearchAttributes(
  address: string,
  namespace: string,
): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const known = await connection.operatorService.listSearchAttributes({ namespace });
    const have = new Set([
      ...Object.keys(known.customAttributes ?? {}),
      ...Object.keys(known.systemAttributes ?? {}),
    ]);
    const missing = ERRAND_SEARCH_ATTRIBUTES.filter(({ name }) => !have.has(name));
    if (missing.length === 0) return [];
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map(({ name, type }) => [
          name,
          type === 'Bool'
            ? IndexedValueType.INDEXED_VALUE_TYPE_BOOL
            : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        ]),
      ),
    });
    return missing.map(({ name }) => name);
  } finally {
    await connection.close();
  }
}
