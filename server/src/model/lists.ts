import type { ConfigModel, RuleList } from './config';

/** The lists that `start` reaches: themselves and, transitively, every list a rule of theirs jumps or goes to. */
export function reachableLists(model: ConfigModel, start: readonly string[]): RuleList[] {
  const byId = new Map<string, RuleList>(model.ruleLists.map((l) => [l.id, l]));
  const seen = new Map<string, RuleList>();
  const queue = [...start];
  while (queue.length > 0) {
    const id = queue.pop()!;
    const list = byId.get(id);
    if (!list || seen.has(id)) continue;
    seen.set(id, list);
    for (const rule of list.rules) {
      if (rule.action.type === 'jump' || rule.action.type === 'goto') queue.push(rule.action.target);
    }
  }
  return [...seen.values()];
}
