import type { FieldProblem } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { EntityType } from './config-item.js';
import { ENTITIES, type Resolve } from './entities.js';

/**
 * Every cross-entity problem of an item about to be written: references to missing items and the type's rules.
 * `resolve` sees the store as it will be after the change (including other items of the same batch).
 */
export function checkItem(
  type: EntityType,
  data: JsonObject,
  ctx: { resolve: Resolve; before: JsonObject | undefined },
): FieldProblem[] {
  const d = ENTITIES[type];
  const dangling = d.references(data).flatMap((r) =>
    ctx.resolve(r.type, r.key) ? [] : [{ path: r.path, message: `${ENTITIES[r.type].label} '${r.key}' does not exist` }],
  );
  return [...dangling, ...d.rules(data, ctx)];
}
