import type { ConfigModel } from '../model/config';
import type { Flow, Policy } from '../model/policy';
import type { FlowDecision } from '../dialects/dialect';
import { flowsOfEntry } from '../policies';
import { carriedPart, catalogueMembership } from './carriers';
import type { CatalogView } from './context';
import { evaluateFlow, evaluateTlsInterception } from './evaluate';

/**
 * Where each flow of a policy is decided in this model: the evaluator's verdicts, traces and paths,
 * per policy entry. The write path asks this, never a walker of its own, so an edit goes where
 * the device decides.
 */
export function policyDecisions(model: ConfigModel, policy: Policy, catalog: Pick<CatalogView, 'lookupAddress'>): FlowDecision[] {
  const inCatalogue = catalogueMembership(catalog);
  const decisions: FlowDecision[] = [];
  policy.entries.forEach((_entry, index) => {
    for (const flow of flowsOfEntry(policy, index)) {
      const evaluations = evaluateFlow(model, flow, (path, part, translatedBy) => carriedPart(model, path, part, inCatalogue, translatedBy !== undefined));
      for (const evaluation of evaluations) {
        for (const outcome of evaluation.outcomes) {
          // A host flow is decided by name on the paths that take it; its piece keeps the name.
          const remote: Flow['remote'] = evaluation.flow.remote.kind === 'host' ? evaluation.flow.remote : { kind: 'addresses', intervals: outcome.region.intervals };
          const piece: Flow = { ...evaluation.flow, ports: outcome.region.ports, remote };
          const inspected = evaluateTlsInterception(model, evaluation, outcome).some((o) => o.value === 'inspect');
          decisions.push({ entry: index, flow: piece, path: evaluation.path, outcome, ...(inspected ? { inspected } : {}) });
        }
      }
    }
  });
  return decisions;
}

/** The decisions an edit has to change: those that block, inspect or leave the flow unknown; all of them when none do. */
export function decisionsToPlace(decisions: readonly FlowDecision[]): { decisions: FlowDecision[]; allAllowed: boolean } {
  const open = decisions.filter((d) => d.outcome.value !== 'allowed' || d.inspected === true);
  return open.length > 0 ? { decisions: open, allAllowed: false } : { decisions: [...decisions], allAllowed: true };
}
