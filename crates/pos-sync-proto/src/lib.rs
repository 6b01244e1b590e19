//! The language a till and headquarters (总部) speak (SYNC-DESIGN.md), and nothing else: no I/O,
//! no database, no HTTP. Both sides depend on this crate; headquarters depends on nothing else of
//! the till's.
//!
//! - [`catalogue`]: every event kind with its version (`sale.committed@1`) and its payload type.
//! - [`wire`]: the envelope of one event, a push batch and its acknowledgement, a pull page.

pub mod catalogue;
pub mod wire;

pub use catalogue::{KindInfo, Payload, KINDS};
pub use wire::*;
