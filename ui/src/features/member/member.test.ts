import { describe, expect, it } from 'vitest';
import type { HealthItem, MemberProfile } from '../../lib/bindings';
import { LOCALES, messages, type MessageKey } from '../../lib/i18n';
import {
  checkBirthday,
  checkCouponIssue,
  checkHealthItem,
  checkPointsAdjust,
  chinaTime,
  classifyMemberQuery,
  CONTACT_ANSWERS,
  CONTACT_CHANNELS,
  CONTACT_TOPICS,
  contactTopicFor,
  groupHealthItems,
  halfWidth,
  isMemberCard,
  maskPhone,
  memberChanges,
  parseMobile,
  profileForm,
  profileProblems,
  registrationEnter,
  registrationPrefill,
  registrationProblems,
  routeScanInput,
  signedPoints,
  tagsFromText,
  toMoney,
  type RegistrationForm,
} from './member';

const TODAY = '2026-11-23';
const CARD = '2912345678906';

describe('what a scanned or typed code is', () => {
  it('sends a member card to the member, never to cart_scan', () => {
    expect(routeScanInput(CARD)).toEqual({ kind: 'card', code: CARD });
    expect(routeScanInput(' 2912 3456 7890 6 ')).toEqual({ kind: 'card', code: CARD });
    expect(routeScanInput('２９１２３４５６７８９０６')).toEqual({ kind: 'card', code: CARD });
    // The check digit is the core's business: a wrong one still goes to the member lookup,
    // which answers with "校验位错误" rather than "product not found".
    expect(routeScanInput('2912345678900')?.kind).toBe('card');
  });

  it('keeps product barcodes as they were', () => {
    expect(routeScanInput('6907462053312')).toEqual({ kind: 'barcode', code: '6907462053312' });
    expect(routeScanInput('96385074')).toEqual({ kind: 'barcode', code: '96385074' });
    expect(routeScanInput('012345678905')).toEqual({ kind: 'barcode', code: '012345678905' });
    // 13 digits: 29 only; 28… or 12 digits starting with 29 are products.
    expect(routeScanInput('2812345678901')?.kind).toBe('barcode');
    expect(routeScanInput('291234567890')?.kind).toBe('barcode');
    // 13 digits starting with 86 stay a barcode even though 86 + 11 digits looks like +86.
    expect(routeScanInput('8613912345678')?.kind).toBe('barcode');
  });

  it('looks a whole mobile number up as a member', () => {
    expect(routeScanInput('13912345678')).toEqual({ kind: 'phone', phone: '13912345678' });
    expect(routeScanInput('139 1234 5678')).toEqual({ kind: 'phone', phone: '13912345678' });
    expect(routeScanInput('+86 139-1234-5678')).toEqual({ kind: 'phone', phone: '13912345678' });
    expect(routeScanInput('008613912345678')).toEqual({ kind: 'phone', phone: '13912345678' });
    // 11 digits that are no mobile number: left to the barcode path (the core explains).
    expect(routeScanInput('12912345678')?.kind).toBe('barcode');
  });

  it('searches products for everything else', () => {
    expect(routeScanInput('amxl')).toEqual({ kind: 'search', text: 'amxl' });
    expect(routeScanInput(' 阿莫西林 ')).toEqual({ kind: 'search', text: '阿莫西林' });
    expect(routeScanInput('1234')).toEqual({ kind: 'search', text: '1234' });
    expect(routeScanInput('   ')).toBeNull();
  });

  it('recognises a member card by its prefix and length', () => {
    expect(isMemberCard(CARD)).toBe(true);
    expect(isMemberCard('291234567890')).toBe(false);
    expect(isMemberCard('29123456789012')).toBe(false);
    expect(isMemberCard('6907462053312')).toBe(false);
  });
});

describe('member queries', () => {
  it('classifies queries the way the core reads them', () => {
    expect(classifyMemberQuery('13912345678')).toBe('phone');
    expect(classifyMemberQuery('+86 139 1234 5678')).toBe('phone');
    expect(classifyMemberQuery('5678')).toBe('last4');
    expect(classifyMemberQuery('５６７８')).toBe('last4');
    expect(classifyMemberQuery(CARD)).toBe('card');
    expect(classifyMemberQuery('zw')).toBe('initials');
    expect(classifyMemberQuery('ＺＷ')).toBe('initials');
    expect(classifyMemberQuery('张伟')).toBe('name');
    expect(classifyMemberQuery('张')).toBe('name');
    expect(classifyMemberQuery('567')).toBe('invalid');
    expect(classifyMemberQuery('12345678901')).toBe('invalid');
    expect(classifyMemberQuery('zw12')).toBe('invalid');
    expect(classifyMemberQuery('  ')).toBeNull();
  });

  it('prefills registration with a whole phone or a name', () => {
    expect(registrationPrefill('139 1234 5678')).toEqual({ phone: '13912345678', name: '' });
    expect(registrationPrefill('张伟')).toEqual({ phone: '', name: '张伟' });
    expect(registrationPrefill('5678')).toEqual({ phone: '', name: '' });
    expect(registrationPrefill('zw')).toEqual({ phone: '', name: '' });
  });
});

describe('phones', () => {
  it('normalises mobile numbers as the core does', () => {
    expect(parseMobile('13912345678')).toBe('13912345678');
    expect(parseMobile(' 139-1234-5678 ')).toBe('13912345678');
    expect(parseMobile('１３９１２３４５６７８')).toBe('13912345678');
    expect(parseMobile('+8613912345678')).toBe('13912345678');
    expect(parseMobile('8613912345678')).toBe('13912345678');
    expect(parseMobile('12912345678')).toBeNull();
    expect(parseMobile('1391234567')).toBeNull();
    expect(parseMobile('139123456789')).toBeNull();
    expect(parseMobile('139a2345678')).toBeNull();
  });

  it('masks like the receipts', () => {
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('')).toBe('');
    expect(maskPhone('12345')).toBe('*****');
  });

  it('turns full-width digits and letters half-width', () => {
    expect(halfWidth('１３９ＡＢｃ')).toBe('139ABc');
  });
});

describe('registration form', () => {
  const form = (over: Partial<RegistrationForm> = {}): RegistrationForm => ({
    phone: '13912345678',
    name: '张伟',
    gender: 'unknown',
    birthday: '',
    basicConsent: true,
    healthConsent: false,
    contactConsent: false,
    ...over,
  });

  it('needs phone, name and the basic consent; the rest is optional', () => {
    expect(registrationProblems(form(), TODAY)).toEqual([]);
    const all = registrationProblems(form({ phone: '', name: ' ', basicConsent: false }), TODAY);
    expect(all.map((p) => p.field)).toEqual(['phone', 'name', 'basicConsent']);
    expect(all.map((p) => p.key)).toEqual(['member.v.phoneRequired', 'member.v.nameRequired', 'member.v.consentRequired']);
    expect(registrationProblems(form({ phone: '1391234567' }), TODAY)[0]?.key).toBe('member.v.phoneFormat');
    expect(registrationProblems(form({ name: '张'.repeat(51) }), TODAY)[0]?.key).toBe('member.v.nameTooLong');
    expect(registrationProblems(form({ name: '张'.repeat(50) }), TODAY)).toEqual([]);
    expect(registrationProblems(form({ birthday: '1980-02-30' }), TODAY)[0]?.field).toBe('birthday');
  });

  it('moves on with Enter: phone → name → consent → submit', () => {
    const empty = form({ phone: '13912345678', name: '', basicConsent: false });
    expect(registrationEnter(empty, 'phone', TODAY)).toEqual({ next: 'name' });
    expect(registrationEnter(form({ phone: '139' }), 'phone', TODAY)).toMatchObject({ problem: { field: 'phone' } });
    const named = form({ basicConsent: false });
    expect(registrationEnter(named, 'name', TODAY)).toMatchObject({ problem: { field: 'basicConsent' } });
    expect(registrationEnter(named, 'basicConsent', TODAY)).toMatchObject({ problem: { field: 'basicConsent' } });
    expect(registrationEnter(form(), 'name', TODAY)).toEqual({ submit: true });
    expect(registrationEnter(form(), 'phone', TODAY)).toEqual({ submit: true });
    expect(registrationEnter(form({ name: '' }), 'gender', TODAY)).toMatchObject({ problem: { field: 'name' } });
  });

  it('reads birthdays the way people write them', () => {
    expect(checkBirthday('', TODAY)).toEqual({ ok: true, date: null });
    expect(checkBirthday('1980-05-17', TODAY)).toEqual({ ok: true, date: '1980-05-17' });
    expect(checkBirthday('1980/5/7', TODAY)).toEqual({ ok: true, date: '1980-05-07' });
    expect(checkBirthday('19800517', TODAY)).toEqual({ ok: true, date: '1980-05-17' });
    expect(checkBirthday('1980年5月17日', TODAY)).toEqual({ ok: true, date: '1980-05-17' });
    expect(checkBirthday('１９８０.０５.１７', TODAY)).toEqual({ ok: true, date: '1980-05-17' });
    expect(checkBirthday('2000-02-29', TODAY)).toEqual({ ok: true, date: '2000-02-29' });
    expect(checkBirthday('2001-02-29', TODAY)).toEqual({ ok: false, key: 'member.v.birthdayFormat' });
    expect(checkBirthday('17/05/1980', TODAY)).toEqual({ ok: false, key: 'member.v.birthdayFormat' });
    expect(checkBirthday('2026-11-24', TODAY)).toEqual({ ok: false, key: 'member.v.birthdayFuture' });
    expect(checkBirthday('2026-11-23', TODAY)).toEqual({ ok: true, date: '2026-11-23' });
    expect(checkBirthday('1899-12-31', TODAY)).toEqual({ ok: false, key: 'member.v.birthdayTooEarly' });
  });
});

const profile: MemberProfile = {
  summary: {
    id: 'm1',
    card_no: CARD,
    name: '张伟',
    phone_masked: '139****5678',
    gender: 'male',
    tier: 'normal',
    points_balance: 0,
    points_expiring_this_year: 0,
    coupons: [],
    birthday_this_month: false,
    allergy_badge: false,
    needs_confirm: false,
    anonymized: false,
  },
  phone: null,
  birthday: '1980-05-17',
  address: '',
  occupation: '',
  tags: ['高血压'],
  store_id: 'S1',
  store_name: 'SH001 康宁大药房',
  registered_by: 's1',
  registered_by_name: '王晓燕',
  owner_staff_id: 's1',
  owner_name: '王晓燕',
  created_at: '2026-11-23T02:00:00.000Z',
  confirmed_at: '2026-11-23T02:00:00.000Z',
  basic_consent: true,
  health_consent: false,
  contact_consent: false,
  spend_365: '0.00',
  tier_history: [],
};

describe('profile edits', () => {
  it('sends only what changed; an empty phone keeps the number a cashier cannot see', () => {
    const form = profileForm(profile);
    expect(form.phone).toBe('');
    expect(memberChanges(profile, form, TODAY)).toEqual({});
    expect(
      memberChanges(profile, { ...form, name: ' 张  伟 ', address: ' 上海市 ', tags: '高血压，糖尿病 高血压' }, TODAY),
    ).toEqual({ name: '张 伟', address: '上海市', tags: ['高血压', '糖尿病'] });
    expect(memberChanges(profile, { ...form, phone: '13812345678', gender: 'female' }, TODAY)).toEqual({
      phone: '13812345678',
      gender: 'female',
    });
    expect(memberChanges(profile, { ...form, birthday: '' }, TODAY)).toEqual({ birthday: '' });
    expect(memberChanges(profile, { ...form, birthday: '1980/5/17' }, TODAY)).toEqual({});
  });

  it('checks the phone only when one was typed', () => {
    const form = profileForm(profile);
    expect(profileProblems(form, TODAY)).toEqual([]);
    expect(profileProblems({ ...form, phone: '139' }, TODAY).map((p) => p.field)).toEqual(['phone']);
    expect(profileProblems({ ...form, name: '' }, TODAY).map((p) => p.field)).toEqual(['name']);
  });

  it('splits tags on Chinese and ASCII separators', () => {
    expect(tagsFromText('高血压，糖尿病、 老人;老人')).toEqual(['高血压', '糖尿病', '老人']);
    expect(tagsFromText('  ')).toEqual([]);
  });
});

describe('manager forms', () => {
  it('takes a whole, non-zero number of points and a reason', () => {
    expect(checkPointsAdjust('200', '补录积分')).toEqual({ ok: true, points: 200, reason: '补录积分' });
    expect(checkPointsAdjust('-150', ' 误操作 ')).toEqual({ ok: true, points: -150, reason: '误操作' });
    expect(checkPointsAdjust('－150', '误操作')).toMatchObject({ ok: true, points: -150 });
    expect(checkPointsAdjust('0', 'x')).toMatchObject({ ok: false, problem: { field: 'points' } });
    expect(checkPointsAdjust('1.5', 'x')).toMatchObject({ ok: false, problem: { field: 'points' } });
    expect(checkPointsAdjust('', 'x')).toMatchObject({ ok: false, problem: { field: 'points' } });
    expect(checkPointsAdjust('100', ' ')).toMatchObject({ ok: false, problem: { field: 'reason', key: 'member.v.reasonRequired' } });
    expect(checkPointsAdjust('100', 'x'.repeat(101))).toMatchObject({ ok: false, problem: { key: 'member.v.reasonTooLong' } });
  });

  it('reads money as the core writes it', () => {
    expect(toMoney('3')).toBe('3.00');
    expect(toMoney('3.5')).toBe('3.50');
    expect(toMoney('¥12.80')).toBe('12.80');
    expect(toMoney('００５')).toBe('5.00');
    expect(toMoney('3.555')).toBeNull();
    expect(toMoney('-3')).toBeNull();
    expect(toMoney('abc')).toBeNull();
  });

  it('checks a manual coupon', () => {
    const ok = { face: '5', minSpend: '', validDays: '30', reason: '投诉补偿' };
    expect(checkCouponIssue(ok)).toEqual({ ok: true, face: '5.00', min_spend: '0.00', valid_days: 30, reason: '投诉补偿' });
    expect(checkCouponIssue({ ...ok, face: '0' })).toMatchObject({ ok: false, problem: { field: 'face' } });
    expect(checkCouponIssue({ ...ok, minSpend: 'x' })).toMatchObject({ ok: false, problem: { field: 'minSpend' } });
    expect(checkCouponIssue({ ...ok, validDays: '0' })).toMatchObject({ ok: false, problem: { field: 'validDays' } });
    expect(checkCouponIssue({ ...ok, validDays: '367' })).toMatchObject({ ok: false, problem: { field: 'validDays' } });
    expect(checkCouponIssue({ ...ok, reason: '' })).toMatchObject({ ok: false, problem: { field: 'reason' } });
    // A percent coupon (10 = 9 折): the face is not asked for; an optional cap; categories.
    expect(checkCouponIssue({ ...ok, face: '', percent: '10', cap: '20', categories: '感冒用药、 解热镇痛，感冒用药' })).toEqual({
      ok: true,
      face: '0.00',
      min_spend: '0.00',
      valid_days: 30,
      reason: '投诉补偿',
      percent: 10,
      cap: '20.00',
      categories: ['感冒用药', '解热镇痛'],
    });
    expect(checkCouponIssue({ ...ok, percent: '100' })).toMatchObject({ ok: false, problem: { field: 'percent' } });
    expect(checkCouponIssue({ ...ok, percent: '0' })).toMatchObject({ ok: false, problem: { field: 'percent' } });
    expect(checkCouponIssue({ ...ok, percent: '15', cap: '0' })).toMatchObject({ ok: false, problem: { field: 'cap' } });
    expect(checkCouponIssue({ ...ok, categories: 'x'.repeat(31) })).toMatchObject({ ok: false, problem: { field: 'categories' } });
    // Limited to products by their barcodes (full-width digits read too), each once.
    expect(checkCouponIssue({ ...ok, products: '6914624021096，６９０７４６２０５３３１２ 6914624021096' })).toMatchObject({
      ok: true,
      barcodes: ['6914624021096', '6907462053312'],
    });
    for (const bad of ['691462402109x', '1234567', '1'.repeat(15)]) {
      expect(checkCouponIssue({ ...ok, products: bad }), bad).toMatchObject({ ok: false, problem: { field: 'products' } });
    }
  });
});

describe('health part', () => {
  it('takes a listed class, or other / a medicine with a note', () => {
    expect(checkHealthItem('allergy', '青霉素类', '')).toEqual({ ok: true, code: '青霉素类', note: '' });
    expect(checkHealthItem('allergy', 'other', ' 芒果 ')).toEqual({ ok: true, code: 'other', note: '芒果' });
    expect(checkHealthItem('allergy', 'other', '')).toMatchObject({ ok: false, problem: { field: 'note' } });
    expect(checkHealthItem('medicine', '青霉素类', '二甲双胍 每日 2 次')).toEqual({
      ok: true,
      code: 'other',
      note: '二甲双胍 每日 2 次',
    });
    expect(checkHealthItem('medicine', '', '')).toMatchObject({ ok: false, problem: { key: 'member.v.noteRequired' } });
    expect(checkHealthItem('condition', '高血压', 'x'.repeat(101))).toMatchObject({ ok: false, problem: { key: 'member.v.noteTooLong' } });
  });

  it('groups items by kind, every kind present, in a fixed order', () => {
    const item = (id: string, kind: HealthItem['kind']): HealthItem => ({
      id,
      kind,
      code: 'other',
      note: id,
      added_at: '2026-11-23T02:00:00.000Z',
      added_by: 's',
    });
    const groups = groupHealthItems([item('a', 'group'), item('b', 'allergy'), item('c', 'allergy')]);
    expect(groups.map((g) => g.kind)).toEqual(['allergy', 'condition', 'medicine', 'group', 'reaction']);
    expect(groups.map((g) => g.items.map((i) => i.id))).toEqual([['b', 'c'], [], [], ['a'], []]);
  });
});

describe('display', () => {
  it('shows core timestamps in China time', () => {
    expect(chinaTime('2026-11-23T16:30:00.000Z')).toBe('2026-11-24 00:30');
    expect(chinaTime('2026-11-23T02:05:09.123Z')).toBe('2026-11-23 10:05');
    expect(chinaTime('not a time')).toBe('not a time');
  });

  it('signs ledger points', () => {
    expect(signedPoints(120)).toBe('+120');
    expect(signedPoints(-300)).toBe('−300');
    expect(signedPoints(0)).toBe('0');
  });

  it('has a message for every key the member logic returns', () => {
    const keys: MessageKey[] = [
      'member.v.phoneRequired',
      'member.v.phoneFormat',
      'member.v.nameRequired',
      'member.v.nameTooLong',
      'member.v.birthdayFormat',
      'member.v.birthdayFuture',
      'member.v.birthdayTooEarly',
      'member.v.consentRequired',
      'member.v.reasonRequired',
      'member.v.reasonTooLong',
      'member.v.pointsFormat',
      'member.v.faceFormat',
      'member.v.minSpendFormat',
      'member.v.validDays',
      'member.v.noteRequired',
      'member.v.noteTooLong',
    ];
    for (const key of keys) expect(messages('en')[key], key).toBeTruthy();
  });
});

describe('contact log', () => {
  it('starts a call on the topic of the first care list the member is on', () => {
    expect(contactTopicFor(['birthdays_tomorrow', 'dormant'])).toBe('birthday');
    expect(contactTopicFor(['points_expiring7'])).toBe('points_expiring');
    expect(contactTopicFor(['dormant'])).toBe('dormant');
    expect(contactTopicFor(['top_classes'])).toBe('top_class');
    expect(contactTopicFor(['new_to_thank'])).toBe('thanks');
    expect(contactTopicFor([])).toBe('other');
  });

  it('names every channel, topic and answer in both languages', () => {
    const keys = [
      ...CONTACT_CHANNELS.map((c) => `member.contacts.channel.${c}`),
      ...CONTACT_TOPICS.map((c) => `member.contacts.topic.${c}`),
      ...CONTACT_ANSWERS.map((c) => `member.contacts.answer.${c}`),
    ];
    expect(keys).toHaveLength(15);
    for (const { id: locale } of LOCALES) {
      const dict = messages(locale);
      for (const key of keys) expect(dict[key as MessageKey], `${locale} ${key}`).toBeTruthy();
    }
  });
});
