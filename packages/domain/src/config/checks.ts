import type { FieldProblem } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { EntityType } from './config-item.js';
import { ENTITIES, type RuleContext, type WriteRuleContext } from './entities.js';

/**
 * Every cross-entity problem of an item about to be written: references to missing items and the type's rules.
 * `resolve` sees the store as it will be after the change (including other items of the same batch).
 */
export function checkItem(
  type: EntityType,
  data: JsonObject,
  ctx: RuleContext,
): FieldProblem[] {
  const d = ENTITIES[type];
  const dangling = d.references(data).flatMap((r) =>
    ctx.resolve(r.type, r.key) ? [] : [{ path: r.path, message: `${ENTITIES[r.type].label} '${r.key}' does not exist` }],
  );
  return [...dangling, ...d.rules(data, ctx)];
}

/** The problems of a single-item write: those of `checkItem` and the type's write rules (see `writeRules`). */
export function checkWrite(type: EntityType, data: JsonObject, ctx: WriteRuleContext): FieldProblem[] {
  const problems = checkItem(type, data, ctx);
  return problems.length > 0 ? problems : (ENTITIES[type].writeRules?.(data, ctx) ?? []);
}
