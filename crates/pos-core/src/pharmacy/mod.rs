//! The pharmacist's work beyond the sale itself (issue 11): guidance, registers, follow-ups,
//! complaints. One module per kind of work.

pub mod complaint;
pub mod follow_up;
pub mod guidance;
pub mod registers;
