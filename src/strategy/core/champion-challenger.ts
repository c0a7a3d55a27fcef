// Champion/challenger: a stable hash of the set id and the account key places each account at a
// basis point (0–9999); the route's arms own consecutive slices of that range by their percentages.
// The same account lands in the same arm on every run and machine, as long as the split is unchanged.
import { stableBasisPoint } from '../../platform/core/stable-hash.ts';
import type { CompiledRoute } from './compile.ts';

export interface ArmAssignment {
  strategyId: string;
  arm: string;
  basisPoint: number;
}

export function assignArm(accountKey: string, route: Pick<CompiledRoute, 'setId' | 'arms'>): ArmAssignment {
  const basisPoint = stableBasisPoint(`${route.setId}:${accountKey}`);
  const arm = route.arms.find((a) => basisPoint < a.belowBasisPoint) ?? route.arms[route.arms.length - 1];
  return { strategyId: arm.strategyId, arm: arm.arm, basisPoint };
}
