// Generated from the Rust API by `cargo run -p pos-cli -- bindings`. Do not edit.

export type AccessLogLine = { at: string, staff_id: StaffId, staff_name: string | null, action: string, item_id: HealthItemId | null, };

export type BusinessRules = { 
/**
 * Rule 1: the four tiers, lowest first.
 */
tiers: Array<TierRule>, 
/**
 * Rule 2: days of the month that are member days.
 */
member_days: Array<number>, member_day_rate: string, 
/**
 * Rule 4: coupons.
 */
new_member_coupon: CouponRule, birthday_coupon: CouponRule, top_spender_coupon: CouponRule, 
/**
 * Rule 5: points that make 1.00 yuan when redeemed.
 */
points_per_yuan: number, 
/**
 * Rule 5: at most this percent of the amount after the coupon may be paid with points.
 */
points_cap_percent: number, 
/**
 * Rule 6: 抹零 (round the amount due down to 0.10).
 */
drop_small_change: boolean, 
/**
 * Rule 9: points earned per yuan of eligible net, before the tier multiplier.
 */
points_earned_per_yuan: number, 
/**
 * Rule 12: follow-up days after the sale.
 */
follow_up_days: Array<number>, 
/**
 * The cashier confirms the phone when the profile was last confirmed this many days ago.
 */
confirm_profile_after_days: number, 
/**
 * SYNC-DESIGN: offline redemption is capped per member per day (points).
 */
daily_redeem_cap_points: number, };

export type Cart = { id: SaleId, opened_at: string, lines: Array<CartLine>, 
/**
 * Σ quantities
 */
item_count: number, 
/**
 * Σ line amounts
 */
total: Money, 
/**
 * The member the sale is for, attached at any time before payment.
 */
member: MemberSummary | null, };

export type CartAddProduct = { cart_id: SaleId, product_id: ProductId, quantity: number | null, };

export type CartGet = { cart_id: SaleId, };

export type CartLine = { id: LineId, product_id: ProductId, barcode: string, name: string, spec: string, unit: string, unit_price: Money, quantity: number, 
/**
 * unit price × quantity, before any member pricing
 */
amount: Money, rx: boolean, ephedrine: boolean, };

export type CartOpen = Record<string, never>;

export type CartRemoveLine = { cart_id: SaleId, line_id: LineId, };

export type CartScan = { cart_id: SaleId, barcode: string, quantity: number | null, };

export type CartSetMember = { cart_id: SaleId, member_id: MemberId | null, };

export type CartSetQuantity = { cart_id: SaleId, line_id: LineId, quantity: number, };

export type CatalogImport = { source: ImportSource, only_good_rows: boolean, };

export type CatalogImportCheck = { source: ImportSource, };

export type ChangePin = { old_pin: string, new_pin: string, };

export type ConsentScope = "basic" | "health";

export type Coupon = { id: CouponId, member_id: MemberId, kind: CouponKind, face: Money, min_spend: Money, valid_from: string, valid_until: string, reason: string, issued_at: string, status: CouponStatus, used_in_sale: SaleId | null, };

export type CouponId = string;

export type CouponIssue = { member_id: MemberId, face: Money, min_spend: Money, valid_days: number, reason: string, };

export type CouponKind = "new_member" | "birthday" | "top_spender" | "manual";

export type CouponRule = { face: Money, min_spend: Money, 
/**
 * Days valid from issue (the birthday coupon ignores this: it is valid in the birthday month).
 */
valid_days: number, };

export type CouponStatus = "available" | "not_yet_valid" | "used" | "expired";

export type CouponsIssueTopSpenders = Record<string, never>;

export type CreateFirstManager = { staff_no: string, name: string, pin: string, };

export type CurrentSession = Record<string, never>;

export type ErrorCode = "BAD_REQUEST" | "UNKNOWN_COMMAND" | "NOT_LOGGED_IN" | "FORBIDDEN" | "WRONG_PIN" | "ACCOUNT_LOCKED" | "ACCOUNT_INACTIVE" | "INVALID_PIN" | "INVALID_STAFF_NO" | "DUPLICATE_STAFF_NO" | "SETUP_ALREADY_DONE" | "INVALID_FIELD" | "INVALID_BARCODE" | "PRODUCT_NOT_FOUND" | "INVALID_QUANTITY" | "INVALID_AMOUNT" | "CART_NOT_FOUND" | "CART_LINE_NOT_FOUND" | "IMPORT_UNREADABLE" | "IMPORT_HAS_ERRORS" | "IMPORT_ROW" | "STORAGE" | "INVALID_PHONE" | "INVALID_RULES" | "MEMBER_NOT_FOUND" | "DUPLICATE_PHONE" | "INVALID_MEMBER_NAME" | "INVALID_BIRTHDAY" | "INVALID_CARD_NO" | "INVALID_MEMBER_QUERY" | "CONSENT_REQUIRED" | "HEALTH_CONSENT_REQUIRED" | "MEMBER_ANONYMIZED" | "COUPON_NOT_AVAILABLE" | "INSUFFICIENT_POINTS" | "INVALID_POINTS" | "REASON_REQUIRED" | "HEALTH_ITEM_NOT_FOUND" | "INVALID_HEALTH_ITEM" | "DOCUMENT_UNAVAILABLE";

export type ExportFormat = "json" | "pdf";

export type ExportedFile = { path: string, bytes: number, };

export type FieldEdit = { field: string, old_value: string | null, new_value: string | null, at: string, by_staff: StaffId, by_name: string | null, };

export type Gender = "unknown" | "female" | "male";

export type HealthChoices = { allergen_classes: Array<string>, conditions: Array<string>, groups: Array<string>, };

export type HealthChoicesGet = Record<string, never>;

export type HealthItem = { id: HealthItemId, kind: HealthKind, 
/**
 * A class from the controlled list, or `other`.
 */
code: string, note: string, added_at: string, added_by: StaffId, };

export type HealthItemId = string;

export type HealthKind = "allergy" | "condition" | "medicine" | "group";

export type HealthRecord = { member_id: MemberId, 
/**
 * The member's separate consent to keep health data is in force.
 */
consent: boolean, 
/**
 * Empty (hidden) without consent.
 */
items: Array<HealthItem>, };

export type HousekeepingReport = { business_date: string, points_expired: number, members_with_expired_points: number, tier_changes: number, birthday_coupons: number, };

export type HousekeepingRun = Record<string, never>;

export type ImportProgress = { done: number, total: number, };

export type ImportReport = { 
/**
 * `utf-8`, `utf-8-bom` or `gbk`
 */
encoding: string, total_rows: number, good_rows: number, errors: Array<ImportRowError>, 
/**
 * Whether anything was written.
 */
imported: boolean, created: number, updated: number, unchanged: number, price_changes: number, };

export type ImportRowError = { 
/**
 * Line in the file, counting the header as line 1.
 */
line: number, barcode: string | null, code: ErrorCode, message: string, };

export type ImportSource = { path: string | null, content_base64: string | null, };

export type LineId = string;

export type Login = { staff_no: string, pin: string, };

export type Logout = Record<string, never>;

export type MemberAnonymize = { member_id: MemberId, reason: string, };

export type MemberChanges = { phone?: string, name?: string, gender?: Gender, birthday?: string, address?: string, occupation?: string, tags?: Array<string>, };

export type MemberConfirm = { member_id: MemberId, };

export type MemberConsent = { member_id: MemberId, scope: ConsentScope, grant: boolean, notice_version?: string, };

export type MemberCoupons = { member_id: MemberId, };

export type MemberEdits = { member_id: MemberId, };

export type MemberExportFile = { member_id: MemberId, format: ExportFormat, };

export type MemberFind = { query: string, };

export type MemberGet = { member_id: MemberId, };

export type MemberHealthAdd = { member_id: MemberId, kind: HealthKind, 
/**
 * A class from `health_choices`, or `other` with a note.
 */
code: string, note: string, };

export type MemberHealthGet = { member_id: MemberId, };

export type MemberHealthLog = { member_id: MemberId, };

export type MemberHealthRemove = { member_id: MemberId, item_id: HealthItemId, };

export type MemberId = string;

export type MemberPoints = { member_id: MemberId, limit?: number, };

export type MemberProfile = { summary: MemberSummary, 
/**
 * The whole number, only for pharmacists and managers; cashiers get `None`.
 */
phone: string | null, birthday: string | null, address: string, occupation: string, tags: Array<string>, store_id: string, registered_by: StaffId, registered_by_name: string | null, owner_staff_id: StaffId, owner_name: string | null, created_at: string, confirmed_at: string, basic_consent: boolean, health_consent: boolean, 
/**
 * Trailing-365-day net spend that decides the tier.
 */
spend_365: Money, tier_history: Array<TierChange>, };

export type MemberPurchases = { member_id: MemberId, limit?: number, };

export type MemberSummary = { id: MemberId, card_no: string, name: string, 
/**
 * 138****5678: cashier screens never show the whole number (PIPL).
 */
phone_masked: string, gender: Gender, tier: Tier, points_balance: number, 
/**
 * Points that expire at the end of this year unless used.
 */
points_expiring_this_year: number, 
/**
 * Coupons usable today.
 */
coupons: Array<Coupon>, birthday_this_month: boolean, 
/**
 * 有过敏史: an allergy is recorded (the details are for pharmacists).
 */
allergy_badge: boolean, 
/**
 * The phone was last confirmed more than the rule's days ago: ask the member at checkout.
 */
needs_confirm: boolean, anonymized: boolean, };

export type MemberTransferOwner = { from_staff_id: StaffId, to_staff_id: StaffId, };

export type MemberUpdate = { member_id: MemberId, changes: MemberChanges, };

export type Money = string;

export type NewMember = { phone: string, name: string, gender?: Gender, 
/**
 * YYYY-MM-DD
 */
birthday?: string, address?: string, occupation?: string, tags?: Array<string>, 
/**
 * The member agreed to the privacy notice (required).
 */
basic_consent: boolean, 
/**
 * The member separately agreed to keep health data (optional).
 */
health_consent: boolean, 
/**
 * The notice version shown; the current one when omitted.
 */
notice_version?: string, };

export type PharmacySettings = { 
/**
 * 药店名称
 */
name: string, 
/**
 * 地址
 */
address: string, 
/**
 * 电话
 */
phone: string, 
/**
 * 药品经营许可证号
 */
licence_no: string, 
/**
 * 门店编码
 */
store_code: string, };

export type PointsAdjust = { member_id: MemberId, 
/**
 * Positive adds, negative takes away.
 */
points: number, reason: string, };

export type PointsEntry = { id: PointsEntryId, member_id: MemberId, kind: PointsKind, points: number, 
/**
 * Lots only: the last day the points can be used.
 */
expires_on: string | null, sale_id: SaleId | null, reverses: PointsEntryId | null, reason: string, by_staff: StaffId | null, at: string, business_date: string, 
/**
 * The balance after this entry.
 */
balance_after: number, };

export type PointsEntryId = string;

export type PointsKind = "earn" | "redeem" | "expire" | "adjust" | "reverse";

export type PosError = { code: ErrorCode, message: string, details?: unknown, };

export type Product = { id: ProductId, barcode: string, 
/**
 * 商品名称, as printed on the box
 */
name: string, 
/**
 * 通用名
 */
generic_name: string, 
/**
 * 规格, e.g. 0.25g*24粒
 */
spec: string, 
/**
 * 剂型
 */
dosage_form: string, 
/**
 * 生产厂家
 */
manufacturer: string, 
/**
 * 单位, e.g. 盒
 */
unit: string, price: Money, category: string, 
/**
 * 处方药
 */
rx: boolean, 
/**
 * 含麻黄碱类复方制剂
 */
ephedrine: boolean, 
/**
 * 医保目录内
 */
insurance: boolean, 
/**
 * gets member pricing (off for special-price items)
 */
member_discount: boolean, 
/**
 * earns points
 */
points: boolean, 
/**
 * creates follow-up tasks (chronic, insulin, inhalers)
 */
follow_up: boolean, 
/**
 * 过敏原类别, e.g. 青霉素类
 */
allergen_classes: Array<string>, 
/**
 * days one package lasts at the usual dose
 */
days_of_supply: number | null, 
/**
 * default 用药指导
 */
guidance: string, };

export type ProductByBarcode = { barcode: string, };

export type ProductId = string;

export type ProductSearch = { query: string, limit?: number, };

export type Registration = { member: MemberSummary, 
/**
 * `false`: the phone was registered already and that member is returned instead.
 */
created: boolean, 
/**
 * The new-member coupon, when one was issued.
 */
coupon: Coupon | null, };

export type Role = "cashier" | "pharmacist" | "manager";

export type RulesGet = Record<string, never>;

export type RulesUpdate = { rules: BusinessRules, };

export type SaleId = string;

export type Session = { staff: StaffInfo, logged_in_at: string, };

export type SettingsGet = Record<string, never>;

export type SettingsUpdate = { name: string, address: string, phone: string, licence_no: string, store_code: string, };

export type SetupStatus = { 
/**
 * No staff yet: the UI asks for the first manager.
 */
needs_first_manager: boolean, 
/**
 * This is the demo database.
 */
demo: boolean, pharmacy: PharmacySettings, };

export type SetupStatusArgs = Record<string, never>;

export type SpendRecord = { id: string, store_id: string, business_date: string, net: Money, at: string, };

export type StaffCreate = { staff_no: string, name: string, roles: Array<Role>, pin: string, };

export type StaffId = string;

export type StaffInfo = { id: StaffId, staff_no: string, name: string, roles: Array<Role>, active: boolean, };

export type StaffList = Record<string, never>;

export type Tier = "normal" | "silver" | "gold" | "diamond";

export type TierChange = { from_tier: Tier, to_tier: Tier, spend: Money, at: string, reason: string, };

export type TierRule = { tier: Tier, threshold: Money, 
/**
 * e.g. "0.95": line net = round(price × quantity × rate)
 */
rate: string, 
/**
 * e.g. "1.5": points earned = floor(base × multiplier)
 */
multiplier: string, };

export type TopSpenderIssue = { 
/**
 * Members in class A (top 5 % by 12-month spend) and B (the next 15 %).
 */
class_a: number, class_b: number, 
/**
 * Coupons issued now (members who had this month's already are skipped).
 */
issued: number, };

/** What a call may reject with: a `PosError` from the core, or an error the UI makes itself
 * (its own codes, such as `NO_BACKEND`). */
export type ApiError = Omit<PosError, "code"> & { code: ErrorCode | (string & {}) };

export interface Commands {
  setup_status: { args: SetupStatusArgs, result: SetupStatus };
  create_first_manager: { args: CreateFirstManager, result: StaffInfo };
  login: { args: Login, result: Session };
  logout: { args: Logout, result: null };
  current_session: { args: CurrentSession, result: Session | null };
  change_pin: { args: ChangePin, result: null };
  settings_get: { args: SettingsGet, result: PharmacySettings };
  settings_update: { args: SettingsUpdate, result: PharmacySettings };
  staff_list: { args: StaffList, result: Array<StaffInfo> };
  staff_create: { args: StaffCreate, result: StaffInfo };
  product_by_barcode: { args: ProductByBarcode, result: Product };
  product_search: { args: ProductSearch, result: Array<Product> };
  catalog_import_check: { args: CatalogImportCheck, result: ImportReport };
  catalog_import: { args: CatalogImport, result: ImportReport };
  cart_open: { args: CartOpen, result: Cart };
  cart_get: { args: CartGet, result: Cart };
  cart_scan: { args: CartScan, result: Cart };
  cart_add_product: { args: CartAddProduct, result: Cart };
  cart_set_quantity: { args: CartSetQuantity, result: Cart };
  cart_remove_line: { args: CartRemoveLine, result: Cart };
  cart_set_member: { args: CartSetMember, result: Cart };
  member_find: { args: MemberFind, result: Array<MemberSummary> };
  member_register: { args: NewMember, result: Registration };
  member_get: { args: MemberGet, result: MemberProfile };
  member_update: { args: MemberUpdate, result: MemberProfile };
  member_confirm: { args: MemberConfirm, result: MemberSummary };
  member_edits: { args: MemberEdits, result: Array<FieldEdit> };
  member_points: { args: MemberPoints, result: Array<PointsEntry> };
  member_coupons: { args: MemberCoupons, result: Array<Coupon> };
  member_purchases: { args: MemberPurchases, result: Array<SpendRecord> };
  member_health_get: { args: MemberHealthGet, result: HealthRecord };
  member_health_add: { args: MemberHealthAdd, result: HealthRecord };
  member_health_remove: { args: MemberHealthRemove, result: HealthRecord };
  member_health_log: { args: MemberHealthLog, result: Array<AccessLogLine> };
  health_choices: { args: HealthChoicesGet, result: HealthChoices };
  member_consent: { args: MemberConsent, result: MemberProfile };
  member_export: { args: MemberExportFile, result: ExportedFile };
  member_anonymize: { args: MemberAnonymize, result: MemberSummary };
  member_transfer_owner: { args: MemberTransferOwner, result: number };
  points_adjust: { args: PointsAdjust, result: MemberSummary };
  coupon_issue: { args: CouponIssue, result: Coupon };
  coupons_issue_top_spenders: { args: CouponsIssueTopSpenders, result: TopSpenderIssue };
  rules_get: { args: RulesGet, result: BusinessRules };
  rules_update: { args: RulesUpdate, result: BusinessRules };
  housekeeping_run: { args: HousekeepingRun, result: HousekeepingReport };
}
