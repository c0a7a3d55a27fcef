// The strategy capability: strategy files (schema, loader, versions and activation), the pure
// evaluator that plans each account's actions with reasons, champion/challenger arms, and the daily
// cycle that runs them over the portfolio. Other capabilities import it from here only.
export type { AccountFacts, AccountEventKind, AccountFlag, Channel, ChannelFacts, EmergencyContactFacts, StepHistory } from './core/facts.ts';
export { ACCOUNT_EVENT_KINDS, ACCOUNT_FLAGS, CHANNELS } from './core/facts.ts';
export type { ActionKind, ActionReason, Attitude, Evaluation, Party, PlannedAction, StepTrace, StrategyError, Trigger, Result } from './core/types.ts';
export { ACTION_KINDS, ATTITUDES } from './core/types.ts';
export type { ActiveStrategySet, CompiledRoute, StrategyScope } from './core/compile.ts';
export { compileStrategySet } from './core/compile.ts';
export { evaluateAccount, scopeOf } from './core/evaluate.ts';
export { deriveAttitude, isLost } from './core/attitude.ts';
export { assignArm, type ArmAssignment } from './core/champion-challenger.ts';
export type { SetDocument, StrategyDocument, StrategyFileDocument } from './core/schema.ts';
export { loadStrategyDirectory, loadStrategyFile, formatStrategyError, type LoadedDocument, type LoadedStrategySet } from './load-strategies.ts';
export {
  saveAndActivate,
  loadActiveSet,
  loadActivation,
  listVersions,
  loadVersion,
  contentHash,
  type Activation,
  type ActivationResult,
  type StoredVersion,
  type VersionChange,
} from './strategy-store.ts';
export { runCycle, planChunk, summarizeCycle, type CycleDeps, type CycleOptions, type CycleReport } from './cycle/run-cycle.ts';
export { gatherFacts, gatherScreenedFacts, type ContactFactsLoading, type FactsScope } from './cycle/gather-facts.ts';
export { explainAccount, type Explanation } from './cycle/explain-account.ts';
export { diffStrategies, describeAction, type StrategyDiff } from './cycle/diff-strategies.ts';
export { cancelActionsOfCuredAccounts } from './cycle/cancel-on-cure.ts';
