import type { AnalysisLimit, ConfigModel } from '../model/config';

/**
 * Bounds the evaluator went past, per model. The checks that evaluate flows run before the
 * analysis-limit check (see CHECKS), which reads them here; each bound is kept once per place,
 * and running out of steps once per file (where it happens depends on the flow).
 */
const recorded = new WeakMap<ConfigModel, AnalysisLimit[]>();

export function recordEvaluationLimit(model: ConfigModel, limit: AnalysisLimit): void {
  const list = recorded.get(model) ?? [];
  const samePlace = (l: AnalysisLimit): boolean => l.range.start.line === limit.range.start.line && l.range.start.character === limit.range.start.character;
  const same = (l: AnalysisLimit): boolean => l.kind === limit.kind && (limit.kind === 'evaluation-steps' || samePlace(l));
  if (!list.some(same)) list.push(limit);
  recorded.set(model, list);
}

export function evaluationLimits(model: ConfigModel): readonly AnalysisLimit[] {
  return recorded.get(model) ?? [];
}
