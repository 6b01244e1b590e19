//! Commands of the 药品追溯码 (drug traceability codes): taking a code scanned by mistake off the
//! cart, and the export of a period's codes for 医保 reporting. Codes are scanned with
//! `cart_scan` like any barcode: the core tells a code from a product barcode.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{write_file, Command, Ctx, SELLERS};
use crate::cart::{self, Cart};
use crate::error::Result;
use crate::ids::SaleId;
use crate::staff::Role;
use crate::trace::{self, ReturnTraceScan, TraceConflict, TraceExportRow};

/// `cart_remove_trace_code`: a code scanned onto the wrong line or by mistake.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartRemoveTraceCode {
    pub cart_id: SaleId,
    pub code: String,
}

impl Command for CartRemoveTraceCode {
    const NAME: &'static str = "cart_remove_trace_code";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.write(|tx| {
            trace::remove_from_cart(tx, self.cart_id, &self.code)?;
            cart::get(tx, self.cart_id, tx.clock.today())
        })
    }
}

/// `return_trace_scan`: the line of the sale being returned that a pack's code belongs to (the
/// returns screen then sends the code with that line in `return_create`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnTraceScanCmd {
    pub sale_id: SaleId,
    pub code: String,
}

impl Command for ReturnTraceScanCmd {
    const NAME: &'static str = "return_trace_scan";
    const ROLES: &'static [Role] = SELLERS;
    type Output = ReturnTraceScan;
    fn run(self, ctx: &Ctx<'_>) -> Result<ReturnTraceScan> {
        ctx.store
            .read(|c| trace::return_line_of(c, self.sale_id, &self.code))
    }
}

/// `trace_export`: every code sold on the business days `from..=to` (returns marked), saved as
/// a CSV file under `exports/` for the 医保 platform, audited.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TraceExport {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TraceExportResult {
    pub rows: Vec<TraceExportRow>,
    /// The CSV file written.
    pub path: String,
}

impl Command for TraceExport {
    const NAME: &'static str = "trace_export";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = TraceExportResult;
    fn run(self, ctx: &Ctx<'_>) -> Result<TraceExportResult> {
        let me = ctx.me()?;
        let from = crate::business_day::parse_date("from", &self.from)?;
        let to = crate::business_day::parse_date("to", &self.to)?;
        let rows = ctx.store.read(|c| trace::export(c, from, to))?;
        let bytes = trace::export_csv(&rows)?;
        let path = ctx
            .api
            .exports_dir
            .join(format!("trace-codes-{from}-{to}.csv"));
        write_file(&path, &bytes)?;
        ctx.store.write(|tx| {
            crate::audit::record(
                tx,
                Some(me.staff.id),
                "trace.export",
                &format!("{from}..{to}"),
                serde_json::json!({ "file": path.to_string_lossy(), "codes": rows.len() }),
            )
        })?;
        Ok(TraceExportResult {
            rows,
            path: path.to_string_lossy().into_owned(),
        })
    }
}

/// `trace_conflicts`: codes of this store's sales that headquarters found out at another sale of
/// the chain too (the same pack cannot be sold twice: a scan was wrong or a code is forged).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TraceConflicts {}

impl Command for TraceConflicts {
    const NAME: &'static str = "trace_conflicts";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Vec<TraceConflict>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<TraceConflict>> {
        ctx.store.read(trace::conflicts)
    }
}
