//! Members (会员). So far: the mobile phone number, the usual key to a member. Registration,
//! lookup, tiers, points and coupons build on it (issue 3).

pub mod phone;
