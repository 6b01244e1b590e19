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
