// Small lists the demo draws people from: common Chinese surnames and given-name characters,
// pinyin for e-mail addresses, and the mobile prefixes in service in mainland China.
import type { Random } from './random.ts';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁', '潘', '蒋', '蔡', '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '沈', '欧阳', '司马'];
const GIVEN = ['伟', '芳', '娜', '秀', '英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞', '平', '刚', '华', '玲', '建', '国', '文', '辉', '鹏', '飞', '婷', '雪', '慧', '宇', '浩', '然', '晨', '欣', '怡', '佳', '琪', '子', '涵', '博', '思', '雨', '轩', '梓', '嘉', '俊'];
const PINYIN = ['wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'huang', 'zhao', 'wu', 'zhou', 'xu', 'sun', 'ma', 'zhu', 'hu', 'lin', 'wei', 'fang', 'jun', 'hua', 'ming', 'jie', 'ting', 'yu', 'hao', 'xin'];
// 14x and 16x/19x ranges are left out: data-card and newer ranges are rarer among borrowers.
const MOBILE_PREFIXES = ['130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '176', '177', '178', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189', '199'];

export function surnameOf(rng: Random): string {
  // Compound surnames sit at the end of the list and are drawn rarely.
  return rng.chance(0.01) ? rng.pick(SURNAMES.slice(-2)) : rng.pick(SURNAMES.slice(0, -2));
}

export function personName(rng: Random, surname = surnameOf(rng)): string {
  const given = rng.chance(0.7) ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  return surname + given;
}

function digits(rng: Random, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(rng.int(0, 9));
  return text;
}

/** A mainland mobile number in E.164. */
export function mobilePhone(rng: Random): string {
  return `+86${rng.pick(MOBILE_PREFIXES)}${digits(rng, 8)}`;
}

export function emailAddress(rng: Random): string {
  const domain = rng.weighted([['qq.com', 45], ['163.com', 25], ['126.com', 10], ['gmail.com', 10], ['outlook.com', 10]] as const);
  if (domain === 'qq.com') return `${rng.int(1, 9)}${digits(rng, rng.int(6, 9))}@qq.com`;
  return `${rng.pick(PINYIN)}${rng.pick(PINYIN)}${digits(rng, rng.int(2, 4))}@${domain}`;
}

export function deviceId(rng: Random): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += rng.int(0, 15).toString(16);
  return `dev_${hex}`;
}
