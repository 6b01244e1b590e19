//! `Money`: yuan with exactly two decimals (分), exact decimal arithmetic, never floating point.
//! Stored in SQLite as an integer count of 分; sent over the API as a string such as `"12.80"`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

use crate::error::{ErrorCode, PosError};

/// The largest amount the till accepts anywhere: ¥99 999 999.99. Far above any real sale, far
/// below where `i64` 分 or SQLite integers could overflow.
pub const MAX_FEN: i64 = 9_999_999_999;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, TS)]
#[ts(type = "string")]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// From an integer count of 分 (as stored).
    pub fn from_fen(fen: i64) -> Money {
        Money(Decimal::new(fen, 2))
    }

    /// The integer count of 分 (for storage). Money always holds exactly 2 decimals.
    pub fn fen(self) -> i64 {
        let scaled = self.0 * Decimal::ONE_HUNDRED;
        i64::try_from(scaled.trunc()).unwrap_or(i64::MAX)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// An exact amount received from elsewhere (a synced event): at most two decimals and at
    /// most `MAX_FEN` either way; anything else is refused rather than rounded.
    pub fn from_decimal(d: Decimal) -> Result<Money, PosError> {
        let mut r = d;
        r.rescale(2);
        if r != d || (r * Decimal::ONE_HUNDRED).abs() > Decimal::from(MAX_FEN) {
            return Err(PosError::new(
                ErrorCode::InvalidAmount,
                format!("金额“{d}”无效：最多两位小数"),
            ));
        }
        Ok(Money(r))
    }

    /// Rounds a decimal half-up to 0.01 (the default rounding of PRODUCT.md §4).
    pub fn round_half_up(d: Decimal) -> Money {
        let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(2);
        Money(r)
    }

    /// unit price × quantity; exact because both are exact.
    pub fn times(self, quantity: u32) -> Money {
        Money::round_half_up(self.0 * Decimal::from(quantity))
    }

    /// Parses an amount typed by a person or read from a file: digits with at most two decimals,
    /// non-negative and at most `MAX_FEN`. Accepts a leading ¥ and surrounding spaces.
    pub fn parse_amount(text: &str) -> Result<Money, PosError> {
        let t = text.trim().trim_start_matches(['¥', '￥']).trim();
        let bad = || {
            PosError::new(
                ErrorCode::InvalidAmount,
                format!("金额“{text}”无效：请输入不小于 0 的数字，最多两位小数"),
            )
        };
        if t.is_empty()
            || !t
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        {
            return Err(bad());
        }
        let d = Decimal::from_str(t).map_err(|_| bad())?;
        if d.is_sign_negative() && !d.is_zero() {
            return Err(PosError::new(
                ErrorCode::InvalidAmount,
                format!("金额“{text}”不能为负数"),
            ));
        }
        if d.scale() > 2 && d.normalize().scale() > 2 {
            return Err(PosError::new(
                ErrorCode::InvalidAmount,
                format!("金额“{text}”最多两位小数（精确到分）"),
            ));
        }
        let mut d = d.normalize();
        d.rescale(2);
        let m = Money(d);
        if m.0 > Decimal::new(MAX_FEN, 2) {
            return Err(PosError::new(
                ErrorCode::InvalidAmount,
                format!("金额“{text}”超出允许范围（最大 99999999.99）"),
            ));
        }
        Ok(m)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl std::ops::SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = self.0;
        d.rescale(2);
        write!(f, "{d}")
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// Marks a deserialization error that came from an amount, so a request with a malformed
/// amount anywhere in it answers `INVALID_AMOUNT` (not `BAD_REQUEST`); see `api::run_json`.
pub const AMOUNT_ERROR_TAG: &str = "[INVALID_AMOUNT]";

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        /// What a request may hold where an amount belongs: the text `"12.80"`, or (refused
        /// with the amount's own code) a JSON number.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(serde_json::Number),
        }
        let tagged = |m: String| serde::de::Error::custom(format!("{AMOUNT_ERROR_TAG}{m}"));
        match Raw::deserialize(d)
            .map_err(|_: D::Error| tagged("金额须写成带两位小数的文字，如 \"12.80\"".to_owned()))?
        {
            Raw::Text(s) => Money::parse_amount(&s).map_err(|e| tagged(e.message)),
            Raw::Number(n) => Err(tagged(format!(
                "金额 {n} 须写成文字（如 \"12.80\"），不能是数字"
            ))),
        }
    }
}

/// `#[serde(with = "crate::money::signed")]`: an amount that may be negative (an over/short, a
/// net after refunds) in a document the till wrote itself. Typed input keeps refusing
/// negatives (`Money`'s own `Deserialize`).
pub mod signed {
    use super::*;

    pub fn serialize<S: Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
        m.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        parse::<D::Error>(&String::deserialize(d)?)
    }

    fn parse<E: serde::de::Error>(s: &str) -> Result<Money, E> {
        let dec = Decimal::from_str(s.trim()).map_err(E::custom)?;
        Money::from_decimal(dec).map_err(|e| E::custom(e.message))
    }

    /// The same for an optional amount.
    pub mod opt {
        use super::*;

        pub fn serialize<S: Serializer>(m: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
            m.serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|s| parse::<D::Error>(&s))
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_amounts_round_trip_in_documents() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Doc {
            #[serde(with = "signed")]
            a: Money,
            #[serde(with = "signed::opt")]
            b: Option<Money>,
        }
        let d = Doc {
            a: Money::from_fen(-30),
            b: Some(Money::from_fen(-1234)),
        };
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"a":"-0.30","b":"-12.34"}"#);
        assert_eq!(serde_json::from_str::<Doc>(&json).unwrap(), d);
        assert!(serde_json::from_str::<Money>(r#""-0.30""#).is_err());
    }

    #[test]
    fn fen_round_trips() {
        for fen in [0, 1, 99, 100, 1280, 123_456_789, MAX_FEN] {
            assert_eq!(Money::from_fen(fen).fen(), fen);
        }
        assert_eq!(Money::from_fen(1280).to_string(), "12.80");
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::parse_amount("12.8").unwrap().fen(), 1280);
        assert_eq!(Money::parse_amount(" ¥3 ").unwrap().fen(), 300);
        assert_eq!(Money::parse_amount("0.10").unwrap().fen(), 10);
        assert_eq!(Money::parse_amount("12.800").unwrap().fen(), 1280);
    }

    #[test]
    fn refuses_bad_amounts_with_a_stable_code() {
        for bad in [
            "",
            "-1",
            "-0.01",
            "1.234",
            "abc",
            "1e5",
            "100000000.00",
            "１２",
        ] {
            let e = Money::parse_amount(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidAmount, "{bad}");
        }
    }

    #[test]
    fn multiplies_exactly() {
        let p = Money::parse_amount("12.80").unwrap();
        assert_eq!(p.times(3).to_string(), "38.40");
        assert_eq!(
            Money::round_half_up(Decimal::new(1005, 3)).to_string(),
            "1.01"
        );
        assert_eq!(
            Money::round_half_up(Decimal::new(1004, 3)).to_string(),
            "1.00"
        );
    }

    #[test]
    fn serializes_as_string() {
        let m = Money::from_fen(2560);
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"25.60\"");
        let back: Money = serde_json::from_str("\"25.6\"").unwrap();
        assert_eq!(back, m);
    }
}
