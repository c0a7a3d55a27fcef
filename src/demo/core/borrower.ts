// A demo borrower as onboarded: name, locale and zone, rare holds, a risk band that leans with the
// repayment behaviour, the ways to reach them with per-channel consent, and 1–2 emergency contacts.
// About 5% of phones are out of service and 3% were changed without telling the lender (失联 cases).
import { addDays, daysBetween } from '../../platform/core/calendar.ts';
import { instantDuring } from './local-time.ts';
import { deviceId, emailAddress, mobilePhone, personName, surnameOf } from './names.ts';
import type { Random } from './random.ts';
import type { BehaviourProfile, DemoBorrower, DemoContactPoint, DemoEmergencyContact } from './types.ts';

const FLAG_RATES: ReadonlyArray<readonly [string, number]> = [
  ['dispute', 0.01], ['complaint', 0.012], ['cease', 0.004], ['vulnerable', 0.01], ['deceased', 0.001], ['bankruptcy', 0.001],
];

const RISK_BY_PROFILE: Record<BehaviourProfile, ReadonlyArray<readonly [DemoBorrower['risk_band'], number]>> = {
  on_time: [['low', 60], ['medium', 32], ['high', 8]],
  late_then_cure: [['low', 30], ['medium', 50], ['high', 20]],
  chronic_late: [['low', 15], ['medium', 50], ['high', 35]],
  defaulter: [['low', 10], ['medium', 40], ['high', 50]],
  partial: [['low', 15], ['medium', 50], ['high', 35]],
};

const RELATIONS = [['父亲', 25], ['母亲', 30], ['配偶', 25], ['朋友', 12], ['同事', 8]] as const;

export interface BorrowerParts {
  borrower: DemoBorrower;
  contactPoints: DemoContactPoint[];
  emergencyContacts: DemoEmergencyContact[];
}

export function generateBorrower(rng: Random, input: { borrowerId: number; profile: BehaviourProfile; openedOn: string; asOf: string }): BorrowerParts {
  const { borrowerId: borrower_id, openedOn, asOf } = input;
  const surname = surnameOf(rng);
  const locale = rng.weighted([['zh-CN', 90], ['zh-TW', 6], ['en', 4]] as const);
  const time_zone =
    locale === 'zh-CN' ? rng.weighted([['Asia/Shanghai', 98], ['Asia/Hong_Kong', 2]] as const)
    : locale === 'zh-TW' ? rng.weighted([['Asia/Taipei', 80], ['Asia/Shanghai', 20]] as const)
    : rng.weighted([['Asia/Singapore', 50], ['Asia/Shanghai', 50]] as const);
  const created_at = instantDuring(rng, addDays(openedOn, -rng.int(0, 30)), 8, 23);
  const borrower: DemoBorrower = {
    borrower_id,
    external_id: `B${String(borrower_id).padStart(9, '0')}`,
    name: personName(rng, surname),
    locale,
    time_zone,
    flags: FLAG_RATES.filter(([, rate]) => rng.chance(rate)).map(([flag]) => flag),
    risk_band: rng.weighted(RISK_BY_PROFILE[input.profile]),
    preferred_channel: rng.chance(0.7) ? null : rng.weighted([['sms', 40], ['call', 25], ['push', 25], ['email', 10]] as const),
    created_at,
  };

  const phoneStatus = rng.weighted([['active', 92], ['invalid', 5], ['changed', 3]] as const);
  const daysOnBook = Math.max(0, daysBetween(openedOn, asOf));
  const contactPoints: DemoContactPoint[] = [{
    borrower_id,
    kind: 'phone',
    value: mobilePhone(rng),
    status: phoneStatus,
    status_changed_at: phoneStatus === 'active' ? null : instantDuring(rng, addDays(openedOn, rng.int(0, daysOnBook)), 0, 24),
    consent: rng.weighted([[['sms', 'call'], 92], [['sms'], 5], [[], 3]] as const).slice(),
    is_primary: true,
    created_at,
  }];
  if (rng.chance(0.35)) {
    contactPoints.push({ borrower_id, kind: 'email', value: emailAddress(rng), status: 'active', status_changed_at: null, consent: rng.chance(0.6) ? ['email'] : [], is_primary: false, created_at });
  }
  if (rng.chance(0.75)) {
    contactPoints.push({ borrower_id, kind: 'device', value: deviceId(rng), status: 'active', status_changed_at: null, consent: rng.weighted([[['push', 'inapp'], 85], [['inapp'], 10], [[], 5]] as const).slice(), is_primary: false, created_at });
  }

  const emergencyContacts: DemoEmergencyContact[] = [];
  const taken = new Set([contactPoints[0].value]);
  for (let i = rng.chance(0.4) ? 2 : 1; i > 0; i--) {
    const relation = rng.weighted(RELATIONS);
    let phone = mobilePhone(rng);
    while (taken.has(phone)) phone = mobilePhone(rng);
    taken.add(phone);
    emergencyContacts.push({
      borrower_id,
      name: personName(rng, relation === '父亲' ? surname : undefined),
      relation,
      phone,
      consent_at: rng.chance(0.85) ? created_at : null,
      status: rng.chance(0.95) ? 'active' : 'invalid',
      created_at,
    });
  }
  return { borrower, contactPoints, emergencyContacts };
}
