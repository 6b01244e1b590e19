//! Errors with stable codes. The UI and the CLI branch on `code`; `message` is Chinese text for
//! staff that says what to do next. Codes are part of the API: never rename one.

use serde::Serialize;
use ts_rs::TS;

/// Every failure the core can report. The string form (`as_str`) is the stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The request was not valid JSON or lacked fields.
    BadRequest,
    /// No such command.
    UnknownCommand,
    /// The caller is not logged in.
    NotLoggedIn,
    /// The caller's roles do not allow the operation.
    Forbidden,
    /// Staff number or PIN wrong.
    WrongPin,
    /// Too many wrong PINs: the account is locked for a while.
    AccountLocked,
    /// The account is deactivated.
    AccountInactive,
    /// The till is locked (`session_lock`): only `session_unlock` with the logged-in staff
    /// member's own PIN runs.
    SessionLocked,
    /// A PIN that does not follow the PIN rules.
    InvalidPin,
    /// A staff number that does not follow the rules.
    InvalidStaffNo,
    /// Staff number already used.
    DuplicateStaffNo,
    /// Creating the first manager when staff already exist.
    SetupAlreadyDone,
    /// A field that is required is empty or too long.
    InvalidField,
    /// A barcode with wrong length, non-digits or a wrong check digit.
    InvalidBarcode,
    /// No product with this barcode or id.
    ProductNotFound,
    /// A quantity outside 1..=999.
    InvalidQuantity,
    /// An amount that is negative, has more than 2 decimals or is too large.
    InvalidAmount,
    /// The cart does not exist or is no longer open.
    CartNotFound,
    /// The cart line does not exist.
    CartLineNotFound,
    /// A catalog file that cannot be read at all (encoding, header).
    ImportUnreadable,
    /// A catalog file with bad rows, imported nothing.
    ImportHasErrors,
    /// A catalog row problem (only inside import reports).
    ImportRow,
    /// The database could not be opened, migrated or written.
    Storage,
    /// Not a mainland China mobile number.
    InvalidPhone,
    /// Business rules that do not make sense (tiers out of order, rates outside 0–1).
    InvalidRules,
    /// No member with this id, phone or card number.
    MemberNotFound,
    /// The phone number already belongs to another active member.
    DuplicatePhone,
    /// A member name that is empty or longer than 50 characters.
    InvalidMemberName,
    /// A birthday that is malformed, in the future or before 1900.
    InvalidBirthday,
    /// A member card number with wrong length, prefix or check digit.
    InvalidCardNo,
    /// A member search that is neither a phone, its last 4 digits, a card number, a name nor pinyin initials.
    InvalidMemberQuery,
    /// Registering without the member's basic consent, or withdrawing it without anonymizing.
    ConsentRequired,
    /// Recording health data without the member's separate health consent.
    HealthConsentRequired,
    /// The member was anonymized on request; the file can no longer be changed.
    MemberAnonymized,
    /// Headquarters merged this member into another with the same phone.
    MemberMerged,
    /// The coupon is used, expired, not yet valid or not the member's.
    CouponNotAvailable,
    /// More points asked for than the member has.
    InsufficientPoints,
    /// A points amount that is zero, not whole, or out of range.
    InvalidPoints,
    /// An adjustment, anonymization or approval that needs a written reason.
    ReasonRequired,
    /// No such health item, or it was already removed.
    HealthItemNotFound,
    /// A health item of an unknown kind or class, or with an over-long note.
    InvalidHealthItem,
    /// A PDF could not be produced or saved (no renderer, or the folder cannot be written).
    DocumentUnavailable,
    /// The tenders add up to less than the amount due.
    TenderShort,
    /// A tender that is zero, a non-cash total above the amount due, or 医保 without a settlement number.
    InvalidTender,
    /// 医保 asked to pay more than the insurance-listed lines cost.
    InsuranceOverCap,
    /// The sale was paid already (a second Pay, a retried request); nothing was recorded again.
    AlreadyPaid,
    /// The return was recorded already (a retried request); nothing was recorded again.
    ReturnAlreadyRecorded,
    /// The cart is held (挂单); recall it first.
    CartHeld,
    /// Paying or holding a cart without lines.
    EmptyCart,
    /// A coupon or points on a sale without a member.
    MemberRequired,
    /// Every batch of the product on record has expired, or the line's batch expired since.
    ExpiredStock,
    /// Rx lines without a prescription record.
    PrescriptionRequired,
    /// Rx lines not (or no longer all) approved by a pharmacist.
    RxApprovalRequired,
    /// The staff number and PIN typed to approve belong to someone without the role needed.
    ApproverNotAuthorized,
    /// More than 2 packages of ephedrine-containing preparations in one sale.
    EphedrineLimit,
    /// Ephedrine-containing lines without the buyer's name and ID number.
    EphedrineBuyerRequired,
    /// A resident ID number with wrong length, date or GB 11643 check character.
    InvalidIdNumber,
    /// A line matches the member's allergies and no pharmacist has acknowledged it.
    AllergyAckRequired,
    /// No sale (or return) with that id or receipt number.
    SaleNotFound,
    /// The receipt is a return's; returns cannot be returned.
    ReturnOfReturn,
    /// Returning more of a line than is left to return, or a line not on the sale.
    ReturnExceedsSale,
    /// A return without a quality reason (or 'other' without a note).
    ReturnReasonRequired,
    /// The receipt could not be sent to the printer (the PDF is saved).
    PrintFailed,
    /// The till is not connected to headquarters (no address or token).
    SyncNotConfigured,
    /// Headquarters could not be reached or refused the sync; nothing was lost.
    SyncFailed,
    /// A restore from headquarters into a store file that already has records of its own.
    RestoreNotEmpty,
    /// Opening a shift while this till has one open.
    ShiftAlreadyOpen,
    /// Cash in/out or closing a shift when none is open.
    NoOpenShift,
    /// A cash count with letters, a negative or huge count, or an unknown denomination.
    InvalidCount,
    /// Closing a day while a shift of that day is still open.
    ShiftStillOpen,
    /// Closing a business day that is closed already.
    DayAlreadyClosed,
    /// Closing a business day that has not begun, or reading the report of a day never closed.
    DayNotClosable,
    /// The audit log does not verify: an entry was edited, removed or slipped in.
    AuditChainBroken,
    /// No staff member with that id.
    StaffNotFound,
    /// Deactivating oneself, or the store's last active manager (or taking away their manager role).
    LastManager,
    /// The store file failed its integrity check: writes are refused until it is restored.
    StoreDamaged,
    /// A file chosen for a restore is not a whole PharmaPOS store (or is damaged itself).
    NotAStore,
    /// A backup could not be written or did not pass its check.
    BackupFailed,
    /// A 药品追溯码 that is none of the three kinds in use (or a GS1 code with a bad GTIN or date).
    TraceCodeInvalid,
    /// The same 药品追溯码 scanned twice in one sale.
    TraceCodeDuplicate,
    /// A 药品追溯码 already sold in this store and not returned.
    TraceCodeSold,
    /// A 药品追溯码 with no line waiting for it (scan the product first).
    TraceCodeNoLine,
    /// Payment before every pack that needs a 药品追溯码 has one.
    TraceCodesRequired,
    /// A cashier opening the prescription or ephedrine register (pharmacists and managers only;
    /// the attempt is logged).
    RegisterForbidden,
    /// No ephedrine register line with that id.
    RegisterEntryNotFound,
    /// A prescription image that is not an image, too large, missing or cannot be copied.
    PrescriptionImageInvalid,
    /// No follow-up task with that id.
    FollowUpNotFound,
    /// Recording an outcome for a follow-up that is done already or was closed by a return.
    FollowUpNotOpen,
    /// A follow-up outcome with a next date not after today (or over a year ahead), or text too long.
    InvalidFollowUp,
    /// Printing a guidance slip (用药指导单) for a line or a sale that has no guidance yet.
    GuidanceNotRecorded,
    /// No complaint with that id.
    ComplaintNotFound,
    /// A complaint status change the process does not allow (待核实 → 处理中 → 待回访 → 已关闭), or a
    /// resolution before the complaint was verified.
    ComplaintStatusInvalid,
    /// Changing a complaint that is closed (已关闭).
    ComplaintClosed,
    /// Closing a complaint (or waiting for its call-back) before anything was done about it.
    ComplaintResolutionRequired,
    /// Closing a complaint whose call-back date is set before the call-back's result is recorded.
    ComplaintCallbackResultRequired,
    /// A resolution that does not fit the complaint: an exchange without a quality problem, a return
    /// of another sale or already linked to a complaint, a return recorded without the return flow.
    ComplaintResolutionInvalid,
    /// A care call or message logged for a member who has not consented to contact (关怀联系授权).
    ContactConsentRequired,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::UnknownCommand => "UNKNOWN_COMMAND",
            ErrorCode::NotLoggedIn => "NOT_LOGGED_IN",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::WrongPin => "WRONG_PIN",
            ErrorCode::AccountLocked => "ACCOUNT_LOCKED",
            ErrorCode::AccountInactive => "ACCOUNT_INACTIVE",
            ErrorCode::SessionLocked => "SESSION_LOCKED",
            ErrorCode::InvalidPin => "INVALID_PIN",
            ErrorCode::InvalidStaffNo => "INVALID_STAFF_NO",
            ErrorCode::DuplicateStaffNo => "DUPLICATE_STAFF_NO",
            ErrorCode::SetupAlreadyDone => "SETUP_ALREADY_DONE",
            ErrorCode::InvalidField => "INVALID_FIELD",
            ErrorCode::InvalidBarcode => "INVALID_BARCODE",
            ErrorCode::ProductNotFound => "PRODUCT_NOT_FOUND",
            ErrorCode::InvalidQuantity => "INVALID_QUANTITY",
            ErrorCode::InvalidAmount => "INVALID_AMOUNT",
            ErrorCode::CartNotFound => "CART_NOT_FOUND",
            ErrorCode::CartLineNotFound => "CART_LINE_NOT_FOUND",
            ErrorCode::ImportUnreadable => "IMPORT_UNREADABLE",
            ErrorCode::ImportHasErrors => "IMPORT_HAS_ERRORS",
            ErrorCode::ImportRow => "IMPORT_ROW",
            ErrorCode::Storage => "STORAGE",
            ErrorCode::InvalidPhone => "INVALID_PHONE",
            ErrorCode::InvalidRules => "INVALID_RULES",
            ErrorCode::MemberNotFound => "MEMBER_NOT_FOUND",
            ErrorCode::DuplicatePhone => "DUPLICATE_PHONE",
            ErrorCode::InvalidMemberName => "INVALID_MEMBER_NAME",
            ErrorCode::InvalidBirthday => "INVALID_BIRTHDAY",
            ErrorCode::InvalidCardNo => "INVALID_CARD_NO",
            ErrorCode::InvalidMemberQuery => "INVALID_MEMBER_QUERY",
            ErrorCode::ConsentRequired => "CONSENT_REQUIRED",
            ErrorCode::HealthConsentRequired => "HEALTH_CONSENT_REQUIRED",
            ErrorCode::MemberAnonymized => "MEMBER_ANONYMIZED",
            ErrorCode::MemberMerged => "MEMBER_MERGED",
            ErrorCode::CouponNotAvailable => "COUPON_NOT_AVAILABLE",
            ErrorCode::InsufficientPoints => "INSUFFICIENT_POINTS",
            ErrorCode::InvalidPoints => "INVALID_POINTS",
            ErrorCode::ReasonRequired => "REASON_REQUIRED",
            ErrorCode::HealthItemNotFound => "HEALTH_ITEM_NOT_FOUND",
            ErrorCode::InvalidHealthItem => "INVALID_HEALTH_ITEM",
            ErrorCode::DocumentUnavailable => "DOCUMENT_UNAVAILABLE",
            ErrorCode::TenderShort => "TENDER_SHORT",
            ErrorCode::InvalidTender => "INVALID_TENDER",
            ErrorCode::InsuranceOverCap => "INSURANCE_OVER_CAP",
            ErrorCode::AlreadyPaid => "ALREADY_PAID",
            ErrorCode::ReturnAlreadyRecorded => "RETURN_ALREADY_RECORDED",
            ErrorCode::CartHeld => "CART_HELD",
            ErrorCode::EmptyCart => "EMPTY_CART",
            ErrorCode::MemberRequired => "MEMBER_REQUIRED",
            ErrorCode::ExpiredStock => "EXPIRED_STOCK",
            ErrorCode::PrescriptionRequired => "PRESCRIPTION_REQUIRED",
            ErrorCode::RxApprovalRequired => "RX_APPROVAL_REQUIRED",
            ErrorCode::ApproverNotAuthorized => "APPROVER_NOT_AUTHORIZED",
            ErrorCode::EphedrineLimit => "EPHEDRINE_LIMIT",
            ErrorCode::EphedrineBuyerRequired => "EPHEDRINE_BUYER_REQUIRED",
            ErrorCode::InvalidIdNumber => "INVALID_ID_NUMBER",
            ErrorCode::AllergyAckRequired => "ALLERGY_ACK_REQUIRED",
            ErrorCode::SaleNotFound => "SALE_NOT_FOUND",
            ErrorCode::ReturnOfReturn => "RETURN_OF_RETURN",
            ErrorCode::ReturnExceedsSale => "RETURN_EXCEEDS_SALE",
            ErrorCode::ReturnReasonRequired => "RETURN_REASON_REQUIRED",
            ErrorCode::PrintFailed => "PRINT_FAILED",
            ErrorCode::SyncNotConfigured => "SYNC_NOT_CONFIGURED",
            ErrorCode::SyncFailed => "SYNC_FAILED",
            ErrorCode::RestoreNotEmpty => "RESTORE_NOT_EMPTY",
            ErrorCode::ShiftAlreadyOpen => "SHIFT_ALREADY_OPEN",
            ErrorCode::NoOpenShift => "NO_OPEN_SHIFT",
            ErrorCode::InvalidCount => "INVALID_COUNT",
            ErrorCode::ShiftStillOpen => "SHIFT_STILL_OPEN",
            ErrorCode::DayAlreadyClosed => "DAY_ALREADY_CLOSED",
            ErrorCode::DayNotClosable => "DAY_NOT_CLOSABLE",
            ErrorCode::AuditChainBroken => "AUDIT_CHAIN_BROKEN",
            ErrorCode::StaffNotFound => "STAFF_NOT_FOUND",
            ErrorCode::LastManager => "LAST_MANAGER",
            ErrorCode::StoreDamaged => "STORE_DAMAGED",
            ErrorCode::NotAStore => "NOT_A_STORE",
            ErrorCode::BackupFailed => "BACKUP_FAILED",
            ErrorCode::TraceCodeInvalid => "TRACE_CODE_INVALID",
            ErrorCode::TraceCodeDuplicate => "TRACE_CODE_DUPLICATE",
            ErrorCode::TraceCodeSold => "TRACE_CODE_SOLD",
            ErrorCode::TraceCodeNoLine => "TRACE_CODE_NO_LINE",
            ErrorCode::TraceCodesRequired => "TRACE_CODES_REQUIRED",
            ErrorCode::RegisterForbidden => "REGISTER_FORBIDDEN",
            ErrorCode::RegisterEntryNotFound => "REGISTER_ENTRY_NOT_FOUND",
            ErrorCode::PrescriptionImageInvalid => "PRESCRIPTION_IMAGE_INVALID",
            ErrorCode::FollowUpNotFound => "FOLLOW_UP_NOT_FOUND",
            ErrorCode::FollowUpNotOpen => "FOLLOW_UP_NOT_OPEN",
            ErrorCode::InvalidFollowUp => "INVALID_FOLLOW_UP",
            ErrorCode::GuidanceNotRecorded => "GUIDANCE_NOT_RECORDED",
            ErrorCode::ComplaintNotFound => "COMPLAINT_NOT_FOUND",
            ErrorCode::ComplaintStatusInvalid => "COMPLAINT_STATUS_INVALID",
            ErrorCode::ComplaintClosed => "COMPLAINT_CLOSED",
            ErrorCode::ComplaintResolutionRequired => "COMPLAINT_RESOLUTION_REQUIRED",
            ErrorCode::ComplaintCallbackResultRequired => "COMPLAINT_CALLBACK_RESULT_REQUIRED",
            ErrorCode::ComplaintResolutionInvalid => "COMPLAINT_RESOLUTION_INVALID",
            ErrorCode::ContactConsentRequired => "CONTACT_CONSENT_REQUIRED",
        }
    }

    /// All codes, for documentation checks.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::BadRequest,
        ErrorCode::UnknownCommand,
        ErrorCode::NotLoggedIn,
        ErrorCode::Forbidden,
        ErrorCode::WrongPin,
        ErrorCode::AccountLocked,
        ErrorCode::AccountInactive,
        ErrorCode::SessionLocked,
        ErrorCode::InvalidPin,
        ErrorCode::InvalidStaffNo,
        ErrorCode::DuplicateStaffNo,
        ErrorCode::SetupAlreadyDone,
        ErrorCode::InvalidField,
        ErrorCode::InvalidBarcode,
        ErrorCode::ProductNotFound,
        ErrorCode::InvalidQuantity,
        ErrorCode::InvalidAmount,
        ErrorCode::CartNotFound,
        ErrorCode::CartLineNotFound,
        ErrorCode::ImportUnreadable,
        ErrorCode::ImportHasErrors,
        ErrorCode::ImportRow,
        ErrorCode::Storage,
        ErrorCode::InvalidPhone,
        ErrorCode::InvalidRules,
        ErrorCode::MemberNotFound,
        ErrorCode::DuplicatePhone,
        ErrorCode::InvalidMemberName,
        ErrorCode::InvalidBirthday,
        ErrorCode::InvalidCardNo,
        ErrorCode::InvalidMemberQuery,
        ErrorCode::ConsentRequired,
        ErrorCode::HealthConsentRequired,
        ErrorCode::MemberAnonymized,
        ErrorCode::MemberMerged,
        ErrorCode::CouponNotAvailable,
        ErrorCode::InsufficientPoints,
        ErrorCode::InvalidPoints,
        ErrorCode::ReasonRequired,
        ErrorCode::HealthItemNotFound,
        ErrorCode::InvalidHealthItem,
        ErrorCode::DocumentUnavailable,
        ErrorCode::TenderShort,
        ErrorCode::InvalidTender,
        ErrorCode::InsuranceOverCap,
        ErrorCode::AlreadyPaid,
        ErrorCode::ReturnAlreadyRecorded,
        ErrorCode::CartHeld,
        ErrorCode::EmptyCart,
        ErrorCode::MemberRequired,
        ErrorCode::ExpiredStock,
        ErrorCode::PrescriptionRequired,
        ErrorCode::RxApprovalRequired,
        ErrorCode::ApproverNotAuthorized,
        ErrorCode::EphedrineLimit,
        ErrorCode::EphedrineBuyerRequired,
        ErrorCode::InvalidIdNumber,
        ErrorCode::AllergyAckRequired,
        ErrorCode::SaleNotFound,
        ErrorCode::ReturnOfReturn,
        ErrorCode::ReturnExceedsSale,
        ErrorCode::ReturnReasonRequired,
        ErrorCode::PrintFailed,
        ErrorCode::SyncNotConfigured,
        ErrorCode::SyncFailed,
        ErrorCode::RestoreNotEmpty,
        ErrorCode::ShiftAlreadyOpen,
        ErrorCode::NoOpenShift,
        ErrorCode::InvalidCount,
        ErrorCode::ShiftStillOpen,
        ErrorCode::DayAlreadyClosed,
        ErrorCode::DayNotClosable,
        ErrorCode::AuditChainBroken,
        ErrorCode::StaffNotFound,
        ErrorCode::LastManager,
        ErrorCode::StoreDamaged,
        ErrorCode::NotAStore,
        ErrorCode::BackupFailed,
        ErrorCode::TraceCodeInvalid,
        ErrorCode::TraceCodeDuplicate,
        ErrorCode::TraceCodeSold,
        ErrorCode::TraceCodeNoLine,
        ErrorCode::TraceCodesRequired,
        ErrorCode::RegisterForbidden,
        ErrorCode::RegisterEntryNotFound,
        ErrorCode::PrescriptionImageInvalid,
        ErrorCode::FollowUpNotFound,
        ErrorCode::FollowUpNotOpen,
        ErrorCode::InvalidFollowUp,
        ErrorCode::GuidanceNotRecorded,
        ErrorCode::ComplaintNotFound,
        ErrorCode::ComplaintStatusInvalid,
        ErrorCode::ComplaintClosed,
        ErrorCode::ComplaintResolutionRequired,
        ErrorCode::ComplaintCallbackResultRequired,
        ErrorCode::ComplaintResolutionInvalid,
        ErrorCode::ContactConsentRequired,
    ];
}

/// An error as the UI sees it: `{code, message, details}`.
#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct PosError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub details: Option<serde_json::Value>,
}

impl PosError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        PosError {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        PosError::new(ErrorCode::InvalidField, message)
            .with_details(serde_json::json!({ "field": field }))
    }

    pub fn storage(e: impl std::fmt::Display) -> Self {
        PosError::new(
            ErrorCode::Storage,
            format!("数据库读写失败，请联系管理员：{e}"),
        )
    }
}

impl From<rusqlite::Error> for PosError {
    fn from(e: rusqlite::Error) -> Self {
        PosError::storage(e)
    }
}

pub type Result<T, E = PosError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_stable_string() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
        }
    }
}
