//! Member logic for the counter, kept pure so it is unit-tested: what a scanned or typed code
//! is (member card, phone, product), what kind of member query was typed, and the checks the
//! member forms make before calling the core. The core checks the same rules again and stays
//! the authority; these checks only give instant feedback and the right field to focus.

import type {
  CareList,
  ContactAnswer,
  ContactChannel,
  ContactTopic,
  Coupon,
  Gender,
  HealthItem,
  HealthKind,
  MemberChanges,
  MemberProfile,
  Money,
} from '../../lib/bindings';
import type { MessageKey, MessageParams } from '../../lib/i18n';
import { yuan } from '../../lib/money';

/** The longest member name the core accepts (`MAX_NAME_CHARS`). */
export const MAX_NAME_CHARS = 50;
/** Reasons (points adjustment, manual coupon, anonymization) are 1–100 characters. */
export const MAX_REASON_CHARS = 100;
/** A health item's note is at most 100 characters. */
export const MAX_NOTE_CHARS = 100;

/** Full-width digits and Latin letters (from a Chinese IME) become half-width, as the core does. */
export function halfWidth(text: string): string {
  return text.replace(/[０-９Ａ-Ｚａ-ｚ＋]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** Drops the spaces and dashes people put into phone and card numbers. */
function compact(text: string): string {
  return halfWidth(text.trim()).replace(/[\s\u3000\-－]/g, '');
}

/**
 * A member card: 13 digits starting with 29 (GS1 in-store prefix, which no product carries).
 * The check digit is left to the core, which names the problem when it is wrong.
 */
export function isMemberCard(code: string): boolean {
  return /^29\d{11}$/.test(code);
}

/**
 * A mainland mobile number as the core accepts it: 11 digits starting with 13–19, after dropping
 * spaces, dashes and a +86 / 0086 prefix. Returns the 11 digits, or null.
 */
export function parseMobile(text: string): string | null {
  let digits = compact(text);
  if (digits.startsWith('+')) digits = digits.slice(1);
  if (!/^\d+$/.test(digits)) return null;
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  else if (digits.length === 15 && digits.startsWith('0086')) digits = digits.slice(4);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** 13912345678 → 139****5678; anything else is starred out whole (as the core masks). */
export function maskPhone(phone: string): string {
  return /^\d{11}$/.test(phone) ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '*'.repeat([...phone].length);
}

/** What the cashier screen does with a code that was scanned or typed into the scan input. */
export type ScanRoute =
  /** A member card: find the member and attach them to the sale (never `cart_scan`). */
  | { kind: 'card'; code: string }
  /** A whole mobile number (no product barcode has 11 digits): look the member up. */
  | { kind: 'phone'; phone: string }
  /** A product barcode (8–14 digits): `cart_scan`. */
  | { kind: 'barcode'; code: string }
  /** Anything else: product search by name or pinyin initials. */
  | { kind: 'search'; text: string };

/** Decides what a scanned or typed code is; null for nothing at all. */
export function routeScanInput(text: string): ScanRoute | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const code = compact(trimmed);
  if (isMemberCard(code)) return { kind: 'card', code };
  // 13 digits starting with 86 stay a (product) barcode; only a plain 11-digit mobile or one
  // written with +86 / 0086 is a phone.
  const phone = /^(?:1|\+|0086)/.test(code) && code.length !== 13 ? parseMobile(code) : null;
  if (phone) return { kind: 'phone', phone };
  if (/^\d{8,14}$/.test(code)) return { kind: 'barcode', code };
  return { kind: 'search', text: trimmed };
}

/** How the core will read a member query (`member::find`). */
export type MemberQueryKind = 'phone' | 'last4' | 'card' | 'initials' | 'name' | 'invalid';

/** Classifies a member query the way the core does; null when nothing was typed. */
export function classifyMemberQuery(text: string): MemberQueryKind | null {
  const code = compact(text);
  if (!code) return null;
  const digits = code.replace(/^\+/, '');
  if (/^\d+$/.test(digits)) {
    if (digits.length === 4) return 'last4';
    if (digits.length === 13 && digits.startsWith('29')) return 'card';
    if (digits.length >= 10 && digits.length <= 15) return parseMobile(code) ? 'phone' : 'invalid';
    return 'invalid';
  }
  if (/\d/.test(code)) return 'invalid';
  if (/^[A-Za-z]+$/.test(code)) return 'initials';
  return 'name';
}

/** What the registration form starts with after a search found nobody. */
export function registrationPrefill(query: string): { phone: string; name: string } {
  const kind = classifyMemberQuery(query);
  return {
    phone: kind === 'phone' ? (parseMobile(query) ?? '') : '',
    name: kind === 'name' ? query.trim() : '',
  };
}

// ------------------------------------------------------------------ form checks

/** A problem with one field: the message key (and its parameters) and the field to focus. */
export type Problem<F extends string> = { field: F; key: MessageKey; params?: MessageParams };

/** A name as the core will store it: trimmed, inner runs of spaces collapsed. */
export function cleanName(text: string): string {
  return text.trim().split(/\s+/).filter(Boolean).join(' ');
}

export function nameProblem(text: string): MessageKey | null {
  const name = cleanName(text);
  if (!name) return 'member.v.nameRequired';
  if ([...name].length > MAX_NAME_CHARS) return 'member.v.nameTooLong';
  return null;
}

export function phoneProblem(text: string): MessageKey | null {
  if (!text.trim()) return 'member.v.phoneRequired';
  return parseMobile(text) ? null : 'member.v.phoneFormat';
}

export type BirthdayCheck = { ok: true; date: string | null } | { ok: false; key: MessageKey };

/**
 * An optional birthday: empty is fine; otherwise YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD,
 * YYYYMMDD, 1980年5月17日, full-width digits), a real date, not after `today`, not before 1900.
 * Returns the date as YYYY-MM-DD.
 */
export function checkBirthday(text: string, today: string): BirthdayCheck {
  const t = halfWidth(text.trim())
    .replace(/[/.年月]/g, '-')
    .replace(/日/g, '')
    .trim();
  if (!t) return { ok: true, date: null };
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(t) ?? /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (!match) return { ok: false, key: 'member.v.birthdayFormat' };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return { ok: false, key: 'member.v.birthdayFormat' };
  }
  const date = `${match[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (today && date > today) return { ok: false, key: 'member.v.birthdayFuture' };
  if (year < 1900) return { ok: false, key: 'member.v.birthdayTooEarly' };
  return { ok: true, date };
}

export type RegistrationForm = {
  phone: string;
  name: string;
  gender: Gender;
  birthday: string;
  basicConsent: boolean;
  healthConsent: boolean;
  /** 关怀联系授权: care calls, messages and offers (optional, separate). */
  contactConsent: boolean;
};

export type RegistrationField = 'phone' | 'name' | 'birthday' | 'basicConsent';

/** Every problem of the registration form, in the order of the fields on screen. */
export function registrationProblems(form: RegistrationForm, today: string): Problem<RegistrationField>[] {
  const problems: Problem<RegistrationField>[] = [];
  const phone = phoneProblem(form.phone);
  if (phone) problems.push({ field: 'phone', key: phone });
  const name = nameProblem(form.name);
  if (name) problems.push({ field: 'name', key: name, params: { max: MAX_NAME_CHARS } });
  const birthday = checkBirthday(form.birthday, today);
  if (!birthday.ok) problems.push({ field: 'birthday', key: birthday.key });
  if (!form.basicConsent) problems.push({ field: 'basicConsent', key: 'member.v.consentRequired' });
  return problems;
}

/** Where Enter in a registration field goes: the next field to fill, or submit. */
export function registrationEnter(
  form: RegistrationForm,
  from: RegistrationField | 'gender' | 'healthConsent' | 'contactConsent',
  today: string,
): { next: RegistrationField } | { problem: Problem<RegistrationField> } | { submit: true } {
  const problems = registrationProblems(form, today);
  const own = problems.find((p) => p.field === from);
  if (own) return { problem: own };
  // From the phone, Enter moves on to the name while the name is still empty.
  if (from === 'phone' && !cleanName(form.name)) return { next: 'name' };
  const first = problems[0];
  return first ? { problem: first } : { submit: true };
}

/** Tags typed as one line: split on commas (also Chinese ，、；) and spaces, duplicates dropped. */
export function tagsFromText(text: string): string[] {
  const tags = text.split(/[,，、;；\s]+/).map((tag) => tag.trim()).filter(Boolean);
  return [...new Set(tags)];
}

export type ProfileForm = {
  /** Empty leaves the phone alone (a cashier does not see the whole number to edit it). */
  phone: string;
  name: string;
  gender: Gender;
  birthday: string;
  address: string;
  occupation: string;
  tags: string;
};

export function profileForm(profile: MemberProfile): ProfileForm {
  return {
    phone: profile.phone ?? '',
    name: profile.summary.name,
    gender: profile.summary.gender,
    birthday: profile.birthday ?? '',
    address: profile.address,
    occupation: profile.occupation,
    tags: profile.tags.join('，'),
  };
}

export type ProfileField = 'phone' | 'name' | 'birthday';

export function profileProblems(form: ProfileForm, today: string): Problem<ProfileField>[] {
  const problems: Problem<ProfileField>[] = [];
  if (form.phone.trim() && !parseMobile(form.phone)) problems.push({ field: 'phone', key: 'member.v.phoneFormat' });
  const name = nameProblem(form.name);
  if (name) problems.push({ field: 'name', key: name, params: { max: MAX_NAME_CHARS } });
  const birthday = checkBirthday(form.birthday, today);
  if (!birthday.ok) problems.push({ field: 'birthday', key: birthday.key });
  return problems;
}

/** Only the fields that changed, for `member_update`; an emptied birthday clears it. */
export function memberChanges(profile: MemberProfile, form: ProfileForm, today: string): MemberChanges {
  const changes: MemberChanges = {};
  const phone = form.phone.trim() ? parseMobile(form.phone) : null;
  if (phone && phone !== profile.phone) changes.phone = phone;
  const name = cleanName(form.name);
  if (name !== profile.summary.name) changes.name = name;
  if (form.gender !== profile.summary.gender) changes.gender = form.gender;
  const birthday = checkBirthday(form.birthday, today);
  const newBirthday = birthday.ok ? birthday.date : form.birthday.trim();
  if ((newBirthday ?? '') !== (profile.birthday ?? '')) changes.birthday = newBirthday ?? '';
  if (form.address.trim() !== profile.address) changes.address = form.address.trim();
  if (form.occupation.trim() !== profile.occupation) changes.occupation = form.occupation.trim();
  const tags = tagsFromText(form.tags);
  if (tags.join('|') !== profile.tags.join('|')) changes.tags = tags;
  return changes;
}

export function reasonProblem(text: string): MessageKey | null {
  const reason = text.trim();
  if (!reason) return 'member.v.reasonRequired';
  if ([...reason].length > MAX_REASON_CHARS) return 'member.v.reasonTooLong';
  return null;
}

export type PointsAdjustField = 'points' | 'reason';

/** A manager's points adjustment: a whole non-zero number (negative takes away) and a reason. */
export function checkPointsAdjust(
  pointsText: string,
  reason: string,
): { ok: true; points: number; reason: string } | { ok: false; problem: Problem<PointsAdjustField> } {
  const text = halfWidth(pointsText.trim()).replace(/^＋/, '+').replace(/^－/, '-');
  if (!/^[+-]?\d{1,7}$/.test(text) || Number(text) === 0) {
    return { ok: false, problem: { field: 'points', key: 'member.v.pointsFormat' } };
  }
  const bad = reasonProblem(reason);
  if (bad) return { ok: false, problem: { field: 'reason', key: bad, params: { max: MAX_REASON_CHARS } } };
  return { ok: true, points: Number(text), reason: reason.trim() };
}

/** A yuan amount typed by staff ("3", "3.5", "¥3.50") as the core's 2-decimal string, or null. */
export function toMoney(text: string): Money | null {
  const t = halfWidth(text.trim()).replace(/^[¥￥]/, '');
  const match = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(t);
  if (!match) return null;
  const whole = String(Number(match[1]));
  return `${whole}.${(match[2] ?? '').padEnd(2, '0')}`;
}

export type CouponField = 'face' | 'minSpend' | 'validDays' | 'reason' | 'percent' | 'cap' | 'categories' | 'products';

/** What a coupon is worth, for a list: a fixed coupon by its face (¥5.00), a percent coupon by its
 *  description (9 折券（最多减 20）): its `face` is only its ceiling. */
export function couponValue(coupon: Pick<Coupon, 'face' | 'percent' | 'description'>): string {
  return coupon.percent != null ? coupon.description : yuan(coupon.face);
}

/** "感冒用药、解热镇痛, 维生素" → the category names, each once, blanks dropped. */
export function parseCategories(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,，、;；\n]+/)) {
    const name = part.trim();
    if (name !== '' && !out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * A manager's manual coupon: a fixed face > 0, or (with a percent 1–99, e.g. 10 = 9 折) a percent
 * off with an optional cap > 0; minimum spend ≥ 0; optionally limited to categories; 1–366 days;
 * a reason.
 */
export function checkCouponIssue(form: {
  face: string;
  minSpend: string;
  validDays: string;
  reason: string;
  percent?: string;
  cap?: string;
  categories?: string;
  /** Barcodes of the products the coupon is limited to (resolved to products by the screen). */
  products?: string;
}):
  | {
      ok: true;
      face: Money;
      min_spend: Money;
      valid_days: number;
      reason: string;
      percent?: number;
      cap?: Money;
      categories?: string[];
      barcodes?: string[];
    }
  | { ok: false; problem: Problem<CouponField> } {
  const percentText = halfWidth((form.percent ?? '').trim());
  let percent: number | undefined;
  let cap: Money | undefined;
  let face: Money | null;
  if (percentText !== '') {
    if (!/^\d{1,2}$/.test(percentText) || Number(percentText) < 1) return { ok: false, problem: { field: 'percent', key: 'member.v.percent' } };
    percent = Number(percentText);
    face = '0.00';
    const capText = (form.cap ?? '').trim();
    if (capText !== '') {
      const c = toMoney(capText);
      if (!c || c === '0.00') return { ok: false, problem: { field: 'cap', key: 'member.v.cap' } };
      cap = c;
    }
  } else {
    face = toMoney(form.face);
    if (!face || face === '0.00') return { ok: false, problem: { field: 'face', key: 'member.v.faceFormat' } };
  }
  const minSpend = form.minSpend.trim() === '' ? '0.00' : toMoney(form.minSpend);
  if (!minSpend) return { ok: false, problem: { field: 'minSpend', key: 'member.v.minSpendFormat' } };
  const days = halfWidth(form.validDays.trim());
  if (!/^\d{1,3}$/.test(days) || Number(days) < 1 || Number(days) > 366) {
    return { ok: false, problem: { field: 'validDays', key: 'member.v.validDays' } };
  }
  const categories = parseCategories(form.categories ?? '');
  if (categories.length > 20 || categories.some((c) => c.length > 30)) return { ok: false, problem: { field: 'categories', key: 'member.v.categories' } };
  const barcodes = [...new Set(halfWidth(form.products ?? '').split(/[\s,，、;；]+/).filter((b) => b !== ''))];
  if (barcodes.length > 20 || barcodes.some((b) => !/^\d{8,14}$/.test(b))) return { ok: false, problem: { field: 'products', key: 'member.v.products' } };
  const bad = reasonProblem(form.reason);
  if (bad) return { ok: false, problem: { field: 'reason', key: bad, params: { max: MAX_REASON_CHARS } } };
  return {
    ok: true,
    face,
    min_spend: minSpend,
    valid_days: Number(days),
    reason: form.reason.trim(),
    ...(percent !== undefined ? { percent } : {}),
    ...(cap !== undefined ? { cap } : {}),
    ...(categories.length > 0 ? { categories } : {}),
    ...(barcodes.length > 0 ? { barcodes } : {}),
  };
}

/** The code for a health item described only by its note. */
export const OTHER_HEALTH_CODE = 'other';

/** Ways a member was contacted, in the order the contact form offers them. */
export const CONTACT_CHANNELS: readonly ContactChannel[] = ['phone', 'sms', 'wechat', 'visit'];
/** What a contact was about. */
export const CONTACT_TOPICS: readonly ContactTopic[] = ['birthday', 'points_expiring', 'dormant', 'thanks', 'top_class', 'other'];
/** How a contact ended. */
export const CONTACT_ANSWERS: readonly ContactAnswer[] = ['reached', 'no_answer', 'declined', 'wrong_number', 'sent'];
/** The core's limit on a contact note (care.rs MAX_NOTE_CHARS). */
export const CONTACT_NOTE_MAX = 200;

/** The topic a call starts on for a member on a care list (the first list decides). */
export function contactTopicFor(reasons: readonly CareList[]): ContactTopic {
  switch (reasons[0]) {
    case 'birthdays_tomorrow':
      return 'birthday';
    case 'points_expiring30':
    case 'points_expiring7':
    case 'points_expiring1':
      return 'points_expiring';
    case 'dormant':
      return 'dormant';
    case 'top_classes':
      return 'top_class';
    case 'new_to_thank':
      return 'thanks';
    default:
      return 'other';
  }
}

/** The health kinds in the order the profile shows them. */
export const HEALTH_KINDS: readonly HealthKind[] = ['allergy', 'condition', 'medicine', 'group', 'reaction'];

/** Kinds recorded as free text only (no controlled list). */
export function noteOnlyKind(kind: HealthKind): boolean {
  return kind === 'medicine' || kind === 'reaction';
}

/** A health item to add: a class from the list, or "other" with a note (medicines are notes only). */
export function checkHealthItem(
  kind: HealthKind,
  code: string,
  note: string,
): { ok: true; code: string; note: string } | { ok: false; problem: Problem<'code' | 'note'> } {
  const c = noteOnlyKind(kind) || !code.trim() ? OTHER_HEALTH_CODE : code.trim();
  const n = note.trim();
  if (c === OTHER_HEALTH_CODE && !n) return { ok: false, problem: { field: 'note', key: 'member.v.noteRequired' } };
  if ([...n].length > MAX_NOTE_CHARS) {
    return { ok: false, problem: { field: 'note', key: 'member.v.noteTooLong', params: { max: MAX_NOTE_CHARS } } };
  }
  return { ok: true, code: c, note: n };
}

/** Health items grouped by kind, every kind present (possibly empty), in `HEALTH_KINDS` order. */
export function groupHealthItems(items: readonly HealthItem[]): { kind: HealthKind; items: HealthItem[] }[] {
  return HEALTH_KINDS.map((kind) => ({ kind, items: items.filter((item) => item.kind === kind) }));
}

/** A core timestamp (RFC 3339, UTC) as China time, "2026-11-23 16:05"; unparsable text as it is. */
export function chinaTime(stamp: string): string {
  const ms = Date.parse(stamp);
  if (Number.isNaN(ms)) return stamp;
  const d = new Date(ms + 8 * 3600 * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Signed points for a ledger line: +120, −300. */
export function signedPoints(points: number): string {
  return points > 0 ? `+${points}` : points < 0 ? `−${-points}` : '0';
}
