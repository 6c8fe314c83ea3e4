/**
 * Depth and complexity of a GraphQL operation, measured on the validated document before anything runs.
 * Depth counts nested fields (a root field is 1). Complexity: every field costs 1 plus what it selects, and a list
 * field LIST_FACTOR times that, so nested lists multiply. Fragments count where they are spread. Introspection
 * meta-fields (`__schema`, `__type`, `__typename`) are left to graphql-js's own MaxIntrospectionDepthRule: they are
 * answered from memory, never from the database.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export const LIST_FACTOR = 10;

export interface Cost {
  depth: number;
  complexity: number;
}

export function measure(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Cost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  // A fragment's cost does not depend on where it is spread (its depth only shifts), so each is measured once:
  // fragments spreading fragments cannot make this exponential.
  const fragmentCost = new Map<string, Cost | 'measuring'>();
  const costOfFragment = (name: string): Cost | undefined => {
    const known = fragmentCost.get(name);
    // Validation has already refused fragment cycles; the guard keeps this function total on its own.
    if (known === 'measuring') return undefined;
    if (known) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !type || !isCompositeType(type)) return undefined;
    fragmentCost.set(name, 'measuring');
    const cost = walk(fragment.selectionSet, type, 0);
    fragmentCost.set(name, cost);
    return cost;
  };

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, depth: number): Cost => {
    let deepest = depth;
    let complexity = 0;
    const add = (c: Cost) => {
      deepest = Math.max(deepest, c.depth);
      complexity += c.complexity;
    };
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const def = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[sel.name.value] : undefined;
        if (!def) continue;
        const named = getNamedType(def.type);
        const inner =
          sel.selectionSet && isCompositeType(named)
            ? walk(sel.selectionSet, named, depth + 1)
            : { depth: depth + 1, complexity: 0 };
        const own = 1 + inner.complexity;
        add({ depth: inner.depth, complexity: isListType(getNullableType(def.type)) ? LIST_FACTOR * own : own });
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) add(walk(sel.selectionSet, type, depth));
      } else {
        const cost = costOfFragment(sel.name.value);
        if (cost) add({ depth: depth + cost.depth, complexity: cost.complexity });
      }
    }
    return { depth: deepest, complexity };
  };

  const root = schema.getRootType(operation.operation);
  return root ? walk(operation.selectionSet, root, 0) : { depth: 0, complexity: 0 };
}
