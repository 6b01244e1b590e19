//! THE event catalogue: every kind a till writes into its outbox, with its version and the payload
//! type headquarters reads. A kind is written `name@version` (`sale.committed@1`).
//!
//! Rules (docs/sync.md says the same for people):
//! - A payload type is written for headquarters, never borrowed from the UI.
//! - A payload change is a new version (`sale.committed@2`) beside the old one; headquarters
//!   keeps reading every version it ever accepted, so old variants are never removed.
//! - Money is a decimal string with two places (`"25.60"`); ids are UUIDs; times are RFC 3339
//!   UTC; business dates are `YYYY-MM-DD`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Kinds only headquarters writes; a till that sends one has it quarantined, and a till applies
/// one only when headquarters signed it.
pub const HQ_ONLY: &[&str] = &[
    "member.merged@1",
    "member.spend@1",
    "ephedrine.key@1",
    "ephedrine.purchase@1",
    "trace.conflict@1",
];

/// One kind of the catalogue, as listed in docs/sync.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// `name@version`.
    pub kind: &'static str,
    /// What the event says happened.
    pub meaning: &'static str,
}

macro_rules! catalogue {
    ($( $(#[$doc:meta])* $variant:ident = $kind:literal => $ty:ident, $meaning:literal; )*) => {
        /// A typed outbox payload: one variant per `name@version` of the catalogue.
        // One payload lives at a time, for one commit; boxing the sale would only add noise.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Payload {
            $( $(#[$doc])* $variant($ty), )*
        }

        /// Every kind headquarters accepts, in catalogue order.
        pub const KINDS: &[KindInfo] = &[
            $( KindInfo { kind: $kind, meaning: $meaning }, )*
        ];

        impl Payload {
            /// `name@version` of this payload.
            pub fn kind(&self) -> &'static str {
                match self { $( Payload::$variant(_) => $kind, )* }
            }

            /// The payload's JSON text (what the outbox stores and the hash covers).
            pub fn to_json(&self) -> String {
                let r = match self { $( Payload::$variant(p) => serde_json::to_string(p), )* };
                r.expect("catalogue payloads always serialize")
            }

            /// Reads a payload of `kind` from its JSON text.
            pub fn parse(kind: &str, json: &str) -> Result<Payload, ParseError> {
                match kind {
                    $( $kind => serde_json::from_str(json)
                        .map(Payload::$variant)
                        .map_err(|e| ParseError::BadPayload(e.to_string())), )*
                    _ => Err(ParseError::UnknownKind(kind.to_string())),
                }
            }
        }
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    UnknownKind(String),
    BadPayload(String),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::UnknownKind(k) => write!(f, "事件类型“{k}”不在目录中"),
            ParseError::BadPayload(e) => write!(f, "事件内容格式不正确：{e}"),
        }
    }
}

catalogue! {
    SaleCommitted = "sale.committed@1" => SaleCommittedV1,
        "a sale was paid: lines with final nets, tenders, member, points, Rx and ephedrine records";
    ReturnCommitted = "return.committed@1" => ReturnCommittedV1,
        "a (partial) return of a sale: lines, refunds per tender, points taken and given back";
    MemberRegistered = "member.registered@1" => MemberRegisteredV1,
        "a member file was opened at this store";
    MemberFieldEdited = "member.field_edited@1" => MemberFieldEditedV1,
        "one field of a member file changed (last writer wins by HLC stamp)";
    MemberAnonymized = "member.anonymized@1" => MemberAnonymizedV1,
        "a member file was closed and its personal data removed";
    MemberConsent = "member.consent@1" => MemberConsentV1,
        "a consent was granted or withdrawn";
    HealthItemAdded = "member.health_item_added@1" => HealthItemAddedV1,
        "an allergy, condition or long-term medicine was added to the health part";
    HealthItemRemoved = "member.health_item_removed@1" => HealthItemRemovedV1,
        "a pharmacist removed a health item explicitly";
    MemberTierChanged = "member.tier_changed@1" => MemberTierChangedV1,
        "a member moved to another tier";
    PointsEntry = "points.entry@1" => PointsEntryV1,
        "one points ledger entry (earned, redeemed, expired, adjusted, reversed)";
    CouponIssued = "coupon.issued@1" => CouponIssuedV1,
        "a coupon was given to a member";
    CouponUsed = "coupon.used@1" => CouponUsedV1,
        "a coupon was used on a sale";
    CatalogImported = "catalog.imported@1" => CatalogImportedV1,
        "a catalog file was imported at this store";
    CatalogProduct = "catalog.product@1" => CatalogProductV1,
        "a product was added or changed (price included): a store's own, or the chain's from headquarters";
    RulesUpdated = "rules.updated@1" => RulesUpdatedV1,
        "the business rules document changed";
    PharmacySettingsUpdated = "pharmacy_settings.updated@1" => PharmacySettingsUpdatedV1,
        "the pharmacy's name, address, phone, licence or store code changed";
    StaffCreated = "staff.created@1" => StaffCreatedV1,
        "a staff member was added (never with the PIN)";
    StaffUpdated = "staff.updated@1" => StaffUpdatedV1,
        "a staff member was deactivated, reactivated or given other roles (never with the PIN)";
    StaffPinChanged = "staff.pin_changed@1" => StaffPinChangedV1,
        "a staff member changed their PIN (the PIN never leaves the till)";
    DayClosed = "day.closed@1" => DayClosedV1,
        "a store manager closed a business day (日结): the numbered report as signed";
    MemberMerged = "member.merged@1" => MemberMergedV1,
        "headquarters merged a duplicate member into the surviving one";
    MemberSpend = "member.spend@1" => MemberSpendV1,
        "headquarters: a member's net spend at a store (a sale +, a return −), for chain-wide tiers";
    EphedrineKey = "ephedrine.key@1" => EphedrineKeyV1,
        "headquarters: the chain's key for digests of ephedrine buyers' ID numbers";
    EphedrinePurchase = "ephedrine.purchase@1" => EphedrinePurchaseV1,
        "headquarters: an ephedrine purchase somewhere in the chain, by the buyer's ID digest";
    FollowUpScheduled = "followup.scheduled@1" => FollowUpScheduledV1,
        "a sale made follow-up tasks (用药随访 一期, refill reminders) for a member, in the sale's own write";
    FollowUpCompleted = "followup.completed@1" => FollowUpCompletedV1,
        "a pharmacist recorded a follow-up's outcome (and scheduled the next visit, or none)";
    FollowUpClosed = "followup.closed@1" => FollowUpClosedV1,
        "open follow-up tasks were closed: their medicines all came back (a return), or a refill reminder's product was bought again";
    TraceConflict = "trace.conflict@1" => TraceConflictV1,
        "headquarters: the sales a 药品追溯码 is out at now, when that is two or more (flagged) or was";
    GuidanceRecorded = "guidance.recorded@1" => GuidanceRecordedV1,
        "a pharmacist's medication guidance (用药指导) for one sale line, with its author";
    ComplaintLogged = "complaint.logged@1" => ComplaintLoggedV1,
        "a complaint (投诉) was taken at this store: complainant, channel, category, description";
    ComplaintUpdated = "complaint.updated@1" => ComplaintUpdatedV1,
        "a complaint changed: a verification note, a resolution, a call-back, a status change";
    MemberContacted = "member.contacted@1" => MemberContactedV1,
        "a staff member called or messaged a member (care: birthday, points expiring, dormant, thanks): when, how, about what, the answer";
}

/// A hybrid logical clock stamp (SYNC-DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HlcStamp {
    pub wall_ms: i64,
    pub counter: u32,
    pub device: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleCommittedV1 {
    pub sale: SaleV1,
    pub store_id: Uuid,
    pub device_id: Uuid,
    #[serde(default)]
    pub prescription: Option<PrescriptionV1>,
    /// (buyer name, resident ID number) of an ephedrine sale.
    #[serde(default)]
    pub ephedrine_buyer: Option<(String, String)>,
    /// (sale line, allergen classes, pharmacist) of each allergy warning sold through.
    #[serde(default)]
    pub allergy_acks: Vec<(Uuid, String, Uuid)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleV1 {
    pub id: Uuid,
    pub receipt_no: String,
    pub business_date: String,
    pub at: String,
    pub cashier_id: Uuid,
    #[serde(default)]
    pub member: Option<SaleMemberV1>,
    pub lines: Vec<SaleLineV1>,
    pub payments: Vec<TenderV1>,
    #[serde(with = "rust_decimal::serde::str")]
    pub subtotal: Decimal,
    pub discounts: DiscountsV1,
    #[serde(with = "rust_decimal::serde::str")]
    pub payable: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub tendered: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub change: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub insurance: Decimal,
    pub points_used: i64,
    pub points_earned: i64,
    #[serde(default)]
    pub rx_reviewed_by: Option<Uuid>,
    /// The coupon used, and the member's balance right after the sale (what its receipt prints).
    #[serde(default)]
    pub coupon_id: Option<Uuid>,
    #[serde(default)]
    pub points_balance_after: Option<i64>,
    /// The pricing engine's explanation of the sale, the JSON text exactly as the till stored it
    /// (for a rebuilt till).
    #[serde(default)]
    pub pricing: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleMemberV1 {
    pub id: Uuid,
    pub card_no: String,
    /// The tier the sale was priced at (`normal`, `silver`, `gold`, `diamond`).
    pub tier: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleLineV1 {
    pub id: Uuid,
    pub product_id: Uuid,
    pub barcode: String,
    pub name: String,
    pub spec: String,
    #[serde(default)]
    pub unit: String,
    /// 生产厂家 as the product had it at the sale (printed on the receipt); absent in events
    /// written before receipts named it.
    #[serde(default)]
    pub manufacturer: Option<String>,
    #[serde(default)]
    pub batch_no: Option<String>,
    #[serde(default)]
    pub batch_expires_on: Option<String>,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    pub quantity: u32,
    /// unit price × quantity before any discount.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub list_amount: Option<Decimal>,
    /// The rate applied (`"0.95"`), and who overrode the price and why.
    #[serde(default)]
    pub rate: Option<String>,
    #[serde(default)]
    pub override_by: Option<Uuid>,
    #[serde(default)]
    pub override_reason: Option<String>,
    /// How the line was priced (`non_member`, `not_discountable`, `tier`, `member_day`, `override`).
    pub rule: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub net: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub coupon_share: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub points_share: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub small_change_share: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub final_net: Decimal,
    pub rx: bool,
    pub ephedrine: bool,
    pub insurance: bool,
    pub points_eligible: bool,
    #[serde(default)]
    pub guidance: Option<String>,
    /// The 药品追溯码 of each pack sold on this line (added field: older events have none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace_codes: Vec<TraceCodeV1>,
}

/// One pack's 药品追溯码: `msfx` (码上放心), `maker` or `gs1` (with what the DataMatrix says).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceCodeV1 {
    pub code: String,
    pub kind: String,
    #[serde(default)]
    pub gtin: Option<String>,
    #[serde(default)]
    pub batch_no: Option<String>,
    #[serde(default)]
    pub expires_on: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenderV1 {
    /// `cash`, `wechat`, `alipay`, `card`, `insurance`.
    pub kind: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    #[serde(default)]
    pub settlement_no: Option<String>,
    /// The 付款码 or transaction number of a WeChat / Alipay / card payment (added field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscountsV1 {
    #[serde(with = "rust_decimal::serde::str")]
    pub tier: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub member_day: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub manual: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub coupon: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub points: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub small_change: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrescriptionV1 {
    pub hospital: String,
    pub doctor: String,
    pub prescribed_on: String,
    pub diagnosis: String,
    #[serde(default)]
    pub approved_by: Option<Uuid>,
    #[serde(default)]
    pub approved_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnCommittedV1 {
    pub id: Uuid,
    pub receipt_no: String,
    pub sale_id: Uuid,
    pub sale_receipt_no: String,
    pub at: String,
    pub business_date: String,
    pub cashier_id: Uuid,
    pub approved_by: Uuid,
    /// The quality reason's code.
    pub reason: String,
    pub reason_note: String,
    pub lines: Vec<ReturnLineV1>,
    pub refunds: Vec<RefundV1>,
    #[serde(with = "rust_decimal::serde::str")]
    pub refund: Decimal,
    pub points_taken_back: i64,
    pub points_given_back: i64,
    pub full: bool,
    /// The member's balance right after the return (what its receipt prints).
    #[serde(default)]
    pub points_balance_after: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnLineV1 {
    pub sale_line_id: Uuid,
    pub quantity: u32,
    #[serde(with = "rust_decimal::serde::str")]
    pub refund: Decimal,
    /// The 药品追溯码 of the packs that came back (added field: older events have none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace_codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundV1 {
    pub kind: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// The whole basic file of a new member (headquarters keeps members for the chain).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRegisteredV1 {
    pub id: Uuid,
    pub card_no: String,
    /// The whole mobile number: the chain's key for a member.
    pub phone: String,
    pub name: String,
    /// `male`, `female`, `unknown`.
    pub gender: String,
    #[serde(default)]
    pub birthday: Option<String>,
    pub address: String,
    pub occupation: String,
    pub tags: String,
    pub store_id: Uuid,
    pub registered_by: Uuid,
    pub created_at: String,
    pub hlc: HlcStamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberFieldEditedV1 {
    pub edit_id: Uuid,
    pub member_id: Uuid,
    /// `name`, `phone`, `gender`, `birthday`, `address`, `occupation`, `tags`, `owner_staff_id`.
    pub field: String,
    #[serde(default)]
    pub value: Option<String>,
    pub at: String,
    pub by_staff: Uuid,
    pub hlc: HlcStamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberAnonymizedV1 {
    pub member_id: Uuid,
    pub at: String,
    pub by_staff: Uuid,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberConsentV1 {
    pub member_id: Uuid,
    pub event: ConsentEventV1,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentEventV1 {
    pub id: Uuid,
    /// `basic`, `health`.
    pub scope: String,
    pub granted: bool,
    pub notice_version: String,
    pub at: String,
    pub by_staff: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthItemAddedV1 {
    pub member_id: Uuid,
    pub item: HealthItemV1,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthItemV1 {
    pub id: Uuid,
    /// `allergy`, `condition`, `medicine`, `special_group`.
    pub kind: String,
    pub code: String,
    pub note: String,
    pub added_at: String,
    pub added_by: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthItemRemovedV1 {
    pub member_id: Uuid,
    pub item_id: Uuid,
    pub at: String,
    pub by_staff: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberTierChangedV1 {
    pub member_id: Uuid,
    pub from: String,
    pub to: String,
    /// Net spend over the trailing 365 days that decided it.
    #[serde(with = "rust_decimal::serde::str")]
    pub spend: Decimal,
    pub at: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointsEntryV1 {
    pub id: Uuid,
    pub member_id: Uuid,
    /// `earn`, `redeem`, `expire`, `adjust`, `reverse`, `merge`.
    pub kind: String,
    pub points: i64,
    #[serde(default)]
    pub expires_on: Option<String>,
    #[serde(default)]
    pub sale_id: Option<Uuid>,
    #[serde(default)]
    pub reverses: Option<Uuid>,
    pub reason: String,
    #[serde(default)]
    pub by_staff: Option<Uuid>,
    pub at: String,
    pub business_date: String,
    /// (lot, points) a negative entry drew from, oldest first.
    #[serde(default)]
    pub draws: Vec<(Uuid, i64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouponIssuedV1 {
    pub id: Uuid,
    pub member_id: Uuid,
    pub kind: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub face: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub min_spend: Decimal,
    pub valid_from: String,
    pub valid_until: String,
    #[serde(default)]
    pub issue_key: Option<String>,
    pub reason: String,
    pub issued_at: String,
    #[serde(default)]
    pub issued_by: Option<Uuid>,
    /// A percent coupon's percent off (1–99; 10 = 9 折); absent = a fixed amount (`face`). For a
    /// percent coupon `face` is the most it takes off (its cap, or 99999999.99).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<u32>,
    /// A percent coupon's cap; absent = none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    pub cap: Option<Decimal>,
    /// The products the coupon is limited to; empty (or absent) = no limit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope_products: Vec<Uuid>,
    /// The categories the coupon is limited to; empty (or absent) = no limit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope_categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouponUsedV1 {
    pub coupon_id: Uuid,
    pub member_id: Uuid,
    pub sale_id: Uuid,
    pub at: String,
    pub by_staff: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogImportedV1 {
    pub source: String,
    pub created: u64,
    pub updated: u64,
    pub price_changes: u64,
    pub skipped_rows: u64,
}

/// One product of the catalog as the till sells it, keyed by its barcode (product ids are each
/// till's own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogProductV1 {
    pub barcode: String,
    pub name: String,
    pub generic_name: String,
    pub spec: String,
    pub dosage_form: String,
    pub manufacturer: String,
    pub unit: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub price: Decimal,
    pub category: String,
    pub rx: bool,
    pub ephedrine: bool,
    pub insurance: bool,
    pub member_discount: bool,
    pub points: bool,
    pub follow_up: bool,
    #[serde(default)]
    pub allergen_classes: Vec<String>,
    #[serde(default)]
    pub days_of_supply: Option<u32>,
    #[serde(default)]
    pub guidance: String,
}

/// The whole rules document (PRODUCT.md §4) as the manager saved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RulesUpdatedV1 {
    pub document: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PharmacySettingsUpdatedV1 {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub licence_no: String,
    pub store_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayClosedV1 {
    pub business_date: String,
    /// 1, 2, 3 … in the till's closing order.
    pub number: i64,
    pub closed_at: String,
    pub closed_by: Uuid,
    /// The till's audit chain hash sealed into the report.
    pub audit_hash: String,
    /// The report as signed (fields in docs/api.md, `day_close_report`).
    pub report: serde_json::Value,
}

/// A staff member as they are now (the same fields as `staff.created@1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffUpdatedV1 {
    pub id: Uuid,
    pub staff_no: String,
    pub name: String,
    /// `cashier`, `pharmacist`, `manager`.
    pub roles: Vec<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffCreatedV1 {
    pub id: Uuid,
    pub staff_no: String,
    pub name: String,
    /// `cashier`, `pharmacist`, `manager`.
    pub roles: Vec<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffPinChangedV1 {
    pub staff_id: Uuid,
}

/// Headquarters' own event: `merged` (the later registration of the same phone) now lives on
/// as `survivor`. Its points moved by ledger entries that come as their own events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberMergedV1 {
    pub merged: Uuid,
    pub survivor: Uuid,
    pub phone: String,
    pub at: String,
}

/// Headquarters' own: a member's net spend from one sale (+) or return (−) at a store. Tills
/// learn the chain-wide spend (for tiers) from these, never from other stores' whole sales,
/// which carry prescriptions and ephedrine buyers' ID numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberSpendV1 {
    /// The sale's or the return's id.
    pub id: Uuid,
    pub member_id: Uuid,
    pub store_id: Uuid,
    pub business_date: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub net: Decimal,
    pub at: String,
}

/// Headquarters' own: the key tills use to digest a typed ID number ([`id_digest`]) and find the
/// chain's purchases by that buyer, without any till holding another store's ID numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EphedrineKeyV1 {
    pub key_id: Uuid,
    /// 32 bytes, hex.
    pub key: String,
}

/// Headquarters' own: where a 药品追溯码 is out in the chain (sold and not brought back). Sent
/// when a code becomes out at two or more sales at once (the same pack cannot have been sold
/// twice: one of the scans is wrong or the code is forged), and again whenever a sale or return
/// of that code changes the list, so a till clears its flag when only one sale is left.
/// SYNC-DESIGN: both sales stand; people sort it out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceConflictV1 {
    pub code: String,
    /// Every sale the code is out at now; fewer than two means no conflict any more.
    pub sales: Vec<TraceConflictSaleV1>,
}

/// One sale a code is out at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceConflictSaleV1 {
    pub sale_id: Uuid,
    pub store_id: Uuid,
    /// The store's name at headquarters (for the till's message).
    pub store_name: String,
    pub receipt_no: String,
    pub business_date: String,
}

/// Headquarters' own: one ephedrine purchase in the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EphedrinePurchaseV1 {
    pub sale_id: Uuid,
    pub store_id: Uuid,
    pub key_id: Uuid,
    /// [`id_digest`] of the buyer's resident ID number.
    pub digest: String,
    pub business_date: String,
    /// Smallest packages bought (all ephedrine lines of the sale).
    pub packages: u32,
}

/// One medication guidance record (用药指导) for a sale line: the structured fields, the
/// pharmacist who gave it and how they were identified. Records are append-only; the newest of a
/// line is its guidance. Guidance given on the cart is sent at the sale's commit (after its
/// `sale.committed@1`), guidance given afterwards when it is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuidanceRecordedV1 {
    pub id: Uuid,
    pub sale_id: Uuid,
    pub line_id: Uuid,
    pub product_id: Uuid,
    /// The sale's member, if any.
    #[serde(default)]
    pub member_id: Option<Uuid>,
    pub dose: String,
    pub frequency: String,
    pub timing: String,
    pub duration: String,
    pub watch_for: String,
    pub taboos: String,
    pub note: String,
    pub pharmacist_id: Uuid,
    pub pharmacist_name: String,
    /// `login` (the pharmacist's own session) or `pin` (staff number and PIN at a till).
    pub via: String,
    /// Who was logged in at the till.
    pub recorded_by: Uuid,
    /// `cart` (before payment) or `sale` (on the committed sale).
    pub stage: String,
    pub at: String,
    pub business_date: String,
}

/// A complaint taken at a store. The complainant is a member (by id only: the member file holds
/// the name and phone) or a walk-in, whose name and phone travel whole: headquarters keeps them
/// as the store's second copy and for the call-back, and never sends them to another till.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintLoggedV1 {
    pub id: Uuid,
    pub complaint_no: String,
    #[serde(default)]
    pub member_id: Option<Uuid>,
    #[serde(default)]
    pub walk_in: Option<ComplaintWalkInV1>,
    /// `counter`, `phone`, `wechat`, `other`.
    pub channel: String,
    /// `quality`, `service`, `price`, `other`.
    pub category: String,
    pub description: String,
    #[serde(default)]
    pub sale_id: Option<Uuid>,
    #[serde(default)]
    pub product_id: Option<Uuid>,
    pub taken_by: Uuid,
    pub taken_at: String,
    pub business_date: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintWalkInV1 {
    pub name: String,
    pub phone: String,
}

/// One change of a complaint: `action` says which, the fields that belong to it are set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintUpdatedV1 {
    pub complaint_id: Uuid,
    /// `note`, `resolution`, `callback_set`, `callback_result`, `status`.
    pub action: String,
    pub at: String,
    pub by_staff: Uuid,
    /// The complaint's status after the change: `verifying`, `handling`, `awaiting_callback`, `closed`.
    pub status: String,
    /// A note's text, a resolution's note, or a call-back's result.
    #[serde(default)]
    pub text: Option<String>,
    /// A resolution's kind: `return`, `exchange`, `explanation`, `apology`, `coupon`.
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default)]
    pub return_id: Option<Uuid>,
    #[serde(default)]
    pub coupon_id: Option<Uuid>,
    /// The call-back date set, `YYYY-MM-DD`.
    #[serde(default)]
    pub callback_on: Option<String>,
}

/// The keyed digest of a resident ID number (HMAC-SHA256, hex), the same at headquarters and
/// at every till: the last character is upper-cased first (`x` and `X` are one number).
pub fn id_digest(key: &[u8], id_number: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(id_number.trim().to_ascii_uppercase().as_bytes());
    let out = mac.finalize().into_bytes();
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// A follow-up task as the till made it (id minted on the till; `key` is unique per task:
/// `visit:<sale>:1`, `refill:<sale line>`, `next:<previous task>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpTaskV1 {
    pub id: Uuid,
    pub key: String,
    pub member_id: Uuid,
    pub sale_id: Uuid,
    /// `visit` or `refill`.
    pub kind: String,
    #[serde(default)]
    pub visit_no: Option<u32>,
    /// `rx`, `follow_up`, `elderly`, `child`, `refill`.
    pub reasons: Vec<String>,
    pub due_on: String,
    pub created_at: String,
    #[serde(default)]
    pub created_by: Option<Uuid>,
    #[serde(default)]
    pub previous_id: Option<Uuid>,
    pub sale_line_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpScheduledV1 {
    pub tasks: Vec<FollowUpTaskV1>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpCompletedV1 {
    pub task_id: Uuid,
    pub member_id: Uuid,
    /// `phone`, `wechat`, `visit`.
    pub channel: String,
    /// `good`, `partial`, `none`, `unknown`.
    pub effect: String,
    pub adverse_reactions: String,
    /// `good`, `partial`, `poor`.
    pub adherence: String,
    /// `continue`, `stop`, `see_doctor`.
    pub advice: String,
    pub note: String,
    pub recorded_by: Uuid,
    pub recorded_at: String,
    /// The next visit it scheduled, if any.
    #[serde(default)]
    pub next: Option<FollowUpTaskV1>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpClosedV1 {
    pub task_ids: Vec<Uuid>,
    /// `returned` (a return brought the medicines back) or `refilled` (bought again).
    pub reason: String,
    #[serde(default)]
    pub return_id: Option<Uuid>,
    /// The sale that refilled them.
    #[serde(default)]
    pub sale_id: Option<Uuid>,
    pub at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_digest_is_keyed_and_ignores_the_case_of_x() {
        let a = id_digest(b"key-one", "11010519491231002x");
        assert_eq!(a, id_digest(b"key-one", "11010519491231002X"));
        assert_ne!(a, id_digest(b"key-two", "11010519491231002X"));
        assert_eq!(a.len(), 64);
        assert!(!a.contains("110105"));
    }

    #[test]
    fn every_kind_is_name_at_version_and_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for k in KINDS {
            let (name, version) = k.kind.split_once('@').expect("name@version");
            assert!(
                !name.is_empty() && version.parse::<u32>().is_ok(),
                "{}",
                k.kind
            );
            assert!(seen.insert(k.kind), "{} listed twice", k.kind);
        }
    }

    #[test]
    fn a_payload_reads_back_as_its_kind_and_nothing_else() {
        let p = Payload::StaffPinChanged(StaffPinChangedV1 {
            staff_id: Uuid::nil(),
        });
        let json = p.to_json();
        assert_eq!(Payload::parse(p.kind(), &json), Ok(p.clone()));
        assert!(matches!(
            Payload::parse("staff.pin_changed@9", &json),
            Err(ParseError::UnknownKind(_))
        ));
        assert!(matches!(
            Payload::parse("points.entry@1", &json),
            Err(ParseError::BadPayload(_))
        ));
    }

    #[test]
    fn a_coupon_issued_before_coupon_kinds_still_reads_and_a_percent_one_round_trips() {
        let old = r#"{"id":"00000000-0000-0000-0000-000000000001","member_id":"00000000-0000-0000-0000-000000000002",
            "kind":"manual","face":"5.00","min_spend":"20.00","valid_from":"2026-11-23",
            "valid_until":"2026-11-29","reason":"补偿","issued_at":"2026-11-23T02:00:00Z"}"#;
        let Ok(Payload::CouponIssued(c)) = Payload::parse("coupon.issued@1", old) else {
            panic!("an old coupon.issued@1 must read");
        };
        assert_eq!((c.percent, c.cap), (None, None));
        assert!(c.scope_products.is_empty() && c.scope_categories.is_empty());
        let p = Payload::CouponIssued(CouponIssuedV1 {
            percent: Some(10),
            cap: Some(Decimal::new(2000, 2)),
            scope_categories: vec!["感冒用药".into()],
            ..c
        });
        let json = p.to_json();
        assert!(json.contains(r#""cap":"20.00""#), "{json}");
        assert_eq!(Payload::parse(p.kind(), &json), Ok(p));
    }

    #[test]
    fn docs_sync_md_lists_every_kind() {
        let doc = include_str!("../../../docs/sync.md");
        for k in KINDS {
            assert!(
                doc.contains(&format!("`{}`", k.kind)),
                "docs/sync.md lacks {}",
                k.kind
            );
        }
    }
}

/// One entry of a member's contact log (会员联系记录): a care call or message and its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberContactedV1 {
    pub id: Uuid,
    pub member_id: Uuid,
    pub staff_id: Uuid,
    pub at: String,
    /// `phone`, `sms`, `wechat`, `visit`.
    pub channel: String,
    /// `birthday`, `points_expiring`, `dormant`, `thanks`, `top_class`, `other`.
    pub topic: String,
    /// `reached`, `no_answer`, `declined`, `wrong_number`, `sent`.
    pub answer: String,
    pub note: String,
}
