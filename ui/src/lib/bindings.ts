// Generated from the Rust API by `cargo run -p pos-cli -- bindings`. Do not edit.

export type AccessLogLine = { at: string, staff_id: StaffId, staff_name: string | null, action: string, item_id: HealthItemId | null, };

export type AgeBand = "under12" | "teen" | "young" | "middle" | "senior" | "elderly" | "unknown";

export type AgeCount = { band: AgeBand, members: number, };

export type Approver = { staff_no: string, pin: string, };

export type AuditEntry = { seq: number, at: string, staff_id: StaffId | null, 
/**
 * The staff member's name, when the entry names one.
 */
staff_name: string | null, action: string, subject: string, detail: string, };

export type AuditFilter = { 
/**
 * From this moment (RFC 3339), inclusive.
 */
from: string | null, 
/**
 * Up to this moment (RFC 3339), exclusive.
 */
to: string | null, action: string | null, staff_id: StaffId | null, 
/**
 * At most this many, newest first (default 200, at most 1 000).
 */
limit: number | null, };

export type AuditList = { filter: AuditFilter, };

export type AuditVerification = { 
/**
 * Entries read.
 */
entries: number, 
/**
 * The first entry that does not fit the chain, if any.
 */
first_bad: BadEntry | null, 
/**
 * Day closes whose sealed hash is not in the chain any more (the end was cut off or
 * rewritten after the close).
 */
broken_seals: Array<string>, };

export type AuditVerify = Record<string, never>;

export type BackupFile = { path: string, bytes: number, 
/**
 * When it was taken (from its name, local time `YYYY-MM-DD HH:MM:SS`).
 */
taken_at: string, };

export type BackupNow = Record<string, never>;

export type BackupReport = { file: BackupFile, 
/**
 * Milliseconds the copy and its check took.
 */
took_ms: number, 
/**
 * Older backups removed to keep the configured number.
 */
removed: Array<string>, };

export type BackupRestore = { path: string, confirmed: boolean, };

export type BackupRestored = { 
/**
 * Where the file that was replaced was kept.
 */
previous_kept_at: string, restored_from: string, };

export type BackupSettings = { 
/**
 * The folder; empty = `backups` beside the store file. A USB disk or a network share is
 * better: a backup on the same disk does not survive the disk.
 */
folder: string, 
/**
 * How many backups to keep (1–365).
 */
keep: number, 
/**
 * Local time of the automatic daily backup, `HH:MM`.
 */
daily_at: string, };

export type BackupSettingsUpdate = { settings: BackupSettings, };

export type BackupStatus = { settings: BackupSettings, 
/**
 * The folder backups go to (the setting resolved).
 */
folder: string, last_backup_at: string | null, last_backup: string | null, last_error: string | null, 
/**
 * The backups in the folder, newest first.
 */
backups: Array<BackupFile>, 
/**
 * Set when the store file failed its integrity check (selling is stopped).
 */
damaged: string | null, };

export type BackupStatusGet = Record<string, never>;

export type BadEntry = { 
/**
 * The entry's number (for a missing entry: the number that was expected there).
 */
seq: number, 
/**
 * What is wrong, in Chinese.
 */
problem: string, };

export type BonusPointsProduct = { barcode: string, 
/**
 * e.g. "3": the line earns 3 × the points (1–10).
 */
multiplier: string, };

export type BusinessDate = Record<string, never>;

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
 * Rule 9: on a member day a member's points are multiplied by this (1–10; "1" = no bonus,
 * "2" = 会员日双倍积分).
 */
member_day_points_multiplier: string, 
/**
 * Rule 9: products whose lines earn more points (at most 200, one entry per barcode).
 */
bonus_points_products: Array<BonusPointsProduct>, 
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
 * Rule 12: follow-up days after the sale's business date (一期, 二期, …).
 */
follow_up_days: Array<number>, 
/**
 * Rule 12: a refill reminder is due this many days before the days of supply sold run out.
 */
refill_reminder_days_before: number, 
/**
 * The cashier confirms the phone when the profile was last confirmed this many days ago.
 */
confirm_profile_after_days: number, 
/**
 * SYNC-DESIGN: offline redemption is capped per member per day (points).
 */
daily_redeem_cap_points: number, 
/**
 * 药品追溯码: every pack of every line needs its code before payment. Off: only the 医保-
 * listed lines of a sale that 医保 pays (required by 医保 since 2025-07-01). A chain setting,
 * published by headquarters with the rest of the rules.
 */
trace_codes_all_lines: boolean, 
/**
 * Member programme: a member whose last purchase was this many days ago or more is dormant
 * (沉睡, class D).
 */
dormant_days: number, 
/**
 * Member programme: a member is slipping when the spend of this many days ending today is
 * at least `slipping_drop_percent` below the spend of the same number of days before.
 */
slipping_period_days: number, slipping_drop_percent: number, };

export type CampaignKind = "birthday" | "top_spender";

export type CampaignRun = { id: EditId, kind: CampaignKind, 
/**
 * The month the run is for, `YYYY-MM`.
 */
period: string, 
/**
 * Members the campaign is for.
 */
eligible: number, 
/**
 * Coupons this run issued (0 when the period's coupons were all issued before).
 */
issued: number, 
/**
 * Members who already had this period's coupon.
 */
already: number, at: string, };

export type CampaignRunCmd = { kind: CampaignKind, };

export type CareExportKind = "call_list" | "message_list";

export type CareList = "birthdays_tomorrow" | "points_expiring30" | "points_expiring7" | "points_expiring1" | "dormant" | "top_classes" | "new_to_thank";

export type CareListExport = { list: CareList, kind: CareExportKind, format: ReportExportFormat, };

export type CareListGet = { list: CareList, };

export type CareListView = { list: CareList, title: string, rows: Array<ListedMember>, 
/**
 * Members on the list who did not consent to contact (left out).
 */
without_consent: number, };

export type Cart = { id: SaleId, status: CartStatus, opened_at: string, held_at: string | null, lines: Array<CartLine>, 
/**
 * Σ quantities
 */
item_count: number, 
/**
 * Σ line amounts at catalog price
 */
total: Money, 
/**
 * The member the sale is for, attached at any time before payment.
 */
member: MemberSummary | null, coupon_id: CouponId | null, points_asked: number, 
/**
 * What payment would charge now, line by line, with the rule behind each price.
 */
pricing: Pricing, gates: Gates, };

export type CartAckAllergy = { cart_id: SaleId, line_id: LineId, pharmacist: Approver, };

export type CartAddProduct = { cart_id: SaleId, product_id: ProductId, quantity: number | null, };

export type CartApproveRx = { cart_id: SaleId, pharmacist: Approver, };

export type CartAttachRxImage = { cart_id: SaleId, 
/**
 * The image on this machine.
 */
source_path: string, };

export type CartCancel = { cart_id: SaleId, reason: string, };

export type CartGet = { cart_id: SaleId, };

export type CartHeldList = Record<string, never>;

export type CartHold = { cart_id: SaleId, };

export type CartLine = { id: LineId, product_id: ProductId, barcode: string, name: string, spec: string, unit: string, 
/**
 * The catalog price when the line was added.
 */
unit_price: Money, quantity: number, 
/**
 * unit price × quantity, before any member pricing
 */
amount: Money, rx: boolean, ephedrine: boolean, insurance: boolean, member_discount: boolean, points: boolean, allergen_classes: Array<string>, 
/**
 * 批号 and its last day (FEFO: the batch that expires first among the unexpired).
 */
batch_no: string | null, batch_expires_on: string | null, 
/**
 * A manager's unit price, with who and why.
 */
override_price: Money | null, override_reason: string | null, 
/**
 * 用药指导 recorded by the pharmacist for this sale (printed on the receipt).
 */
guidance: string | null, 
/**
 * The product's default guidance from the catalog, for the pharmacist to start from.
 */
default_guidance: string, 
/**
 * Allergen classes of this product that match the member's recorded allergies.
 */
allergy_conflict: Array<string>, allergy_acknowledged: boolean, 
/**
 * 药品追溯码 scanned for this line, one per pack, in scan order.
 */
trace_codes: Array<string>, 
/**
 * Every pack of this line needs its code before payment: always when the chain collects
 * codes on all lines, and for a 医保-listed line when 医保 pays.
 */
trace_required: boolean, };

export type CartOpen = Record<string, never>;

export type CartOverridePrice = { cart_id: SaleId, line_id: LineId, 
/**
 * `null` restores the catalog price.
 */
unit_price: Money | null, reason: string, manager: Approver, };

export type CartRecall = { cart_id: SaleId, };

export type CartRemoveLine = { cart_id: SaleId, line_id: LineId, };

export type CartRemoveTraceCode = { cart_id: SaleId, code: string, };

export type CartRxReview = { cart_id: SaleId, };

export type CartScan = { cart_id: SaleId, barcode: string, quantity: number | null, };

export type CartSetCoupon = { cart_id: SaleId, coupon_id: CouponId | null, };

export type CartSetEphedrineBuyer = { cart_id: SaleId, buyer_name: string, id_number: string, };

export type CartSetGuidance = { cart_id: SaleId, line_id: LineId, guidance: string, };

export type CartSetMember = { cart_id: SaleId, member_id: MemberId | null, };

export type CartSetPoints = { cart_id: SaleId, points: number, };

export type CartSetPrescription = { cart_id: SaleId, prescription: PrescriptionInput, };

export type CartSetQuantity = { cart_id: SaleId, line_id: LineId, quantity: number, };

export type CartSetRxPatient = { cart_id: SaleId, patient: RxPatient, };

export type CartStatus = "open" | "held" | "paid" | "voided";

export type CashDirection = "in" | "out";

export type CatalogImport = { source: ImportSource, only_good_rows: boolean, };

export type CatalogImportCheck = { source: ImportSource, };

export type ChangePin = { old_pin: string, new_pin: string, };

export type ClassFigure = { class: MemberClass, members: number, 
/**
 * Their 12-month spend together.
 */
spend: Money, 
/**
 * Their share of all members' 12-month spend, percent with one decimal ("12.5").
 */
share_pct: string, };

export type ClosedDay = { business_date: string, number: number, closed_at: string, };

export type Compensation = { complaint: Complaint, coupon: Coupon, };

export type CompensationCoupon = { face: Money, min_spend: Money, valid_days: number, };

export type Complaint = { row: ComplaintRow, member_id: MemberId | null, sale_id: SaleId | null, product_id: ProductId | null, product_name: string | null, taken_by: StaffId, taken_by_name: string, callback_result: string | null, callback_at: string | null, callback_by_name: string | null, closed_at: string | null, notes: Array<ComplaintNote>, resolutions: Array<ComplaintResolution>, history: Array<ComplaintStatusChange>, 
/**
 * Returns of the complaint's sale not yet linked to any complaint (to link after the return
 * flow), as (return id, receipt number).
 */
unlinked_returns: Array<[SaleId, string]>, 
/**
 * The status changes allowed from here (what the page offers).
 */
next: Array<ComplaintStatus>, };

export type ComplaintCallback = { complaint_id: ComplaintId, on?: string, result?: string, };

export type ComplaintCategory = "quality" | "service" | "price" | "other";

export type ComplaintCategoryLine = { category: ComplaintCategory, total: number, verifying: number, handling: number, awaiting_callback: number, closed: number, };

export type ComplaintChannel = "counter" | "phone" | "wechat" | "other";

export type ComplaintCompensate = { complaint_id: ComplaintId, coupon: CompensationCoupon, };

export type ComplaintContact = { complaint_id: ComplaintId, name: string, phone: string, };

export type ComplaintContactGet = { complaint_id: ComplaintId, };

export type ComplaintGet = { complaint_id: ComplaintId, };

export type ComplaintId = string;

export type ComplaintLinkReturn = { complaint_id: ComplaintId, return_id: SaleId, };

export type ComplaintList = { status?: ComplaintStatus, limit?: number, };

export type ComplaintMonthlySummary = { 
/**
 * `YYYY-MM`.
 */
month: string, lines: Array<ComplaintCategoryLine>, total: ComplaintTotals, 
/**
 * Average days from intake to close of the month's closed complaints, to 0.1 day; None
 * when none is closed.
 */
average_days_to_close: number | null, 
/**
 * The month's complaints with a call-back date and no result yet.
 */
open_callbacks: number, 
/**
 * Of those, the ones whose call-back date has passed.
 */
overdue_callbacks: number, };

export type ComplaintMove = { complaint_id: ComplaintId, to: ComplaintStatus, };

export type ComplaintNote = { at: string, by: StaffId, by_name: string, text: string, };

export type ComplaintNoteAdd = { complaint_id: ComplaintId, text: string, };

export type ComplaintResolution = { kind: ResolutionKind, note: string, return_id: SaleId | null, 
/**
 * The return's receipt number.
 */
return_receipt_no: string | null, coupon_id: CouponId | null, coupon_face: Money | null, at: string, by: StaffId, by_name: string, };

export type ComplaintResolve = { complaint_id: ComplaintId, kind: ResolutionKind, note: string, };

export type ComplaintRow = { id: ComplaintId, complaint_no: string, taken_at: string, business_date: string, status: ComplaintStatus, category: ComplaintCategory, channel: ComplaintChannel, 
/**
 * 张* (a member's or a walk-in's name, masked).
 */
name_masked: string, 
/**
 * 138****5678.
 */
phone_masked: string, member_card_no: string | null, description: string, receipt_no: string | null, callback_on: string | null, };

export type ComplaintStatus = "verifying" | "handling" | "awaiting_callback" | "closed";

export type ComplaintStatusChange = { from: ComplaintStatus | null, to: ComplaintStatus, at: string, by: StaffId, by_name: string, };

export type ComplaintSummaryExport = { month: string, };

export type ComplaintSummaryFile = { summary: ComplaintMonthlySummary, 
/**
 * The CSV file written.
 */
path: string, };

export type ComplaintSummaryGet = { month: string, };

export type ComplaintTotals = { total: number, verifying: number, handling: number, awaiting_callback: number, closed: number, };

export type ConsentScope = "basic" | "health" | "contact";

export type ContactAnswer = "reached" | "no_answer" | "declined" | "wrong_number" | "sent";

export type ContactChannel = "phone" | "sms" | "wechat" | "visit";

export type ContactEntry = { id: EditId, member_id: MemberId, staff_id: StaffId, staff_name: string, at: string, channel: ContactChannel, topic: ContactTopic, answer: ContactAnswer, note: string, };

export type ContactInput = { member_id: MemberId, channel: ContactChannel, topic: ContactTopic, answer: ContactAnswer, note: string, };

export type ContactTopic = "birthday" | "points_expiring" | "dormant" | "thanks" | "top_class" | "other";

export type CountLine = { 
/**
 * The note or coin, in yuan: "100", "50", … "0.1".
 */
denomination: Money, 
/**
 * How many, as typed (whole, 0 or more).
 */
count: string, };

export type Coupon = { id: CouponId, member_id: MemberId, kind: CouponKind, face: Money, min_spend: Money, valid_from: string, valid_until: string, reason: string, issued_at: string, status: CouponStatus, used_in_sale: SaleId | null, 
/**
 * A percent coupon's percent off (10 = 9 折); `None` for a fixed amount (`face`).
 */
percent: number | null, 
/**
 * A percent coupon's cap; `None` = no cap.
 */
cap: Money | null, 
/**
 * Limited to these products and/or categories; both empty = every discount-eligible line.
 */
scope_products: Array<ProductId>, scope_categories: Array<string>, 
/**
 * What the cart and the receipt call it: `满 50 减 10`, `9 折券（限 感冒类）`.
 */
description: string, };

export type CouponApplied = { id: CouponId, 
/**
 * A fixed coupon's face; a percent coupon's cap (0.00 when it has none).
 */
face: Money, 
/**
 * A percent coupon's percent off (10 = 9 折); `None` for a fixed amount.
 */
percent: number | null, min_spend: Money, 
/**
 * Net of the discount-eligible lines the coupon applies to, compared with the minimum.
 */
eligible_net: Money, deduction: Money, outcome: CouponOutcome, 
/**
 * `满 50 减 10`, `9 折券（限 感冒类）`.
 */
description: string, };

export type CouponId = string;

export type CouponIssue = { member_id: MemberId, 
/**
 * A fixed coupon's amount off; 0.00 for a percent coupon.
 */
face: Money, min_spend: Money, valid_days: number, reason: string, 
/**
 * A percent coupon: the percent off, 1–99 (10 = 9 折). Absent = a fixed amount.
 */
percent?: number, 
/**
 * A percent coupon's cap (the most it takes off). Absent = no cap.
 */
cap?: Money, 
/**
 * Limit the coupon to these products. Absent or empty (with no categories) = all
 * discount-eligible lines.
 */
products?: Array<ProductId>, 
/**
 * The same by barcode, as a manager types them: each is looked up in the catalog; one that
 * is not there (or not a barcode) is refused naming it, with `details.field = "products"`.
 */
product_barcodes?: Array<string>, 
/**
 * Limit the coupon to these catalog categories (e.g. 感冒类).
 */
categories?: Array<string>, };

export type CouponKind = "new_member" | "birthday" | "top_spender" | "manual";

export type CouponOutcome = "applied" | "minimum_not_met" | "no_member" | "nothing_to_deduct";

export type CouponRule = { face: Money, min_spend: Money, 
/**
 * Days valid from issue (the birthday coupon ignores this: it is valid in the birthday month).
 */
valid_days: number, };

export type CouponStatus = "available" | "not_yet_valid" | "used" | "expired";

export type CouponsIssueTopSpenders = Record<string, never>;

export type CreateFirstManager = { staff_no: string, name: string, pin: string, };

export type CurrentSession = Record<string, never>;

export type Cutoffs = { a_from: Money | null, b_from: Money | null, 
/**
 * Members with spend > 0 in the 12 months.
 */
spenders: number, };

export type DayClose = { business_date: string, };

export type DayClosedList = Record<string, never>;

export type DayCount = { 
/**
 * A date, the Monday of a week, or `YYYY-MM`.
 */
key: string, members: number, };

export type DayPreview = { business_date?: string, };

export type DayReport = { business_date: string, 
/**
 * The close's number (1, 2, 3 … in closing order); `None` on a preview.
 */
number: number | null, closed_at: string | null, closed_by_name: string | null, sales_count: number, 
/**
 * Σ list amounts before any discount.
 */
sales_subtotal: Money, 
/**
 * Σ amounts due (应收) of the sales.
 */
sales_amount: Money, returns_count: number, returns_amount: Money, 
/**
 * sales − returns
 */
net_amount: Money, discounts: DiscountTotals, tenders: Array<TenderTotal>, 
/**
 * Σ floats of the day's shifts.
 */
floats: Money, cash_in: Money, cash_out: Money, 
/**
 * floats + cash in − cash out + cash tendered − change − cash refunds.
 */
cash_expected: Money, 
/**
 * Σ blind counts of the day's shifts (None when no shift was kept).
 */
cash_counted: Money | null, over_short: Money | null, member_sales_count: number, member_sales_amount: Money, 
/**
 * Member share of sales by amount, in percent with one decimal ("62.5").
 */
member_share_pct: string, 
/**
 * 客单价: sales amount ÷ sales count.
 */
average_ticket: Money, new_members: number, points_issued: number, points_redeemed: number, 
/**
 * Sales with at least one Rx line.
 */
rx_sales: number, 
/**
 * Lines written to the ephedrine register.
 */
ephedrine_lines: number, top_products: Array<TopProduct>, shifts: Array<ShiftLine>, 
/**
 * The audit chain's last hash when the day was closed (on a preview: now).
 */
audit_hash: string, };

export type DayReportExport = { business_date: string, format: ReportExportFormat, };

export type DayReportGet = { business_date: string, };

export type DayReportPaper = "receipt" | "a4";

export type DayReportPrint = { business_date: string, paper: DayReportPaper, save_only: boolean, };

export type DaySettings = { 
/**
 * Local time the business day starts, `HH:MM`, from `00:00` to `12:00`.
 */
day_starts_at: string, };

export type DaySettingsGet = Record<string, never>;

export type DaySettingsUpdate = { settings: DaySettings, };

export type DiscountTotals = { tier: Money, member_day: Money, manual: Money, coupon: Money, points: Money, small_change: Money, total: Money, };

export type Discounts = { tier: Money, member_day: Money, 
/**
 * Manager overrides (list − override amount; negative when the price was raised).
 */
manual: Money, coupon: Money, points: Money, small_change: Money, };

export type DrugBought = { product_id: ProductId, name: string, spec: string, rx: boolean, 
/**
 * A product marked for follow-up or sold by days of supply: a long-term medicine.
 */
long_term: boolean, times: number, quantity: number, last_bought_on: string, };

export type EditId = string;

export type EphedrineBuyer = { buyer_name: string, 
/**
 * 110105********002X
 */
id_masked: string, 
/**
 * Purchases (sales) by the same ID number in the last 30 days, at this store and, once
 * synced, anywhere in the chain (repeated buying is flagged).
 */
recent_purchases: number, };

export type EphedrineFilter = { 
/**
 * First business day, `YYYY-MM-DD`.
 */
from: string, 
/**
 * Last business day (included).
 */
to: string, 
/**
 * Part of the buyer's name.
 */
buyer?: string, 
/**
 * A whole ID number, or its last digits (e.g. the last 4).
 */
id_number?: string, 
/**
 * 0-based.
 */
page: number, page_size?: number, };

export type EphedrinePage = { rows: Array<EphedrineRow>, total: number, page: number, page_size: number, 
/**
 * The repeat-buyer rule the flags follow.
 */
repeat_min_purchases: number, repeat_window_days: number, };

export type EphedrineRegisterExport = { filter: EphedrineFilter, format: ReportExportFormat, };

export type EphedrineRegisterPrint = { filter: EphedrineFilter, save_only: boolean, };

export type EphedrineRegisterReveal = { entry_id: string, };

export type EphedrineRegisterSearch = { filter: EphedrineFilter, };

export type EphedrineRow = { 
/**
 * The register line's id (for a reveal).
 */
id: string, sale_id: SaleId, receipt_no: string, business_date: string, 
/**
 * Store time `YYYY-MM-DD HH:MM`.
 */
at: string, buyer_name: string, 
/**
 * `110101********1234`.
 */
id_masked: string, drug: string, spec: string, quantity: number, batch_no: string | null, staff_name: string | null, 
/**
 * Purchases (sales) by this ID number within the window up to this one, this one included.
 */
purchases_in_window: number, 
/**
 * A repeat buyer: `purchases_in_window` reached the threshold.
 */
repeat: boolean, };

export type ErrorCode = "BAD_REQUEST" | "UNKNOWN_COMMAND" | "NOT_LOGGED_IN" | "FORBIDDEN" | "WRONG_PIN" | "ACCOUNT_LOCKED" | "ACCOUNT_INACTIVE" | "SESSION_LOCKED" | "INVALID_PIN" | "INVALID_STAFF_NO" | "DUPLICATE_STAFF_NO" | "SETUP_ALREADY_DONE" | "INVALID_FIELD" | "INVALID_BARCODE" | "PRODUCT_NOT_FOUND" | "INVALID_QUANTITY" | "INVALID_AMOUNT" | "CART_NOT_FOUND" | "CART_LINE_NOT_FOUND" | "IMPORT_UNREADABLE" | "IMPORT_HAS_ERRORS" | "IMPORT_ROW" | "STORAGE" | "INVALID_PHONE" | "INVALID_RULES" | "MEMBER_NOT_FOUND" | "DUPLICATE_PHONE" | "INVALID_MEMBER_NAME" | "INVALID_BIRTHDAY" | "INVALID_CARD_NO" | "INVALID_MEMBER_QUERY" | "CONSENT_REQUIRED" | "HEALTH_CONSENT_REQUIRED" | "MEMBER_ANONYMIZED" | "MEMBER_MERGED" | "COUPON_NOT_AVAILABLE" | "INSUFFICIENT_POINTS" | "INVALID_POINTS" | "REASON_REQUIRED" | "HEALTH_ITEM_NOT_FOUND" | "INVALID_HEALTH_ITEM" | "DOCUMENT_UNAVAILABLE" | "TENDER_SHORT" | "INVALID_TENDER" | "INSURANCE_OVER_CAP" | "ALREADY_PAID" | "RETURN_ALREADY_RECORDED" | "CART_HELD" | "EMPTY_CART" | "MEMBER_REQUIRED" | "EXPIRED_STOCK" | "PRESCRIPTION_REQUIRED" | "RX_APPROVAL_REQUIRED" | "APPROVER_NOT_AUTHORIZED" | "EPHEDRINE_LIMIT" | "EPHEDRINE_BUYER_REQUIRED" | "INVALID_ID_NUMBER" | "ALLERGY_ACK_REQUIRED" | "SALE_NOT_FOUND" | "RETURN_OF_RETURN" | "RETURN_EXCEEDS_SALE" | "RETURN_REASON_REQUIRED" | "PRINT_FAILED" | "SYNC_NOT_CONFIGURED" | "SYNC_FAILED" | "RESTORE_NOT_EMPTY" | "SHIFT_ALREADY_OPEN" | "NO_OPEN_SHIFT" | "INVALID_COUNT" | "SHIFT_STILL_OPEN" | "DAY_ALREADY_CLOSED" | "DAY_NOT_CLOSABLE" | "AUDIT_CHAIN_BROKEN" | "STAFF_NOT_FOUND" | "LAST_MANAGER" | "STORE_DAMAGED" | "NOT_A_STORE" | "BACKUP_FAILED" | "TRACE_CODE_INVALID" | "TRACE_CODE_DUPLICATE" | "TRACE_CODE_SOLD" | "TRACE_CODE_NO_LINE" | "TRACE_CODES_REQUIRED" | "REGISTER_FORBIDDEN" | "REGISTER_ENTRY_NOT_FOUND" | "PRESCRIPTION_IMAGE_INVALID" | "FOLLOW_UP_NOT_FOUND" | "FOLLOW_UP_NOT_OPEN" | "INVALID_FOLLOW_UP" | "GUIDANCE_NOT_RECORDED" | "COMPLAINT_NOT_FOUND" | "COMPLAINT_STATUS_INVALID" | "COMPLAINT_CLOSED" | "COMPLAINT_RESOLUTION_REQUIRED" | "COMPLAINT_CALLBACK_RESULT_REQUIRED" | "COMPLAINT_RESOLUTION_INVALID" | "CONTACT_CONSENT_REQUIRED";

export type ExampleSale = { 
/**
 * What the example is, e.g. "金卡会员，2 件共 ¥128.00".
 */
title: string, subtotal: Money, payable_now: Money, payable_proposed: Money, points_now: number, points_proposed: number, };

export type ExportFormat = "json" | "pdf";

export type ExportedFile = { path: string, bytes: number, };

export type FieldEdit = { field: string, old_value: string | null, new_value: string | null, at: string, by_staff: StaffId, by_name: string | null, };

export type FollowUpAdherence = "good" | "partial" | "poor";

export type FollowUpAdvice = "continue" | "stop" | "see_doctor";

export type FollowUpChannel = "phone" | "wechat" | "visit";

export type FollowUpComplete = { task_id: FollowUpId, outcome: FollowUpOutcomeInput, };

export type FollowUpCounts = { overdue: number, due_today: number, upcoming: number, };

export type FollowUpEffect = "good" | "partial" | "none" | "unknown";

export type FollowUpGet = { task_id: FollowUpId, };

export type FollowUpHistory = { id: FollowUpId, kind: FollowUpKind, visit_no: number | null, due_on: string, status: FollowUpStatus, closed_reason: string | null, medicines: Array<string>, outcome: FollowUpOutcome | null, };

export type FollowUpId = string;

export type FollowUpKind = "visit" | "refill";

export type FollowUpLine = { sale_line_id: LineId, product_id: ProductId, name: string, spec: string, quantity: number, returned_quantity: number, rx: boolean, guidance: string | null, };

export type FollowUpList = { member_id: MemberId | null, 
/**
 * Members owned by this staff member (`member.owner_staff_id`).
 */
owner: StaffId | null, 
/**
 * "我的会员": members owned by the logged-in staff member (wins over `owner`).
 */
mine: boolean, };

export type FollowUpOutcome = { channel: FollowUpChannel, effect: FollowUpEffect, 
/**
 * '' when none.
 */
adverse_reactions: string, adherence: FollowUpAdherence, advice: FollowUpAdvice, note: string, recorded_by: StaffId, recorded_by_name: string | null, recorded_at: string, next_task_id: FollowUpId | null, next_due_on: string | null, };

export type FollowUpOutcomeInput = { channel: FollowUpChannel, effect: FollowUpEffect, adverse_reactions: string, adherence: FollowUpAdherence, advice: FollowUpAdvice, note: string, 
/**
 * The next follow-up, YYYY-MM-DD; none ends the series.
 */
next_due_on: string | null, };

export type FollowUpRow = { id: FollowUpId, kind: FollowUpKind, 
/**
 * 1 = 一期, 2 = 二期, …; none for a refill reminder.
 */
visit_no: number | null, 
/**
 * Why: `rx`, `follow_up`, `elderly`, `child`, `refill`.
 */
reasons: Array<string>, due_on: string, status: FollowUpStatus, member_id: MemberId, member_name: string, phone_masked: string, owner_staff_id: StaffId, owner_name: string | null, sale_id: SaleId, 
/**
 * The business date of the sale that made the task (or the first task of its series).
 */
sale_date: string, 
/**
 * Days past due (0 when due today or later).
 */
days_overdue: number, };

export type FollowUpStatus = "open" | "done" | "closed";

export type FollowUpTask = { task: FollowUpRow, 
/**
 * The whole number, to call (pharmacists and managers only; the view is audited).
 */
phone: string, lines: Array<FollowUpLine>, outcome: FollowUpOutcome | null, 
/**
 * The schedule's next visit (not before tomorrow), or none after the last.
 */
default_next_due_on: string | null, health: MemberHealthView, };

export type FollowUpWorklist = { 
/**
 * The business date the groups are counted from.
 */
today: string, due_today: Array<FollowUpRow>, overdue: Array<FollowUpRow>, upcoming: Array<FollowUpRow>, counts: FollowUpCounts, };

export type Gates = { rx_required: boolean, prescription: PrescriptionView | null, 
/**
 * Every Rx line is covered by a pharmacist's approval.
 */
rx_approved: boolean, 
/**
 * Σ quantities of ephedrine-containing lines.
 */
ephedrine_quantity: number, ephedrine_buyer: EphedrineBuyer | null, 
/**
 * Lines whose allergen classes match the member's allergies and are not yet acknowledged.
 */
allergy_pending: Array<LineId>, 
/**
 * Lines that need a 药品追溯码 per pack and have fewer codes than packs.
 */
trace_pending: Array<LineId>, 
/**
 * Stable codes of what still blocks payment, in the order to resolve them.
 */
blocked: Array<string>, };

export type Gender = "unknown" | "female" | "male";

export type GenderCount = { gender: Gender, members: number, };

export type Guidance = { 
/**
 * 用量: `一次2粒`.
 */
dose: string, 
/**
 * 频次: `一日3次`.
 */
frequency: string, 
/**
 * 服用时间: 饭前 / 饭后 / 睡前 / 随餐 / 空腹 …
 */
timing: string, 
/**
 * 疗程: `连服7天`.
 */
duration: string, 
/**
 * 需留意的不良反应.
 */
watch_for: string, 
/**
 * 饮食与药物禁忌.
 */
taboos: string, 
/**
 * 其他说明.
 */
note: string, };

export type GuidanceForMember = { member_id: MemberId, };

export type GuidanceHistory = { line_id: LineId, };

export type GuidanceLine = { line_id: LineId, product_id: ProductId, name: string, spec: string, unit: string, manufacturer: string | null, batch_no: string | null, expires_on: string | null, quantity: number, rx: boolean, 
/**
 * The newest record, if any.
 */
current: GuidanceRecord | null, 
/**
 * Free-text guidance written on the line before records had an author.
 */
legacy_text: string | null, 
/**
 * What the form starts from when there is no record: the product's default.
 */
default_guidance: Guidance, 
/**
 * Records of this line (corrections included).
 */
revisions: number, };

export type GuidanceProductDefaultGet = { product_id: ProductId, };

export type GuidanceProductDefaultSet = { product_id: ProductId, guidance: Guidance, };

export type GuidanceRecord = { id: string, 
/**
 * The cart id, which is the sale id once paid.
 */
sale_id: SaleId, line_id: LineId, product_id: ProductId, guidance: Guidance, pharmacist_id: StaffId, pharmacist_name: string, via: Via, 
/**
 * Who was logged in at the till when it was recorded.
 */
recorded_by: StaffId, stage: Stage, 
/**
 * RFC 3339 UTC.
 */
at: string, business_date: string, };

export type GuidanceSaleGet = { sale_id?: SaleId, receipt_no?: string, };

export type GuidanceSaleRow = { sale_id: SaleId, receipt_no: string, at: string, cashier_name: string | null, member_phone_masked: string | null, 
/**
 * The first line's name (and how many more).
 */
summary: string, lines: number, 
/**
 * Lines with guidance (authored or free text).
 */
guided: number, };

export type GuidanceSalesOfDay = { business_date?: string, };

export type GuidanceSave = { 
/**
 * The cart id (before payment) or the sale id (after): they are the same id.
 */
sale_id: SaleId, line_id: LineId, guidance: Guidance, 
/**
 * A pharmacist's own staff number and PIN, typed at a cashier's till.
 */
pharmacist?: Approver, };

export type GuidanceSlipPdf = { sale_id: SaleId, line_id?: LineId, paper: SlipPaper, };

export type GuidanceSlipPrint = { sale_id: SaleId, line_id?: LineId, paper: SlipPaper, save_only: boolean, };

export type HandoverSlip = { shift: Shift, sales_count: number, 
/**
 * Σ amounts due of the shift's sales.
 */
sales_amount: Money, returns_count: number, returns_amount: Money, tenders: Array<TenderTotal>, cash_in: Money, cash_out: Money, 
/**
 * float + cash in − cash out + cash net of sales and returns.
 */
cash_expected: Money, 
/**
 * The blind count (None while the shift is open): (denomination, how many).
 */
counted: Array<[string, number]> | null, cash_counted: Money | null, 
/**
 * counted − expected: positive is over (长款), negative short (短款).
 */
over_short: Money | null, closed_by_name: string | null, };

export type HealthChoices = { allergen_classes: Array<string>, conditions: Array<string>, groups: Array<string>, };

export type HealthChoicesGet = Record<string, never>;

export type HealthItem = { id: HealthItemId, kind: HealthKind, 
/**
 * A class from the controlled list, or `other`.
 */
code: string, note: string, added_at: string, added_by: StaffId, };

export type HealthItemId = string;

export type HealthKind = "allergy" | "condition" | "medicine" | "group" | "reaction";

export type HealthRecord = { member_id: MemberId, 
/**
 * The member's separate consent to keep health data is in force.
 */
consent: boolean, 
/**
 * Empty (hidden) without consent.
 */
items: Array<HealthItem>, };

export type HeldCart = { id: SaleId, held_at: string, opened_by_name: string | null, member_name: string | null, item_count: number, total: Money, };

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

export type JournalFilter = { 
/**
 * First business date, `YYYY-MM-DD`.
 */
from: string | null, 
/**
 * Last business date, `YYYY-MM-DD` (inclusive).
 */
to: string | null, 
/**
 * A whole receipt number (a sale's or a return's).
 */
receipt_no: string | null, member_id: MemberId | null, 
/**
 * A member's phone, card number or the last 4 digits of the phone, as typed: it must name
 * exactly one member (`resolve_member`), whose rows are then listed.
 */
member_query: string | null, cashier_id: StaffId | null, 
/**
 * A product's barcode, or part of its name.
 */
product: string | null, tender: TenderKind | null, 
/**
 * Only these kinds (all when empty).
 */
kinds: Array<JournalKind>, 
/**
 * At most this many rows (default 100, at most 500).
 */
limit: number | null, };

export type JournalKind = "sale" | "return" | "cancelled";

export type JournalRow = { kind: JournalKind, 
/**
 * The sale's, the return's or the cancelled cart's id.
 */
id: SaleId, 
/**
 * None for a cancelled cart (it never got one).
 */
receipt_no: string | null, 
/**
 * For a return: the receipt number of the sale it returns.
 */
sale_receipt_no: string | null, business_date: string, at: string, cashier_name: string | null, member_name: string | null, 
/**
 * Amount due (sale), refund (return), or the list total of the lines (cancelled).
 */
amount: Money, lines: number, 
/**
 * Tenders as `kind amount` pairs, e.g. `cash 50.00`.
 */
tenders: Array<string>, 
/**
 * Why (a return's reason code, a cancellation's written reason).
 */
reason: string | null, };

export type JournalSearch = { filter: JournalFilter, };

export type LineId = string;

export type LineRule = "non_member" | "not_discountable" | "tier" | "member_day" | "override";

export type ListedMember = { id: MemberId, card_masked: string, name: string, phone_masked: string, gender: Gender, age: number | null, birthday: string | null, tier: Tier, class: MemberClass, 
/**
 * Net spend over the last 12 months.
 */
spend_12m: Money, last_purchase: string | null, points: number, 
/**
 * Points that expire by the end of this year.
 */
points_expiring: number, owner_name: string, registered_on: string, contact_consent: boolean, };

export type Login = { staff_no: string, pin: string, };

export type Logout = Record<string, never>;

export type MemberAnalytics = { from?: string, to?: string, };

export type MemberAnonymize = { member_id: MemberId, reason: string, };

export type MemberChanges = { phone?: string, name?: string, gender?: Gender, birthday?: string, address?: string, occupation?: string, tags?: Array<string>, };

export type MemberClass = "a" | "b" | "c" | "d" | "zero";

export type MemberConfirm = { member_id: MemberId, };

export type MemberConsent = { member_id: MemberId, scope: ConsentScope, grant: boolean, notice_version?: string, };

export type MemberContacts = { member_id: MemberId, };

export type MemberCoupons = { member_id: MemberId, };

export type MemberEdits = { member_id: MemberId, };

export type MemberExportFile = { member_id: MemberId, format: ExportFormat, };

export type MemberFind = { query: string, };

export type MemberGet = { member_id: MemberId, };

export type MemberGuidance = { sale_id: SaleId, receipt_no: string, 
/**
 * When the sale was paid (RFC 3339 UTC).
 */
sold_at: string, line_id: LineId, product_id: ProductId, name: string, spec: string, batch_no: string | null, quantity: number, guidance: Guidance, 
/**
 * `None` for free-text guidance recorded before guidance had an author.
 */
pharmacist_name: string | null, 
/**
 * When the guidance was given (the sale's time for free-text guidance).
 */
at: string, 
/**
 * How many times it was recorded for this line (corrections included).
 */
revisions: number, };

export type MemberHealthAdd = { member_id: MemberId, kind: HealthKind, 
/**
 * A class from `health_choices`, or `other` with a note.
 */
code: string, note: string, };

export type MemberHealthGet = { member_id: MemberId, };

export type MemberHealthLog = { member_id: MemberId, };

export type MemberHealthRemove = { member_id: MemberId, item_id: HealthItemId, };

export type MemberHealthView = { member_id: MemberId, name: string, card_no: string, 
/**
 * Age today, from the birthday.
 */
age: number | null, consent: boolean, allergies: Array<HealthItem>, conditions: Array<HealthItem>, 
/**
 * 长期用药 recorded in the health part.
 */
medicines: Array<HealthItem>, groups: Array<HealthItem>, 
/**
 * 不良反应 recorded (most from follow-ups).
 */
reactions: Array<HealthItem>, drugs_bought: Array<DrugBought>, 
/**
 * The guidance given with the member's sale lines, newest first (`guidance::for_member`).
 */
guidance: Array<MemberGuidance>, follow_ups: Array<FollowUpHistory>, };

export type MemberHealthViewGet = { member_id: MemberId, };

export type MemberId = string;

export type MemberList = { set: MemberSet, page?: number, page_size?: number, };

export type MemberListExport = { set: MemberSet, format: ReportExportFormat, };

export type MemberListPage = { title: string, rows: Array<ListedMember>, total: number, page: number, page_size: number, };

export type MemberPoints = { member_id: MemberId, limit?: number, };

export type MemberProfile = { summary: MemberSummary, 
/**
 * The whole number, only for pharmacists and managers; cashiers get `None`.
 */
phone: string | null, birthday: string | null, address: string, occupation: string, tags: Array<string>, 
/**
 * The registering store.
 */
store_id: string, 
/**
 * Its name when it is this till's own store (`settings::store_name`).
 */
store_name: string | null, registered_by: StaffId, registered_by_name: string | null, owner_staff_id: StaffId, owner_name: string | null, created_at: string, confirmed_at: string, basic_consent: boolean, health_consent: boolean, 
/**
 * 关怀联系授权: care calls, messages and offers.
 */
contact_consent: boolean, 
/**
 * Trailing-365-day net spend that decides the tier.
 */
spend_365: Money, tier_history: Array<TierChange>, };

export type MemberPurchases = { member_id: MemberId, limit?: number, };

export type MemberSet = { "kind": "all" } | { "kind": "points_holders" } | { "kind": "class", class: MemberClass, } | { "kind": "tier", tier: Tier, } | { "kind": "dormant" } | { "kind": "slipping" } | { "kind": "birthdays_tomorrow" } | { "kind": "birthdays_this_month" } | { "kind": "points_expiring", days: number, } | { "kind": "new_members", period: Period, owner: StaffId | null, } | { "kind": "buyers", period: Period, } | { "kind": "age", band: AgeBand, } | { "kind": "gender", gender: Gender, } | { "kind": "owned_by", owner: StaffId, };

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

export type NewComplaint = { member_id?: MemberId, walk_in_name?: string, walk_in_phone?: string, channel: ComplaintChannel, category: ComplaintCategory, description: string, 
/**
 * The receipt the complaint is about (a sale of this store).
 */
receipt_no?: string, product_id?: ProductId, };

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
 * The member separately agreed to care calls, messages and offers (optional).
 */
contact_consent: boolean, 
/**
 * The notice version shown; the current one when omitted.
 */
notice_version?: string, };

export type NewMembers = { total: number, by_day: Array<DayCount>, by_week: Array<DayCount>, by_month: Array<DayCount>, by_owner: Array<OwnerCount>, };

export type OwnerCount = { staff_id: StaffId, name: string, members: number, };

export type OwnerWorklist = { owner: StaffId, owner_name: string, 
/**
 * Members with a care reason today first, then the others, each by name.
 */
members: Array<WorklistMember>, total: number, };

export type OwnerWorklistGet = { owner?: StaffId, limit?: number, };

export type Period = { from: string, to: string, };

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

export type PointsFigures = { outstanding: number, outstanding_value: Money, 
/**
 * The last day of this year, and the points that expire then unless used.
 */
year_end: string, expiring_year_end: number, expiring_value: Money, };

export type PointsKind = "earn" | "redeem" | "expire" | "adjust" | "reverse";

export type PosError = { code: ErrorCode, message: string, details?: unknown, };

export type PrescriptionFilter = { 
/**
 * First business day, `YYYY-MM-DD`.
 */
from: string, 
/**
 * Last business day (included).
 */
to: string, 
/**
 * A member's phone, card number, last 4 digits of the phone, or part of the member's or the
 * patient's name.
 */
member?: string, 
/**
 * Part of an Rx drug's name, or its barcode.
 */
drug?: string, 
/**
 * Part of the prescribing doctor's name.
 */
doctor?: string, 
/**
 * 0-based.
 */
page: number, page_size?: number, };

export type PrescriptionInput = { hospital: string, doctor: string, 
/**
 * YYYY-MM-DD
 */
prescribed_on: string, diagnosis: string, 
/**
 * A photo or scan of the prescription on this machine.
 */
image_path?: string, };

export type PrescriptionPage = { rows: Array<PrescriptionRow>, 
/**
 * All rows the filter matches.
 */
total: number, page: number, page_size: number, };

export type PrescriptionRegisterExport = { filter: PrescriptionFilter, format: ReportExportFormat, };

export type PrescriptionRegisterSearch = { filter: PrescriptionFilter, };

export type PrescriptionRow = { sale_id: SaleId, receipt_no: string, business_date: string, 
/**
 * The sale's time, store time `YYYY-MM-DD HH:MM`.
 */
at: string, hospital: string, doctor: string, prescribed_on: string, diagnosis: string, patient_name: string, patient_sex: Sex | null, patient_age: number | null, member_name: string | null, 
/**
 * The Rx lines: `name ×qty`, joined by 、.
 */
drugs: string, approved_by_name: string | null, image_path: string | null, };

export type PrescriptionView = { hospital: string, doctor: string, prescribed_on: string, diagnosis: string, image_path: string | null, approved_by: StaffId | null, approved_by_name: string | null, approved_at: string | null, };

export type PricedLine = { line_id: LineId, 
/**
 * Catalog price × quantity.
 */
list_amount: Money, rule: LineRule, 
/**
 * The rate applied to the list amount ("1" when none).
 */
rate: string, 
/**
 * After the rate (or the override): round(list × rate).
 */
net: Money, coupon_share: Money, points_share: Money, small_change_share: Money, 
/**
 * What the line finally costs: net − its shares. Receipts, returns, points use this.
 */
final_net: Money, points_eligible: boolean, insurance: boolean, 
/**
 * The bonus-points multiplier of the product (rules' `bonus_points_products`; 1 when none).
 */
points_multiplier: string, };

export type Pricing = { lines: Array<PricedLine>, 
/**
 * Σ list amounts.
 */
subtotal: Money, discounts: Discounts, member_day: boolean, 
/**
 * Net of the discount-eligible lines (member pricing, no override): what a coupon on all
 * lines compares its minimum spend with (rule 4), whether or not a coupon is picked.
 */
coupon_eligible_net: Money, 
/**
 * Rule 9: the member-day points multiplier in force for this sale (1 on other days and for
 * non-members).
 */
points_day_multiplier: string, coupon: CouponApplied | null, 
/**
 * Points the cashier asked to redeem.
 */
points_asked: number, 
/**
 * The most points this sale can take (rule 5 cap, balance, daily cap).
 */
points_max: number, points_used: number, 
/**
 * The amount to pay: Σ final nets.
 */
payable: Money, 
/**
 * The most 医保 may pay: Σ final nets of insurance-listed lines (rule 8).
 */
insurance_cap: Money, };

export type PrintedReceipt = { 
/**
 * The PDF, saved under `receipts/` beside the store file (always, printed or not).
 */
path: string, 
/**
 * The printer queue it was sent to; `null` when saved only.
 */
printer: string | null, 
/**
 * The till's printer format: what goes (or would go) to the printer; the PDF is saved
 * either way.
 */
format: PrinterFormat, 
/**
 * A copy: the receipt was printed or saved before (marked 重印).
 */
reprint: boolean, paper_mm: number, bytes: number, };

export type PrintedSlip = { 
/**
 * The PDF, always saved under `guidance/` beside the store file.
 */
path: string, 
/**
 * The printer queue it was sent to; `null` when not sent.
 */
printer: string | null, 
/**
 * Why it was saved but not sent (no printer set, A5 on a receipt printer); `null` when it
 * was sent or only saving was asked.
 */
not_printed: string | null, paper: SlipPaper, bytes: number, };

export type PrinterFormat = "pdf" | "escpos";

export type PrinterQueues = Record<string, never>;

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

export type ProgrammeFigures = { today: string, period: Period, active_members: number, tiers: Array<TierMembers>, tier_trend: Array<TierMonth>, cutoffs: Cutoffs, classes: Array<ClassFigure>, sales: SalesFigures, new_members: NewMembers, dormant: number, slipping: number, points: PointsFigures, birthdays_tomorrow: number, birthdays_this_month: number, ages: Array<AgeCount>, genders: Array<GenderCount>, 
/**
 * The settings the figures used.
 */
dormant_days: number, slipping_period_days: number, slipping_drop_percent: number, };

export type ReceiptKind = "sale" | "return";

export type ReceiptPrint = { kind: ReceiptKind, id: SaleId, 
/**
 * Paper width; the till's setting when omitted.
 */
paper_mm?: number, save_only: boolean, };

export type Refund = { kind: TenderKind, amount: Money, };

export type RegisterSettings = { 
/**
 * The folder the prescription scanner saves images in; `null`: pick from a file only.
 */
scanner_dir: string | null, 
/**
 * A repeat buyer: this many purchases (sales) by one ID number, this one included …
 */
repeat_min_purchases: number, 
/**
 * … within this many days up to the purchase.
 */
repeat_window_days: number, };

export type RegisterSettingsGet = Record<string, never>;

export type RegisterSettingsUpdate = { settings: RegisterSettings, };

export type Registration = { member: MemberSummary, 
/**
 * `false`: the phone was registered already and that member is returned instead.
 */
created: boolean, 
/**
 * The new-member coupon, when one was issued.
 */
coupon: Coupon | null, };

export type ReportExportFormat = "csv" | "xlsx";

export type ResolutionKind = "return" | "exchange" | "explanation" | "apology" | "coupon";

export type RestoreReport = { store_id: string, 
/**
 * This store's own events headquarters had, and what they became.
 */
events: number, sales: number, returns: number, members: number, staff: number, 
/**
 * The other stores' events pulled afterwards.
 */
pulled: number, };

export type RestoreRequest = { hq_url: string, token: string, 
/**
 * The store's manager who restores, and the new PIN they choose (PINs never leave a till).
 */
manager_staff_no: string, manager_pin: string, };

export type ReturnCreate = { 
/**
 * From `return_open`: the same id twice records one return.
 */
return_id: SaleId, sale_id: SaleId, lines: Array<ReturnLineInput>, reason: ReturnReason, note: string, manager: Approver, };

export type ReturnGet = { return_id: SaleId, };

export type ReturnLine = { sale_line_id: LineId, name: string, spec: string, batch_no: string | null, quantity: number, refund: Money, };

export type ReturnLineInput = { sale_line_id: LineId, quantity: number, 
/**
 * The 药品追溯码 of the packs brought back, scanned at the counter. A line returned whole
 * gives back all its codes without them.
 */
trace_codes?: Array<string>, };

export type ReturnOpen = Record<string, never>;

export type ReturnPreview = { sale_id: SaleId, lines: Array<ReturnLineInput>, 
/**
 * The refund of each chosen line, in the order chosen.
 */
line_refunds: Array<Money>, refunds: Array<Refund>, refund: Money, points_taken_back: number, points_given_back: number, 
/**
 * This return would complete the sale.
 */
full: boolean, };

export type ReturnPreviewArgs = { sale_id: SaleId, lines: Array<ReturnLineInput>, };

export type ReturnReason = "damaged" | "spoiled" | "expired" | "wrong_batch" | "other_quality";

export type ReturnTicket = { return_id: SaleId, };

export type ReturnTraceScan = { sale_line_id: LineId, 
/**
 * The code as stored (what `ReturnLineInput.trace_codes` then carries).
 */
code: string, };

export type ReturnTraceScanCmd = { sale_id: SaleId, code: string, };

export type RevealedId = { entry_id: string, id_number: string, };

export type Role = "cashier" | "pharmacist" | "manager";

export type RulesGet = Record<string, never>;

export type RulesPreview = { 
/**
 * What differs, one line each, in Chinese (empty when nothing does).
 */
changes: Array<string>, tiers: Array<TierCount>, members_moving_up: number, members_moving_down: number, examples: Array<ExampleSale>, 
/**
 * The next three member days under the proposed rules (`YYYY-MM-DD`).
 */
next_member_days: Array<string>, 
/**
 * Points members hold now, and what they are worth when redeemed, now and proposed.
 */
points_outstanding: number, points_value_now: Money, points_value_proposed: Money, };

export type RulesPreviewArgs = { rules: BusinessRules, };

export type RulesUpdate = { rules: BusinessRules, };

export type RxPatient = { name: string, sex: Sex, 
/**
 * Years (0 for a baby under one).
 */
age: number, };

export type RxReview = { hospital: string, doctor: string, prescribed_on: string, diagnosis: string, patient: RxPatient | null, image_path: string | null, 
/**
 * The image itself, ready to show; `null` without one.
 */
image_data_url: string | null, 
/**
 * The Rx lines: `name spec ×qty`.
 */
rx_lines: Array<string>, 
/**
 * The member of the sale, if any.
 */
member_name: string | null, };

export type RxScannerImages = Record<string, never>;

export type Sale = { id: SaleId, receipt_no: string, business_date: string, at: string, cashier_id: StaffId, cashier_name: string | null, member: SaleMember | null, lines: Array<SaleLine>, payments: Array<Tender>, subtotal: Money, discounts: Discounts, payable: Money, tendered: Money, change: Money, insurance: Money, points_used: number, points_earned: number, 
/**
 * The member's points balance right after this sale (what its receipt prints).
 */
points_balance: number | null, rx_reviewed_by: StaffId | null, rx_reviewed_by_name: string | null, 
/**
 * Returns made against this sale, by receipt number.
 */
returns: Array<string>, 
/**
 * The coupon used, as the cart showed it (`满 50 减 10`, `9 折券（限 感冒类）`).
 */
coupon_description: string | null, 
/**
 * Why the member earned more points than the base (rule 9): `会员日 2 倍积分`,
 * `加倍积分商品 维生素C片 3 倍`. Empty when nothing was multiplied.
 */
points_notes: Array<string>, };

export type SaleFind = { receipt_no: string, };

export type SaleGet = { sale_id: SaleId, };

export type SaleGuidance = { sale_id: SaleId, receipt_no: string, at: string, business_date: string, cashier_name: string | null, 
/**
 * `138****5678` when the sale had a member.
 */
member_phone_masked: string | null, member_name: string | null, lines: Array<GuidanceLine>, };

export type SaleId = string;

export type SaleLine = { id: LineId, product_id: ProductId, barcode: string, name: string, spec: string, unit: string, 
/**
 * 生产厂家, as the product had it when the sale was paid (the catalog's for older sales).
 */
manufacturer: string | null, batch_no: string | null, batch_expires_on: string | null, unit_price: Money, quantity: number, list_amount: Money, rule: LineRule, 
/**
 * The tier or member-day rate of the line ("1" when none).
 */
rate: string, net: Money, coupon_share: Money, points_share: Money, small_change_share: Money, final_net: Money, rx: boolean, ephedrine: boolean, insurance: boolean, points_eligible: boolean, guidance: string | null, 
/**
 * Quantity already returned.
 */
returned_quantity: number, 
/**
 * Packs of this line whose 药品追溯码 is still out (sold and not brought back): a partial
 * return of the line scans one code per pack brought back, up to this many.
 */
trace_codes_out: number, };

export type SaleMember = { id: MemberId, card_no: string, name: string, phone_masked: string, 
/**
 * The tier the sale was priced at.
 */
tier: Tier, };

export type SalePay = { cart_id: SaleId, tenders: Array<Tender>, };

export type SaleReturn = { id: SaleId, receipt_no: string, sale_id: SaleId, sale_receipt_no: string, at: string, business_date: string, cashier_id: StaffId, cashier_name: string | null, approved_by: StaffId, approved_by_name: string | null, reason: ReturnReason, reason_note: string, lines: Array<ReturnLine>, refunds: Array<Refund>, refund: Money, points_taken_back: number, points_given_back: number, 
/**
 * This return completes the sale: everything sold has now been returned.
 */
full: boolean, member_card_no: string | null, member_phone_masked: string | null, 
/**
 * The member's points balance right after this return (what its receipt prints, on every
 * reprint too).
 */
points_balance: number | null, };

export type SalesFigures = { 
/**
 * Sales (payable) of the period at this store, and how many.
 */
total: Money, count: number, member_total: Money, member_count: number, 
/**
 * Member sales / all sales, percent with one decimal.
 */
member_share_pct: string, 
/**
 * 客单价: average payable per sale.
 */
member_ticket: Money, non_member_ticket: Money, 
/**
 * Members who bought in the period, and their visits (sales) per member, one decimal.
 */
buying_members: number, visits_per_member: string, };

export type SavedReport = { 
/**
 * The file, always saved: PDFs under `reports/`, CSV and XLSX under `exports/`.
 */
path: string, 
/**
 * The printer queue it was sent to; `null` when not sent.
 */
printer: string | null, 
/**
 * Why a print was saved but not sent (no printer set, A4 on a receipt printer); `null` when
 * it was sent or only saving was asked.
 */
not_printed: string | null, 
/**
 * A day not closed yet: the file is marked 预览（未日结）.
 */
preview: boolean, bytes: number, };

export type ScannedImage = { path: string, file_name: string, 
/**
 * When the scanner saved it (store time, `YYYY-MM-DD HH:MM:SS`).
 */
modified: string, bytes: number, };

export type ScannerFolder = { 
/**
 * The folder; `null` when none is set (the till settings name it).
 */
dir: string | null, images: Array<ScannedImage>, };

export type Session = { staff: StaffInfo, logged_in_at: string, 
/**
 * The till is locked (`session_lock`, Ctrl+L): only this staff member's PIN unlocks it.
 */
locked: boolean, };

export type SessionLock = Record<string, never>;

export type SessionUnlock = { pin: string, };

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

export type Sex = "male" | "female";

export type Shift = { id: string, cashier_id: StaffId, cashier_name: string, business_date: string, opened_at: string, float: Money, closed_at: string | null, };

export type ShiftCashMove = { direction: CashDirection, amount: Money, reason: string, };

export type ShiftClose = { count: Array<CountLine>, };

export type ShiftCurrentGet = Record<string, never>;

export type ShiftLine = { shift_id: string, cashier_name: string, opened_at: string, closed_at: string | null, float: Money, cash_expected: Money, cash_counted: Money | null, over_short: Money | null, };

export type ShiftOpen = { float: Money, };

export type ShiftSlipGet = { shift_id: string, };

export type ShiftSlipPrint = { shift_id: string, 
/**
 * 80 or 58; the till's setting when omitted.
 */
paper_mm?: number, save_only: boolean, };

export type SlipPaper = "receipt" | "a5";

export type SlipPdf = { 
/**
 * A file name to save it under.
 */
file_name: string, 
/**
 * The PDF, base64.
 */
pdf_base64: string, bytes: number, };

export type SpendRecord = { id: string, store_id: string, 
/**
 * The store's name when it is this till's own store (`settings::store_name`).
 */
store_name: string | null, business_date: string, net: Money, at: string, };

export type StaffCreate = { staff_no: string, name: string, roles: Array<Role>, pin: string, };

export type StaffId = string;

export type StaffInfo = { id: StaffId, staff_no: string, name: string, roles: Array<Role>, active: boolean, };

export type StaffList = Record<string, never>;

export type StaffResetPin = { staff_id: StaffId, new_pin: string, };

export type StaffSetActive = { staff_id: StaffId, active: boolean, };

export type StaffSetRoles = { staff_id: StaffId, roles: Array<Role>, };

export type Stage = "cart" | "sale";

export type StoreCheck = Record<string, never>;

export type StoreHealthGet = Record<string, never>;

export type SyncConfigure = { hq_url: string, 
/**
 * This store's token as headquarters issued it; `""` keeps the one saved before.
 */
token: string, 
/**
 * `HH:MM`; default `02:00`.
 */
nightly_at?: string, };

export type SyncNow = Record<string, never>;

export type SyncReport = { 
/**
 * Events headquarters stored now.
 */
pushed: number, 
/**
 * Events headquarters already had (a retry after a lost answer): marked sent, not doubled.
 */
duplicates: number, 
/**
 * Events headquarters set aside (kept unsent here), with headquarters' reason.
 */
quarantined: Array<string>, 
/**
 * Holes in this till's sequence as headquarters sees it (`from–to`).
 */
gaps: Array<string>, 
/**
 * Events pulled that were new here, and what applying them did.
 */
pulled: number, applied: number, waiting: number, conflicts: number, 
/**
 * Events still unsent afterwards.
 */
unsynced: number, };

export type SyncStatus = { 
/**
 * Headquarters' address, `""` when the till is not connected to a chain.
 */
hq_url: string, 
/**
 * Whether a store token is configured (the token itself never leaves the core).
 */
has_token: boolean, 
/**
 * Local time of the nightly sync, `HH:MM`.
 */
nightly_at: string, 
/**
 * Events headquarters has not acknowledged yet: what a lost file would lose now.
 */
unsynced: number, 
/**
 * Pulled events waiting for something not here yet, and conflicts kept for a person.
 */
waiting: number, conflicts: number, pull_cursor: number, last_attempt_at: string | null, last_success_at: string | null, last_error: string | null, };

export type SyncStatusGet = Record<string, never>;

export type Tender = { kind: TenderKind, amount: Money, 
/**
 * 医保结算单号 (required for 医保; ignored otherwise).
 */
settlement_no?: string, 
/**
 * The payment's reference for WeChat Pay, Alipay and bank card: the customer's scanned 付款码
 * or the terminal's transaction number (optional; letters, digits and -, at most 64). Cash
 * and 医保 carry none.
 */
reference?: string, };

export type TenderKind = "cash" | "wechat" | "alipay" | "card" | "insurance";

export type TenderTotal = { 
/**
 * cash | wechat | alipay | card | insurance
 */
kind: string, 
/**
 * Paid in by sales (for cash: tendered less change).
 */
sales: Money, 
/**
 * Paid back by returns.
 */
refunds: Money, 
/**
 * sales − refunds
 */
net: Money, };

export type TestPrinted = { printer: string, format: PrinterFormat, paper_mm: number, 
/**
 * The file sent to the printer.
 */
path: string, };

export type Tier = "normal" | "silver" | "gold" | "diamond";

export type TierChange = { from_tier: Tier, to_tier: Tier, spend: Money, at: string, reason: string, };

export type TierCount = { tier: Tier, now: number, proposed: number, };

export type TierMembers = { tier: Tier, members: number, };

export type TierMonth = { 
/**
 * `YYYY-MM`
 */
month: string, counts: Array<TierMembers>, };

export type TierRule = { tier: Tier, threshold: Money, 
/**
 * e.g. "0.95": line net = round(price × quantity × rate)
 */
rate: string, 
/**
 * e.g. "1.5": points earned = floor(base × multiplier)
 */
multiplier: string, };

export type TillSettings = { till_no: number, 
/**
 * A CUPS queue name (`lpstat -p`); `null`: receipts are saved as PDF only.
 */
printer: string | null, paper_mm: number, 
/**
 * What goes to the printer; the PDF is saved either way.
 */
printer_format: PrinterFormat, 
/**
 * After payment the receipt prints by itself (the done screen prints it once); on by
 * default. Off: the cashier presses F9 when the customer wants one.
 */
auto_print: boolean, };

export type TillSettingsGet = Record<string, never>;

export type TillSettingsUpdate = { settings: TillSettings, };

export type TillTestPrint = { settings?: TillSettings, };

export type TopProduct = { name: string, spec: string, quantity: number, amount: Money, };

export type TopSpenderIssue = { 
/**
 * Members in class A (top 5 % by 12-month spend) and B (the next 15 %).
 */
class_a: number, class_b: number, 
/**
 * Coupons issued now (members who had this month's already are skipped).
 */
issued: number, };

export type TraceConflict = { code: string, receipt_no: string, business_date: string, 
/**
 * The product the pack was sold as here.
 */
name: string, others: Array<TraceConflictOther>, flagged_at: string, };

export type TraceConflictOther = { store_name: string, receipt_no: string, business_date: string, };

export type TraceConflicts = Record<string, never>;

export type TraceExport = { from: string, to: string, };

export type TraceExportResult = { rows: Array<TraceExportRow>, 
/**
 * The CSV file written.
 */
path: string, };

export type TraceExportRow = { business_date: string, receipt_no: string, sold_at: string, code: string, kind: TraceKind, barcode: string, name: string, spec: string, batch_no: string | null, expires_on: string | null, insurance: boolean, 
/**
 * The 医保结算单号 of the sale when 医保 paid.
 */
settlement_no: string | null, 
/**
 * The return receipt that brought the pack back, if one did.
 */
returned_by: string | null, };

export type TraceKind = "msfx" | "maker" | "gs1";

export type Via = "login" | "pin";

export type WorklistMember = { member: ListedMember, 
/**
 * The care lists the member is on today (contact consent or not).
 */
reasons: Array<CareList>, 
/**
 * The whole phone number, for the owner to call: only with contact consent.
 */
phone: string | null, last_contact: ContactEntry | null, };

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
  session_lock: { args: SessionLock, result: Session };
  session_unlock: { args: SessionUnlock, result: Session };
  settings_get: { args: SettingsGet, result: PharmacySettings };
  settings_update: { args: SettingsUpdate, result: PharmacySettings };
  staff_list: { args: StaffList, result: Array<StaffInfo> };
  staff_create: { args: StaffCreate, result: StaffInfo };
  staff_set_active: { args: StaffSetActive, result: StaffInfo };
  staff_reset_pin: { args: StaffResetPin, result: StaffInfo };
  staff_set_roles: { args: StaffSetRoles, result: StaffInfo };
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
  member_health_view: { args: MemberHealthViewGet, result: MemberHealthView };
  follow_up_list: { args: FollowUpList, result: FollowUpWorklist };
  follow_up_get: { args: FollowUpGet, result: FollowUpTask };
  follow_up_complete: { args: FollowUpComplete, result: FollowUpTask };
  health_choices: { args: HealthChoicesGet, result: HealthChoices };
  member_consent: { args: MemberConsent, result: MemberProfile };
  member_export: { args: MemberExportFile, result: ExportedFile };
  member_anonymize: { args: MemberAnonymize, result: MemberSummary };
  member_transfer_owner: { args: MemberTransferOwner, result: number };
  points_adjust: { args: PointsAdjust, result: MemberSummary };
  coupon_issue: { args: CouponIssue, result: Coupon };
  coupons_issue_top_spenders: { args: CouponsIssueTopSpenders, result: TopSpenderIssue };
  rules_get: { args: RulesGet, result: BusinessRules };
  rules_preview: { args: RulesPreviewArgs, result: RulesPreview };
  rules_update: { args: RulesUpdate, result: BusinessRules };
  housekeeping_run: { args: HousekeepingRun, result: HousekeepingReport };
  cart_set_coupon: { args: CartSetCoupon, result: Cart };
  cart_set_points: { args: CartSetPoints, result: Cart };
  cart_override_price: { args: CartOverridePrice, result: Cart };
  cart_set_guidance: { args: CartSetGuidance, result: Cart };
  cart_hold: { args: CartHold, result: Cart };
  cart_cancel: { args: CartCancel, result: null };
  cart_held_list: { args: CartHeldList, result: Array<HeldCart> };
  cart_recall: { args: CartRecall, result: Cart };
  cart_set_prescription: { args: CartSetPrescription, result: Cart };
  cart_approve_rx: { args: CartApproveRx, result: Cart };
  cart_set_ephedrine_buyer: { args: CartSetEphedrineBuyer, result: Cart };
  cart_ack_allergy: { args: CartAckAllergy, result: Cart };
  cart_set_rx_patient: { args: CartSetRxPatient, result: Cart };
  cart_attach_rx_image: { args: CartAttachRxImage, result: Cart };
  rx_scanner_images: { args: RxScannerImages, result: ScannerFolder };
  cart_rx_review: { args: CartRxReview, result: RxReview };
  register_settings_get: { args: RegisterSettingsGet, result: RegisterSettings };
  register_settings_update: { args: RegisterSettingsUpdate, result: RegisterSettings };
  prescription_register_search: { args: PrescriptionRegisterSearch, result: PrescriptionPage };
  prescription_register_export: { args: PrescriptionRegisterExport, result: SavedReport };
  ephedrine_register_search: { args: EphedrineRegisterSearch, result: EphedrinePage };
  ephedrine_register_reveal: { args: EphedrineRegisterReveal, result: RevealedId };
  ephedrine_register_print: { args: EphedrineRegisterPrint, result: SavedReport };
  ephedrine_register_export: { args: EphedrineRegisterExport, result: SavedReport };
  cart_remove_trace_code: { args: CartRemoveTraceCode, result: Cart };
  trace_export: { args: TraceExport, result: TraceExportResult };
  return_trace_scan: { args: ReturnTraceScanCmd, result: ReturnTraceScan };
  trace_conflicts: { args: TraceConflicts, result: Array<TraceConflict> };
  sale_pay: { args: SalePay, result: Sale };
  sale_get: { args: SaleGet, result: Sale };
  sale_find: { args: SaleFind, result: Sale };
  journal_search: { args: JournalSearch, result: Array<JournalRow> };
  return_open: { args: ReturnOpen, result: ReturnTicket };
  return_preview: { args: ReturnPreviewArgs, result: ReturnPreview };
  return_create: { args: ReturnCreate, result: SaleReturn };
  return_get: { args: ReturnGet, result: SaleReturn };
  receipt_print: { args: ReceiptPrint, result: PrintedReceipt };
  printer_queues: { args: PrinterQueues, result: Array<string> };
  business_date: { args: BusinessDate, result: string };
  till_settings_get: { args: TillSettingsGet, result: TillSettings };
  till_settings_update: { args: TillSettingsUpdate, result: TillSettings };
  till_test_print: { args: TillTestPrint, result: TestPrinted };
  sync_status: { args: SyncStatusGet, result: SyncStatus };
  sync_configure: { args: SyncConfigure, result: SyncStatus };
  sync_now: { args: SyncNow, result: SyncReport };
  restore_from_hq: { args: RestoreRequest, result: RestoreReport };
  shift_current: { args: ShiftCurrentGet, result: Shift | null };
  shift_open: { args: ShiftOpen, result: Shift };
  shift_cash_move: { args: ShiftCashMove, result: Shift };
  shift_close: { args: ShiftClose, result: HandoverSlip };
  shift_slip: { args: ShiftSlipGet, result: HandoverSlip };
  day_preview: { args: DayPreview, result: DayReport };
  day_close: { args: DayClose, result: DayReport };
  day_report: { args: DayReportGet, result: DayReport };
  day_closed_list: { args: DayClosedList, result: Array<ClosedDay> };
  day_settings_get: { args: DaySettingsGet, result: DaySettings };
  day_settings_update: { args: DaySettingsUpdate, result: DaySettings };
  audit_verify: { args: AuditVerify, result: AuditVerification };
  audit_list: { args: AuditList, result: Array<AuditEntry> };
  backup_status: { args: BackupStatusGet, result: BackupStatus };
  backup_settings_update: { args: BackupSettingsUpdate, result: BackupStatus };
  backup_now: { args: BackupNow, result: BackupReport };
  backup_restore: { args: BackupRestore, result: BackupRestored };
  store_check: { args: StoreCheck, result: string | null };
  store_health: { args: StoreHealthGet, result: string | null };
  shift_slip_print: { args: ShiftSlipPrint, result: SavedReport };
  day_report_print: { args: DayReportPrint, result: SavedReport };
  day_report_export: { args: DayReportExport, result: SavedReport };
  guidance_save: { args: GuidanceSave, result: GuidanceRecord };
  guidance_sale_get: { args: GuidanceSaleGet, result: SaleGuidance };
  guidance_sales_of_day: { args: GuidanceSalesOfDay, result: Array<GuidanceSaleRow> };
  guidance_history: { args: GuidanceHistory, result: Array<GuidanceRecord> };
  guidance_product_default_get: { args: GuidanceProductDefaultGet, result: Guidance };
  guidance_product_default_set: { args: GuidanceProductDefaultSet, result: Guidance };
  guidance_for_member: { args: GuidanceForMember, result: Array<MemberGuidance> };
  guidance_slip_print: { args: GuidanceSlipPrint, result: PrintedSlip };
  guidance_slip_pdf: { args: GuidanceSlipPdf, result: SlipPdf };
  complaint_log: { args: NewComplaint, result: Complaint };
  complaint_list: { args: ComplaintList, result: Array<ComplaintRow> };
  complaint_get: { args: ComplaintGet, result: Complaint };
  complaint_contact: { args: ComplaintContactGet, result: ComplaintContact };
  complaint_note: { args: ComplaintNoteAdd, result: Complaint };
  complaint_resolve: { args: ComplaintResolve, result: Complaint };
  complaint_link_return: { args: ComplaintLinkReturn, result: Complaint };
  complaint_compensate: { args: ComplaintCompensate, result: Compensation };
  complaint_callback: { args: ComplaintCallback, result: Complaint };
  complaint_move: { args: ComplaintMove, result: Complaint };
  complaint_summary: { args: ComplaintSummaryGet, result: ComplaintMonthlySummary };
  complaint_summary_export: { args: ComplaintSummaryExport, result: ComplaintSummaryFile };
  member_analytics: { args: MemberAnalytics, result: ProgrammeFigures };
  member_list: { args: MemberList, result: MemberListPage };
  member_list_export: { args: MemberListExport, result: SavedReport };
  care_list: { args: CareListGet, result: CareListView };
  care_list_export: { args: CareListExport, result: SavedReport };
  member_contact_record: { args: ContactInput, result: ContactEntry };
  member_contacts: { args: MemberContacts, result: Array<ContactEntry> };
  owner_worklist: { args: OwnerWorklistGet, result: OwnerWorklist };
  campaign_run: { args: CampaignRunCmd, result: CampaignRun };
}
