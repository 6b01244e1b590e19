//! Commands of the catalog: finding products by barcode or search, and importing the catalog
//! from a file.

use serde::Deserialize;
use ts_rs::TS;

use super::{Command, Ctx, ImportProgress};
use crate::catalog::import::{self, ImportReport, ImportSource};
use crate::catalog::{self, Product};
use crate::error::Result;
use crate::staff::Role;

/// `product_by_barcode`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProductByBarcode {
    pub barcode: String,
}

impl Command for ProductByBarcode {
    const NAME: &'static str = "product_by_barcode";
    const ROLES: &'static [Role] = &[];
    type Output = Product;
    fn run(self, ctx: &Ctx<'_>) -> Result<Product> {
        ctx.store.read(|c| catalog::by_barcode(c, &self.barcode))
    }
}

/// `product_search`: pinyin initials, barcode prefix, or part of the name.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProductSearch {
    pub query: String,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl Command for ProductSearch {
    const NAME: &'static str = "product_search";
    const ROLES: &'static [Role] = &[];
    type Output = Vec<Product>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<Product>> {
        ctx.store
            .read(|c| catalog::search(c, &self.query, self.limit))
    }
}

/// `catalog_import_check`: parses and checks a file, writes nothing.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CatalogImportCheck {
    pub source: ImportSource,
}

impl Command for CatalogImportCheck {
    const NAME: &'static str = "catalog_import_check";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = ImportReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<ImportReport> {
        let bytes = self.source.bytes()?;
        let parsed = import::parse(&bytes, |done, total| {
            (ctx.progress)(ImportProgress { done, total })
        })?;
        Ok(parsed.report())
    }
}

/// `catalog_import`: all rows in one transaction; with bad rows, nothing unless `only_good_rows`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CatalogImport {
    pub source: ImportSource,
    #[serde(default)]
    pub only_good_rows: bool,
}

impl Command for CatalogImport {
    const NAME: &'static str = "catalog_import";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = ImportReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<ImportReport> {
        let by = ctx.me()?.staff.id;
        let bytes = self.source.bytes()?;
        let parsed = import::parse(&bytes, |_, _| {})?;
        let source = self
            .source
            .path
            .clone()
            .unwrap_or_else(|| "ui-upload".to_owned());
        ctx.store.write(|tx| {
            import::write(
                tx,
                &parsed,
                self.only_good_rows,
                Some(by),
                &source,
                |done, total| (ctx.progress)(ImportProgress { done, total }),
            )
        })
    }
}
