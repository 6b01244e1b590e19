//! The one API. Every operation the UI can do is a `Command`: a request type, a response type,
//! the roles allowed, and one function. The desktop shell, the `pharmapos api` CLI and the tests
//! all go through `Api::call` (typed) or `Api::dispatch` (JSON), so role checks and validation
//! happen here and nowhere else. `commands!` below is the single list of commands; it also
//! generates the TypeScript bindings (`ui/src/lib/bindings.ts`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cart::{self, Cart};
use crate::catalog::import::{self, ImportReport, ImportSource};
use crate::catalog::{self, Product};
use crate::db::Store;
use crate::documents::{NoPrinter, NoRenderer, PrintData, Printer, Renderer};
use crate::error::{ErrorCode, PosError, Result};
use crate::housekeeping::{self, HousekeepingReport};
use crate::ids::{CouponId, HealthItemId, LineId, MemberId, ProductId, SaleId, StaffId};
use crate::member::consent::{self, ConsentScope};
use crate::member::coupon::{self, Coupon};
use crate::member::health::{self, HealthChoices, HealthKind, HealthRecord};
use crate::member::{
    self, points, tier, FieldEdit, MemberChanges, MemberProfile, MemberSummary, NewMember,
    Registration,
};
use crate::money::Money;
use crate::pricing::Tender;
use crate::rules::{self, BusinessRules};
use crate::sale::receipt::ReceiptKind;
use crate::sale::{self, returns, Sale};
use crate::settings::{self, PharmacySettings};
use crate::staff::{self, NewStaff, Role, Session, StaffInfo};
use crate::till::{self, PrinterFormat, TillSettings};

/// Progress of a long operation, reported to the UI (event `catalog-import-progress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct ImportProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// Receives progress reports; the CLI ignores them, the desktop forwards them as events.
pub type ProgressSink<'a> = &'a (dyn Fn(ImportProgress) + Sync);

/// The core as one till sees it: the store file and who is logged in.
pub struct Api {
    store: Store,
    session: Mutex<Option<Session>>,
    renderer: Arc<dyn Renderer>,
    printer: Arc<dyn Printer>,
    syncer: Arc<dyn crate::sync::Syncer>,
    exports_dir: PathBuf,
}

/// What a command runs with.
pub struct Ctx<'a> {
    pub store: &'a Store,
    /// The logged-in staff member; `None` only for commands that need no login.
    pub session: Option<&'a Session>,
    api: &'a Api,
    pub progress: ProgressSink<'a>,
}

impl Ctx<'_> {
    fn me(&self) -> Result<&Session> {
        self.session.ok_or_else(not_logged_in)
    }

    fn my_id(&self) -> Result<StaffId> {
        Ok(self.me()?.staff.id)
    }
}

fn not_logged_in() -> PosError {
    PosError::new(ErrorCode::NotLoggedIn, "请先登录")
}

/// One operation of the API.
pub trait Command: DeserializeOwned + TS + 'static {
    /// The wire name, e.g. `"login"`.
    const NAME: &'static str;
    /// Roles allowed; empty means any logged-in staff member.
    const ROLES: &'static [Role];
    /// Whether the caller must be logged in.
    const NEEDS_LOGIN: bool = true;
    type Output: Serialize + TS + 'static;
    fn run(self, ctx: &Ctx<'_>) -> Result<Self::Output>;
}

impl Api {
    pub fn new(store: Store) -> Api {
        let exports_dir = store
            .path()
            .parent()
            .map(|d| d.join("exports"))
            .unwrap_or_else(|| PathBuf::from("exports"));
        Api {
            store,
            session: Mutex::new(None),
            renderer: Arc::new(NoRenderer),
            printer: Arc::new(NoPrinter),
            syncer: Arc::new(crate::sync::NoSyncer),
            exports_dir,
        }
    }

    /// Plugs in the PDF renderer (`pos-receipt`); without one, documents are refused.
    pub fn with_renderer(mut self, renderer: Arc<dyn Renderer>) -> Api {
        self.renderer = renderer;
        self
    }

    /// Plugs in the printer (CUPS `lp` in `pos-receipt`; tests use a stand-in at this edge).
    pub fn with_printer(mut self, printer: Arc<dyn Printer>) -> Api {
        self.printer = printer;
        self
    }

    /// Plugs in the sync with headquarters (`pos-sync`); without one, "sync now" is refused.
    pub fn with_syncer(mut self, syncer: Arc<dyn crate::sync::Syncer>) -> Api {
        self.syncer = syncer;
        self
    }

    /// Where exported files are written (default: `exports/` beside the store file).
    pub fn with_exports_dir(mut self, dir: PathBuf) -> Api {
        self.exports_dir = dir;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn current(&self) -> Option<Session> {
        self.session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_session(&self, s: Option<Session>) {
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = s;
    }

    /// Runs a typed command after the login and role checks.
    pub fn call<C: Command>(&self, cmd: C) -> Result<C::Output> {
        self.call_with_progress(cmd, &|_| {})
    }

    pub fn call_with_progress<C: Command>(
        &self,
        cmd: C,
        progress: ProgressSink<'_>,
    ) -> Result<C::Output> {
        let session = self.current();
        if C::NEEDS_LOGIN {
            let s = session.as_ref().ok_or_else(not_logged_in)?;
            s.require(C::ROLES)?;
        }
        let ctx = Ctx {
            store: &self.store,
            session: session.as_ref(),
            api: self,
            progress,
        };
        cmd.run(&ctx)
    }

    /// Runs a command given by name with JSON arguments; the answer is JSON.
    pub fn dispatch(
        &self,
        cmd: &str,
        args: serde_json::Value,
        progress: ProgressSink<'_>,
    ) -> Result<serde_json::Value> {
        dispatch_json(self, cmd, args, progress)
    }
}

fn run_json<C: Command>(
    api: &Api,
    args: serde_json::Value,
    progress: ProgressSink<'_>,
) -> Result<serde_json::Value> {
    let args = if args.is_null() {
        serde_json::json!({})
    } else {
        args
    };
    let cmd: C = serde_json::from_value(args).map_err(|e| {
        PosError::new(
            ErrorCode::BadRequest,
            format!("命令 {} 的参数不正确：{e}", C::NAME),
        )
    })?;
    let out = api.call_with_progress(cmd, progress)?;
    serde_json::to_value(out).map_err(PosError::storage)
}

macro_rules! commands {
    ($($cmd:ty),* $(,)?) => {
        fn dispatch_json(
            api: &Api,
            name: &str,
            args: serde_json::Value,
            progress: ProgressSink<'_>,
        ) -> Result<serde_json::Value> {
            $(if name == <$cmd as Command>::NAME {
                return run_json::<$cmd>(api, args, progress);
            })*
            Err(PosError::new(ErrorCode::UnknownCommand, format!("未知命令：{name}")))
        }

        /// Every command: (name, roles, needs login).
        pub const COMMANDS: &[(&str, &[Role], bool)] = &[
            $((<$cmd as Command>::NAME, <$cmd as Command>::ROLES, <$cmd as Command>::NEEDS_LOGIN)),*
        ];

        /// The TypeScript declarations of every request and response type plus a `Commands` map.
        pub fn typescript_bindings() -> String {
            let mut out = String::from(
                "// Generated from the Rust API by `cargo run -p pos-cli -- bindings`. Do not edit.\n\n",
            );
            let mut decls: Vec<String> = Vec::new();
            $(
                decls.push(<$cmd as TS>::decl());
                collect_decls::<<$cmd as Command>::Output>(&mut decls);
                <$cmd as TS>::visit_dependencies(&mut DeclCollector(&mut decls));
            )*
            for extra in [<PosError as TS>::decl(), <ImportProgress as TS>::decl()] {
                decls.push(extra);
            }
            <PosError as TS>::visit_dependencies(&mut DeclCollector(&mut decls));
            // Sorted by type name: the order ts-rs visits types in is not stable across builds.
            let by_name: std::collections::BTreeMap<String, String> = decls
                .into_iter()
                .map(|d| (declared_name(&d), d))
                .collect();
            for d in by_name.values() {
                out.push_str("export ");
                out.push_str(d);
                out.push_str("\n\n");
            }
            out.push_str("/** What a call may reject with: a `PosError` from the core, or an error the UI makes itself\n * (its own codes, such as `NO_BACKEND`). */\nexport type ApiError = Omit<PosError, \"code\"> & { code: ErrorCode | (string & {}) };\n\n");
            out.push_str("export interface Commands {\n");
            $(
                out.push_str(&format!(
                    "  {}: {{ args: {}, result: {} }};\n",
                    <$cmd as Command>::NAME,
                    <$cmd as TS>::name(),
                    <<$cmd as Command>::Output as TS>::name(),
                ));
            )*
            out.push_str("}\n");
            out
        }
    };
}

/// `type Foo = …` → `Foo`.
fn declared_name(decl: &str) -> String {
    let rest = decl.split_once("type ").map(|(_, r)| r).unwrap_or(decl);
    rest.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("")
        .to_owned()
}

fn collect_decls<T: TS + 'static>(decls: &mut Vec<String>) {
    T::visit_dependencies(&mut DeclCollector(decls));
    // `Vec<T>` and `Option<T>` name their element type as a generic, not a dependency.
    T::visit_generics(&mut DeclCollector(decls));
    if is_named::<T>() {
        decls.push(T::decl());
    }
}

/// Only our own named structs and enums get a declaration; `Vec<T>`, `Option<T>`, `()` do not.
fn is_named<T: TS + 'static>() -> bool {
    let name = T::name();
    name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.starts_with(|c: char| c.is_ascii_uppercase())
}

struct DeclCollector<'a>(&'a mut Vec<String>);

impl ts_rs::TypeVisitor for DeclCollector<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_some() || is_named_dyn::<T>() {
            T::visit_dependencies(self);
            self.0.push(T::decl());
        }
    }
}

fn is_named_dyn<T: TS + 'static + ?Sized>() -> bool {
    let name = T::name();
    name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.starts_with(|c: char| c.is_ascii_uppercase())
}

mod sync;
pub use crate::sync::RestoreRequest;
pub use sync::{SyncConfigure, SyncNow, SyncStatusGet};

commands!(
    SetupStatusArgs,
    CreateFirstManager,
    Login,
    Logout,
    CurrentSession,
    ChangePin,
    SettingsGet,
    SettingsUpdate,
    StaffList,
    StaffCreate,
    ProductByBarcode,
    ProductSearch,
    CatalogImportCheck,
    CatalogImport,
    CartOpen,
    CartGet,
    CartScan,
    CartAddProduct,
    CartSetQuantity,
    CartRemoveLine,
    CartSetMember,
    MemberFind,
    NewMember,
    MemberGet,
    MemberUpdate,
    MemberConfirm,
    MemberEdits,
    MemberPoints,
    MemberCoupons,
    MemberPurchases,
    MemberHealthGet,
    MemberHealthAdd,
    MemberHealthRemove,
    MemberHealthLog,
    HealthChoicesGet,
    MemberConsent,
    MemberExportFile,
    MemberAnonymize,
    MemberTransferOwner,
    PointsAdjust,
    CouponIssue,
    CouponsIssueTopSpenders,
    RulesGet,
    RulesUpdate,
    HousekeepingRun,
    CartSetCoupon,
    CartSetPoints,
    CartOverridePrice,
    CartSetGuidance,
    CartHold,
    CartHeldList,
    CartRecall,
    CartSetPrescription,
    CartApproveRx,
    CartSetEphedrineBuyer,
    CartAckAllergy,
    SalePay,
    SaleGet,
    SaleFind,
    ReturnOpen,
    ReturnPreviewArgs,
    ReturnCreate,
    ReturnGet,
    ReceiptPrint,
    PrinterQueues,
    BusinessDate,
    TillSettingsGet,
    TillSettingsUpdate,
    SyncStatusGet,
    SyncConfigure,
    SyncNow,
    RestoreRequest,
);

// ---------------------------------------------------------------- setup and login

/// `setup_status`: what the login screen needs before anyone logs in.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SetupStatusArgs {}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SetupStatus {
    /// No staff yet: the UI asks for the first manager.
    pub needs_first_manager: bool,
    /// This is the demo database.
    pub demo: bool,
    pub pharmacy: PharmacySettings,
}

impl Command for SetupStatusArgs {
    const NAME: &'static str = "setup_status";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = SetupStatus;
    fn run(self, ctx: &Ctx<'_>) -> Result<SetupStatus> {
        ctx.store.read(|c| {
            Ok(SetupStatus {
                needs_first_manager: staff::count(c)? == 0,
                demo: crate::db::till_identity(c)?.demo,
                pharmacy: settings::get(c)?,
            })
        })
    }
}

/// `create_first_manager`: only on a store with no staff at all.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateFirstManager {
    pub staff_no: String,
    pub name: String,
    pub pin: String,
}

impl Command for CreateFirstManager {
    const NAME: &'static str = "create_first_manager";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = StaffInfo;
    fn run(self, ctx: &Ctx<'_>) -> Result<StaffInfo> {
        ctx.store.write(|tx| {
            if staff::count(tx)? > 0 {
                return Err(PosError::new(
                    ErrorCode::SetupAlreadyDone,
                    "已有员工账号，请用店长账号登录后在“员工”中添加",
                ));
            }
            staff::create(
                tx,
                NewStaff {
                    staff_no: self.staff_no,
                    name: self.name,
                    roles: vec![Role::Manager, Role::Cashier],
                    pin: self.pin,
                },
            )
        })
    }
}

/// `login`: staff number + PIN. The session belongs to this till (this process).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub staff_no: String,
    pub pin: String,
}

impl Command for Login {
    const NAME: &'static str = "login";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = Session;
    fn run(self, ctx: &Ctx<'_>) -> Result<Session> {
        let s = staff::login(ctx.store, &self.staff_no, &self.pin)?;
        ctx.api.set_session(Some(s.clone()));
        Ok(s)
    }
}

/// `logout`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Logout {}

impl Command for Logout {
    const NAME: &'static str = "logout";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = ();
    fn run(self, ctx: &Ctx<'_>) -> Result<()> {
        ctx.api.set_session(None);
        Ok(())
    }
}

/// `current_session`: who is logged in, if anyone.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CurrentSession {}

impl Command for CurrentSession {
    const NAME: &'static str = "current_session";
    const ROLES: &'static [Role] = &[];
    const NEEDS_LOGIN: bool = false;
    type Output = Option<Session>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Option<Session>> {
        Ok(ctx.session.cloned())
    }
}

/// `change_pin`: the caller's own PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ChangePin {
    pub old_pin: String,
    pub new_pin: String,
}

impl Command for ChangePin {
    const NAME: &'static str = "change_pin";
    const ROLES: &'static [Role] = &[];
    type Output = ();
    fn run(self, ctx: &Ctx<'_>) -> Result<()> {
        let me = ctx.me()?.staff.id;
        ctx.store
            .write(|tx| staff::change_pin(tx, me, &self.old_pin, &self.new_pin))
    }
}

// ---------------------------------------------------------------- settings and staff

/// `settings_get`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsGet {}

impl Command for SettingsGet {
    const NAME: &'static str = "settings_get";
    const ROLES: &'static [Role] = &[];
    type Output = PharmacySettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<PharmacySettings> {
        ctx.store.read(settings::get)
    }
}

/// `settings_update`: manager only.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub licence_no: String,
    pub store_code: String,
}

impl Command for SettingsUpdate {
    const NAME: &'static str = "settings_update";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = PharmacySettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<PharmacySettings> {
        let by = ctx.me()?.staff.id;
        let s = PharmacySettings {
            name: self.name,
            address: self.address,
            phone: self.phone,
            licence_no: self.licence_no,
            store_code: self.store_code,
        };
        ctx.store.write(|tx| settings::update(tx, Some(by), s))
    }
}

/// `staff_list`: manager only.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffList {}

impl Command for StaffList {
    const NAME: &'static str = "staff_list";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Vec<StaffInfo>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<StaffInfo>> {
        ctx.store.read(staff::list)
    }
}

/// `staff_create`: manager only.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffCreate {
    pub staff_no: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub pin: String,
}

impl Command for StaffCreate {
    const NAME: &'static str = "staff_create";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = StaffInfo;
    fn run(self, ctx: &Ctx<'_>) -> Result<StaffInfo> {
        let new = NewStaff {
            staff_no: self.staff_no,
            name: self.name,
            roles: self.roles,
            pin: self.pin,
        };
        ctx.store.write(|tx| staff::create(tx, new))
    }
}

// ---------------------------------------------------------------- catalog

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

// ---------------------------------------------------------------- cart

const SELLERS: &[Role] = &[Role::Cashier, Role::Pharmacist, Role::Manager];

/// `cart_open`: this staff member's open cart, or a new one (its id is the future sale id).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartOpen {}

impl Command for CartOpen {
    const NAME: &'static str = "cart_open";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.me()?.staff.id;
        ctx.store.write(|tx| cart::open(tx, me))
    }
}

/// `cart_get`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartGet {
    pub cart_id: SaleId,
}

impl Command for CartGet {
    const NAME: &'static str = "cart_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let today = ctx.store.clock().today();
        ctx.store.read(|c| cart::get(c, self.cart_id, today))
    }
}

/// `cart_scan`: a barcode from the scanner or typed; the same product again adds to its line.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartScan {
    pub cart_id: SaleId,
    pub barcode: String,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub quantity: Option<i64>,
}

impl Command for CartScan {
    const NAME: &'static str = "cart_scan";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.me()?.staff.id;
        let q = cart::check_quantity(self.quantity.unwrap_or(1))?;
        ctx.store
            .write(|tx| cart::scan(tx, self.cart_id, &self.barcode, q, me))
    }
}

/// `cart_add_product`: a product chosen from search results.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartAddProduct {
    pub cart_id: SaleId,
    pub product_id: ProductId,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub quantity: Option<i64>,
}

impl Command for CartAddProduct {
    const NAME: &'static str = "cart_add_product";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.me()?.staff.id;
        let q = cart::check_quantity(self.quantity.unwrap_or(1))?;
        ctx.store.write(|tx| {
            let p = catalog::by_id(tx, self.product_id)?;
            cart::add(tx, self.cart_id, &p, q, me)
        })
    }
}

/// `cart_set_quantity`: 1..=999.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetQuantity {
    pub cart_id: SaleId,
    pub line_id: LineId,
    #[ts(type = "number")]
    pub quantity: i64,
}

impl Command for CartSetQuantity {
    const NAME: &'static str = "cart_set_quantity";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let q = cart::check_quantity(self.quantity)?;
        ctx.store
            .write(|tx| cart::set_quantity(tx, self.cart_id, self.line_id, q))
    }
}

/// `cart_remove_line`: recorded with who removed it.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartRemoveLine {
    pub cart_id: SaleId,
    pub line_id: LineId,
}

impl Command for CartRemoveLine {
    const NAME: &'static str = "cart_remove_line";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.me()?.staff.id;
        ctx.store
            .write(|tx| cart::remove_line(tx, self.cart_id, self.line_id, me))
    }
}

/// `cart_set_member`: attaches a member to the sale (or detaches with `null`) before payment.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetMember {
    pub cart_id: SaleId,
    pub member_id: Option<MemberId>,
}

impl Command for CartSetMember {
    const NAME: &'static str = "cart_set_member";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store
            .write(|tx| cart::set_member(tx, self.cart_id, self.member_id))
    }
}

// ---------------------------------------------------------------- members

/// `member_find`: full phone, last 4 digits, card number, name or pinyin initials.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberFind {
    pub query: String,
}

impl Command for MemberFind {
    const NAME: &'static str = "member_find";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<MemberSummary>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<MemberSummary>> {
        let today = ctx.store.clock().today();
        ctx.store.read(|c| member::find(c, &self.query, today))
    }
}

/// `member_register`: phone + name + basic consent are enough. A phone that is registered
/// already returns that member (`created: false`) instead of a duplicate.
impl Command for NewMember {
    const NAME: &'static str = "member_register";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Registration;
    fn run(self, ctx: &Ctx<'_>) -> Result<Registration> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| member::register(tx, me, self))
    }
}

fn profile_for(ctx: &Ctx<'_>, c: &rusqlite::Connection, id: MemberId) -> Result<MemberProfile> {
    let show = ctx.me()?.staff.sees_member_details();
    member::profile(c, id, ctx.store.clock().today(), show)
}

/// `member_get`: the member's basic file for the profile screen.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberGet {
    pub member_id: MemberId,
}

impl Command for MemberGet {
    const NAME: &'static str = "member_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = MemberProfile;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberProfile> {
        ctx.store.read(|c| profile_for(ctx, c, self.member_id))
    }
}

/// `member_update`: field edits, each kept in the history (who, when, old → new).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberUpdate {
    pub member_id: MemberId,
    pub changes: MemberChanges,
}

impl Command for MemberUpdate {
    const NAME: &'static str = "member_update";
    const ROLES: &'static [Role] = SELLERS;
    type Output = MemberProfile;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberProfile> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            member::update(tx, me, self.member_id, self.changes)?;
            profile_for(ctx, tx, self.member_id)
        })
    }
}

/// `member_confirm`: the member confirmed at the counter that the phone on file is right.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberConfirm {
    pub member_id: MemberId,
}

impl Command for MemberConfirm {
    const NAME: &'static str = "member_confirm";
    const ROLES: &'static [Role] = SELLERS;
    type Output = MemberSummary;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberSummary> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            member::confirm(tx, me, self.member_id)?;
            member::summary(tx, self.member_id, tx.clock.today())
        })
    }
}

/// `member_edits`: the edit history of the member file, newest first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberEdits {
    pub member_id: MemberId,
}

impl Command for MemberEdits {
    const NAME: &'static str = "member_edits";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<FieldEdit>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<FieldEdit>> {
        let show = ctx.me()?.staff.sees_member_details();
        ctx.store
            .read(|c| member::field_history(c, self.member_id, show))
    }
}

/// `member_points`: the points ledger, newest first, with the balance after each entry.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberPoints {
    pub member_id: MemberId,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl Command for MemberPoints {
    const NAME: &'static str = "member_points";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<points::PointsEntry>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<points::PointsEntry>> {
        ctx.store
            .read(|c| points::history(c, self.member_id, self.limit.unwrap_or(200)))
    }
}

/// `member_coupons`: every coupon of the member with its status, newest first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberCoupons {
    pub member_id: MemberId,
}

impl Command for MemberCoupons {
    const NAME: &'static str = "member_coupons";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<Coupon>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<Coupon>> {
        let today = ctx.store.clock().today();
        ctx.store.read(|c| coupon::all_of(c, self.member_id, today))
    }
}

/// `member_purchases`: the member's sales and returns (net), newest first.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberPurchases {
    pub member_id: MemberId,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl Command for MemberPurchases {
    const NAME: &'static str = "member_purchases";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<tier::SpendRecord>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<tier::SpendRecord>> {
        ctx.store
            .read(|c| tier::purchases(c, self.member_id, self.limit.unwrap_or(200)))
    }
}

/// The health part is for pharmacists and managers; a refused attempt is logged, then refused.
fn health_access(ctx: &Ctx<'_>, member: MemberId) -> Result<StaffId> {
    let me = ctx.me()?;
    if !me.staff.sees_member_details() {
        let id = me.staff.id;
        ctx.store
            .write(|tx| health::log_access(tx, id, member, "denied", None))?;
        return Err(health::refused());
    }
    Ok(me.staff.id)
}

/// `member_health_get`: the health part (pharmacist or manager; every read is logged).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberHealthGet {
    pub member_id: MemberId,
}

impl Command for MemberHealthGet {
    const NAME: &'static str = "member_health_get";
    const ROLES: &'static [Role] = &[];
    type Output = HealthRecord;
    fn run(self, ctx: &Ctx<'_>) -> Result<HealthRecord> {
        let me = health_access(ctx, self.member_id)?;
        ctx.store.write(|tx| {
            member::summary(tx, self.member_id, tx.clock.today())?;
            health::read(tx, me, self.member_id)
        })
    }
}

/// `member_health_add`: records an allergy, condition, medicine or special group.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberHealthAdd {
    pub member_id: MemberId,
    pub kind: HealthKind,
    /// A class from `health_choices`, or `other` with a note.
    pub code: String,
    #[serde(default)]
    pub note: String,
}

impl Command for MemberHealthAdd {
    const NAME: &'static str = "member_health_add";
    const ROLES: &'static [Role] = &[];
    type Output = HealthRecord;
    fn run(self, ctx: &Ctx<'_>) -> Result<HealthRecord> {
        let me = health_access(ctx, self.member_id)?;
        ctx.store.write(|tx| {
            member::require_active(tx, self.member_id)?;
            health::add(tx, me, self.member_id, self.kind, &self.code, &self.note)?;
            health::read(tx, me, self.member_id)
        })
    }
}

/// `member_health_remove`: removes an item explicitly (kept with who removed it).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberHealthRemove {
    pub member_id: MemberId,
    pub item_id: HealthItemId,
}

impl Command for MemberHealthRemove {
    const NAME: &'static str = "member_health_remove";
    const ROLES: &'static [Role] = &[];
    type Output = HealthRecord;
    fn run(self, ctx: &Ctx<'_>) -> Result<HealthRecord> {
        let me = health_access(ctx, self.member_id)?;
        ctx.store.write(|tx| {
            let owner = health::remove(tx, me, self.item_id)?;
            if owner != self.member_id {
                return Err(PosError::new(
                    ErrorCode::HealthItemNotFound,
                    "这条健康信息不属于该会员，请刷新",
                ));
            }
            health::read(tx, me, self.member_id)
        })
    }
}

/// `member_health_log`: who read or changed the member's health part (manager).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberHealthLog {
    pub member_id: MemberId,
}

impl Command for MemberHealthLog {
    const NAME: &'static str = "member_health_log";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Vec<health::AccessLogLine>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<health::AccessLogLine>> {
        ctx.store.read(|c| health::access_log(c, self.member_id))
    }
}

/// `health_choices`: the controlled lists (allergen classes, conditions, groups).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HealthChoicesGet {}

impl Command for HealthChoicesGet {
    const NAME: &'static str = "health_choices";
    const ROLES: &'static [Role] = &[];
    type Output = HealthChoices;
    fn run(self, _ctx: &Ctx<'_>) -> Result<HealthChoices> {
        Ok(health::choices())
    }
}

/// `member_consent`: records a grant or withdrawal of health consent (or a renewed basic grant).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberConsent {
    pub member_id: MemberId,
    pub scope: ConsentScope,
    pub grant: bool,
    #[serde(default)]
    #[ts(optional)]
    pub notice_version: Option<String>,
}

impl Command for MemberConsent {
    const NAME: &'static str = "member_consent";
    const ROLES: &'static [Role] = SELLERS;
    type Output = MemberProfile;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberProfile> {
        let me = ctx.my_id()?;
        let notice = self
            .notice_version
            .unwrap_or_else(|| consent::CURRENT_NOTICE.to_owned());
        ctx.store.write(|tx| {
            member::require_active(tx, self.member_id)?;
            consent::record(tx, self.member_id, self.scope, self.grant, &notice, me)?;
            profile_for(ctx, tx, self.member_id)
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Pdf,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportedFile {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// `member_export`: the member's own data as JSON or PDF, written to the exports folder
/// (pharmacist or manager; the health part's read is logged).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberExportFile {
    pub member_id: MemberId,
    pub format: ExportFormat,
}

impl Command for MemberExportFile {
    const NAME: &'static str = "member_export";
    const ROLES: &'static [Role] = &[Role::Pharmacist, Role::Manager];
    type Output = ExportedFile;
    fn run(self, ctx: &Ctx<'_>) -> Result<ExportedFile> {
        let me = ctx.my_id()?;
        let export = ctx.store.write(|tx| {
            member::require_active(tx, self.member_id)?;
            member::export::gather(tx, me, self.member_id, tx.clock.today())
        })?;
        let (bytes, ext) = match self.format {
            ExportFormat::Json => (
                serde_json::to_vec_pretty(&export).map_err(PosError::storage)?,
                "json",
            ),
            ExportFormat::Pdf => (ctx.api.renderer.member_export_pdf(&export)?, "pdf"),
        };
        let when = ctx.store.clock().now().format("%Y%m%d-%H%M%S");
        let path = ctx.api.exports_dir.join(format!(
            "member-{}-{when}.{ext}",
            export.profile.summary.card_no
        ));
        write_file(&path, &bytes)?;
        Ok(ExportedFile {
            path: path.to_string_lossy().into_owned(),
            bytes: bytes.len() as u64,
        })
    }
}

/// Writes a whole file or reports, in Chinese, what went wrong and where.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let fail = |e: std::io::Error| {
        PosError::new(
            ErrorCode::DocumentUnavailable,
            format!(
                "无法写入文件 {}：{e}；请检查磁盘空间和文件夹权限",
                path.display()
            ),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    std::fs::write(path, bytes).map_err(fail)
}

/// `member_anonymize`: erases the member's personal data on request (manager, with a reason).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberAnonymize {
    pub member_id: MemberId,
    pub reason: String,
}

impl Command for MemberAnonymize {
    const NAME: &'static str = "member_anonymize";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = MemberSummary;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberSummary> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            member::anonymize(tx, me, self.member_id, &self.reason)?;
            member::summary(tx, self.member_id, tx.clock.today())
        })
    }
}

/// `member_transfer_owner`: hands every member a staff member owns to a colleague (manager).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MemberTransferOwner {
    pub from_staff_id: StaffId,
    pub to_staff_id: StaffId,
}

impl Command for MemberTransferOwner {
    const NAME: &'static str = "member_transfer_owner";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = u32;
    fn run(self, ctx: &Ctx<'_>) -> Result<u32> {
        let me = ctx.my_id()?;
        ctx.store
            .write(|tx| member::transfer_owner(tx, me, self.from_staff_id, self.to_staff_id))
    }
}

/// `points_adjust`: a manager's correction of a member's points, with a reason.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PointsAdjust {
    pub member_id: MemberId,
    /// Positive adds, negative takes away.
    #[ts(type = "number")]
    pub points: i64,
    pub reason: String,
}

impl Command for PointsAdjust {
    const NAME: &'static str = "points_adjust";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = MemberSummary;
    fn run(self, ctx: &Ctx<'_>) -> Result<MemberSummary> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            member::require_active(tx, self.member_id)?;
            points::adjust(tx, self.member_id, self.points, &self.reason, me)?;
            member::summary(tx, self.member_id, tx.clock.today())
        })
    }
}

/// `coupon_issue`: a manager gives a member a coupon by hand, with a reason.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CouponIssue {
    pub member_id: MemberId,
    pub face: Money,
    pub min_spend: Money,
    pub valid_days: u32,
    pub reason: String,
}

impl Command for CouponIssue {
    const NAME: &'static str = "coupon_issue";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Coupon;
    fn run(self, ctx: &Ctx<'_>) -> Result<Coupon> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            coupon::issue_manual(
                tx,
                self.member_id,
                self.face,
                self.min_spend,
                self.valid_days,
                &self.reason,
                me,
            )
        })
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TopSpenderIssue {
    /// Members in class A (top 5 % by 12-month spend) and B (the next 15 %).
    pub class_a: u32,
    pub class_b: u32,
    /// Coupons issued now (members who had this month's already are skipped).
    pub issued: u32,
}

/// `coupons_issue_top_spenders`: this month's coupon for class A and B members (manager).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CouponsIssueTopSpenders {}

impl Command for CouponsIssueTopSpenders {
    const NAME: &'static str = "coupons_issue_top_spenders";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = TopSpenderIssue;
    fn run(self, ctx: &Ctx<'_>) -> Result<TopSpenderIssue> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            let (a, b, issued) = coupon::issue_top_spenders(tx, me)?;
            Ok(TopSpenderIssue {
                class_a: a,
                class_b: b,
                issued,
            })
        })
    }
}

/// `rules_get`: the business rules in force (defaults of PRODUCT.md §4 unless changed).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RulesGet {}

impl Command for RulesGet {
    const NAME: &'static str = "rules_get";
    const ROLES: &'static [Role] = &[];
    type Output = BusinessRules;
    fn run(self, ctx: &Ctx<'_>) -> Result<BusinessRules> {
        ctx.store.read(rules::get)
    }
}

/// `rules_update`: a manager changes the business rules.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RulesUpdate {
    pub rules: BusinessRules,
}

impl Command for RulesUpdate {
    const NAME: &'static str = "rules_update";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = BusinessRules;
    fn run(self, ctx: &Ctx<'_>) -> Result<BusinessRules> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| rules::update(tx, me, self.rules))
    }
}

/// `housekeeping_run`: points expiry, nightly tier recompute, birthday coupons (idempotent).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HousekeepingRun {}

impl Command for HousekeepingRun {
    const NAME: &'static str = "housekeeping_run";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = HousekeepingReport;
    fn run(self, ctx: &Ctx<'_>) -> Result<HousekeepingReport> {
        housekeeping::run(ctx.store)
    }
}

// ---------------------------------------------------------------- checkout

/// A colleague's staff number and PIN typed at the till to approve something (a manager for a
/// price override or a return, a pharmacist for an Rx sale or an allergy warning).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Approver {
    pub staff_no: String,
    pub pin: String,
}

/// Checks an approver's credentials (wrong PINs count towards the lockout like a login) and role.
fn approve(ctx: &Ctx<'_>, a: &Approver, role: Role) -> Result<StaffInfo> {
    let s = staff::login(ctx.store, &a.staff_no, &a.pin)?;
    if !s.staff.has(role) {
        return Err(PosError::new(
            ErrorCode::ApproverNotAuthorized,
            format!(
                "{}（{}）不是{}，不能批准；请{}输入本人工号和 PIN",
                s.staff.name,
                s.staff.staff_no,
                role.label(),
                role.label()
            ),
        ));
    }
    Ok(s.staff)
}

/// `cart_set_coupon`: the coupon for this sale (`null` removes it).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetCoupon {
    pub cart_id: SaleId,
    pub coupon_id: Option<CouponId>,
}

impl Command for CartSetCoupon {
    const NAME: &'static str = "cart_set_coupon";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store
            .write(|tx| cart::set_coupon(tx, self.cart_id, self.coupon_id))
    }
}

/// `cart_set_points`: points the member wants to redeem (pricing caps it and shows the cap).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetPoints {
    pub cart_id: SaleId,
    #[ts(type = "number")]
    pub points: i64,
}

impl Command for CartSetPoints {
    const NAME: &'static str = "cart_set_points";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store
            .write(|tx| cart::set_points(tx, self.cart_id, self.points))
    }
}

/// `cart_override_price`: a manager's unit price for a line, approved with the manager's PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartOverridePrice {
    pub cart_id: SaleId,
    pub line_id: LineId,
    /// `null` restores the catalog price.
    pub unit_price: Option<Money>,
    pub reason: String,
    pub manager: Approver,
}

impl Command for CartOverridePrice {
    const NAME: &'static str = "cart_override_price";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.read(|c| cart::require_open(c, self.cart_id))?;
        let manager = approve(ctx, &self.manager, Role::Manager)?;
        ctx.store.write(|tx| {
            cart::override_price(
                tx,
                self.cart_id,
                self.line_id,
                self.unit_price,
                &self.reason,
                manager.id,
            )
        })
    }
}

/// `cart_set_guidance`: the pharmacist's 用药指导 for a line (printed on the receipt).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetGuidance {
    pub cart_id: SaleId,
    pub line_id: LineId,
    pub guidance: String,
}

impl Command for CartSetGuidance {
    const NAME: &'static str = "cart_set_guidance";
    const ROLES: &'static [Role] = &[Role::Pharmacist];
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store
            .write(|tx| cart::set_guidance(tx, self.cart_id, self.line_id, &self.guidance))
    }
}

/// `cart_hold`: 挂单 — puts the sale aside; the next `cart_open` starts a new one.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartHold {
    pub cart_id: SaleId,
}

impl Command for CartHold {
    const NAME: &'static str = "cart_hold";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.write(|tx| cart::hold(tx, self.cart_id))
    }
}

/// `cart_held_list`: the held sales at this till.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartHeldList {}

impl Command for CartHeldList {
    const NAME: &'static str = "cart_held_list";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Vec<cart::HeldCart>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<cart::HeldCart>> {
        ctx.store.read(cart::held)
    }
}

/// `cart_recall`: 取单 — reopens a held sale (the current one is held first if it has lines).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartRecall {
    pub cart_id: SaleId,
}

impl Command for CartRecall {
    const NAME: &'static str = "cart_recall";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| cart::recall(tx, self.cart_id, me))
    }
}

/// `cart_set_prescription`: the prescription for the Rx lines (replacing one needs a new approval).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetPrescription {
    pub cart_id: SaleId,
    pub prescription: cart::PrescriptionInput,
}

impl Command for CartSetPrescription {
    const NAME: &'static str = "cart_set_prescription";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.my_id()?;
        ctx.store
            .write(|tx| cart::set_prescription(tx, self.cart_id, self.prescription, me))
    }
}

/// `cart_approve_rx`: a pharmacist approves the Rx lines with their own staff number and PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartApproveRx {
    pub cart_id: SaleId,
    pub pharmacist: Approver,
}

impl Command for CartApproveRx {
    const NAME: &'static str = "cart_approve_rx";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.read(|c| cart::require_open(c, self.cart_id))?;
        let pharmacist = approve(ctx, &self.pharmacist, Role::Pharmacist)?;
        ctx.store
            .write(|tx| cart::approve_rx(tx, self.cart_id, pharmacist.id))
    }
}

/// `cart_set_ephedrine_buyer`: the buyer's name and resident ID number for the register.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartSetEphedrineBuyer {
    pub cart_id: SaleId,
    pub buyer_name: String,
    pub id_number: String,
}

impl Command for CartSetEphedrineBuyer {
    const NAME: &'static str = "cart_set_ephedrine_buyer";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        let me = ctx.my_id()?;
        ctx.store.write(|tx| {
            cart::set_ephedrine_buyer(tx, self.cart_id, &self.buyer_name, &self.id_number, me)
        })
    }
}

/// `cart_ack_allergy`: a pharmacist acknowledges a line's allergy warning with their own PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CartAckAllergy {
    pub cart_id: SaleId,
    pub line_id: LineId,
    pub pharmacist: Approver,
}

impl Command for CartAckAllergy {
    const NAME: &'static str = "cart_ack_allergy";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Cart;
    fn run(self, ctx: &Ctx<'_>) -> Result<Cart> {
        ctx.store.read(|c| cart::require_open(c, self.cart_id))?;
        let pharmacist = approve(ctx, &self.pharmacist, Role::Pharmacist)?;
        ctx.store
            .write(|tx| cart::acknowledge_allergy(tx, self.cart_id, self.line_id, pharmacist.id))
    }
}

/// `sale_pay`: checks the gates and the tenders and commits the sale in one transaction.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SalePay {
    pub cart_id: SaleId,
    pub tenders: Vec<Tender>,
}

impl Command for SalePay {
    const NAME: &'static str = "sale_pay";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Sale;
    fn run(self, ctx: &Ctx<'_>) -> Result<Sale> {
        let me = ctx.my_id()?;
        ctx.store
            .write(|tx| sale::pay(tx, self.cart_id, &self.tenders, me))
    }
}

/// `sale_get`: a committed sale by id.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SaleGet {
    pub sale_id: SaleId,
}

impl Command for SaleGet {
    const NAME: &'static str = "sale_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Sale;
    fn run(self, ctx: &Ctx<'_>) -> Result<Sale> {
        ctx.store.read(|c| sale::get(c, self.sale_id))
    }
}

/// `sale_find`: a committed sale by its receipt number (scanned from the receipt's code).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SaleFind {
    pub receipt_no: String,
}

impl Command for SaleFind {
    const NAME: &'static str = "sale_find";
    const ROLES: &'static [Role] = SELLERS;
    type Output = Sale;
    fn run(self, ctx: &Ctx<'_>) -> Result<Sale> {
        ctx.store.read(|c| {
            let id = sale::by_receipt_no(c, &self.receipt_no)?;
            sale::get(c, id)
        })
    }
}

/// `return_create`: a return of quality-problem goods, approved by a manager's PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnCreate {
    /// From `return_open`: the same id twice records one return.
    pub return_id: SaleId,
    pub sale_id: SaleId,
    pub lines: Vec<returns::ReturnLineInput>,
    pub reason: returns::ReturnReason,
    #[serde(default)]
    pub note: String,
    pub manager: Approver,
}

impl Command for ReturnCreate {
    const NAME: &'static str = "return_create";
    const ROLES: &'static [Role] = SELLERS;
    type Output = returns::SaleReturn;
    fn run(self, ctx: &Ctx<'_>) -> Result<returns::SaleReturn> {
        let me = ctx.my_id()?;
        if self.return_id.0.get_version_num() != 7 {
            return Err(PosError::new(
                ErrorCode::BadRequest,
                "退货编号无效：请重新查找小票后再办理",
            ));
        }
        // A retried request is answered before the PIN is checked again.
        ctx.store.read(|c| {
            returns::check_not_recorded(c, self.return_id)?;
            sale::get(c, self.sale_id).map(drop)
        })?;
        let manager = approve(ctx, &self.manager, Role::Manager)?;
        ctx.store.write(|tx| {
            returns::create(
                tx,
                self.return_id,
                self.sale_id,
                &self.lines,
                self.reason,
                &self.note,
                manager.id,
                me,
            )
        })
    }
}

/// `return_open`: a new return id (UUIDv7), taken when the returns screen opens a sale; `return_create`
/// with it records the return once, however often the request is sent.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnOpen {}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReturnTicket {
    pub return_id: SaleId,
}

impl Command for ReturnOpen {
    const NAME: &'static str = "return_open";
    const ROLES: &'static [Role] = SELLERS;
    type Output = ReturnTicket;
    fn run(self, ctx: &Ctx<'_>) -> Result<ReturnTicket> {
        Ok(ReturnTicket {
            return_id: SaleId::new(ctx.store.clock()),
        })
    }
}

/// `return_preview`: what a return of these lines would refund, per line and per tender, and the
/// points it would take back and give back; nothing is written. The returns screen shows it
/// before the manager approves.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnPreviewArgs {
    pub sale_id: SaleId,
    pub lines: Vec<returns::ReturnLineInput>,
}

impl Command for ReturnPreviewArgs {
    const NAME: &'static str = "return_preview";
    const ROLES: &'static [Role] = SELLERS;
    type Output = returns::ReturnPreview;
    fn run(self, ctx: &Ctx<'_>) -> Result<returns::ReturnPreview> {
        ctx.store.read(|c| {
            let s = sale::get(c, self.sale_id)?;
            returns::preview(c, &s, &self.lines)
        })
    }
}

/// `return_get`: a return by id.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReturnGet {
    pub return_id: SaleId,
}

impl Command for ReturnGet {
    const NAME: &'static str = "return_get";
    const ROLES: &'static [Role] = SELLERS;
    type Output = returns::SaleReturn;
    fn run(self, ctx: &Ctx<'_>) -> Result<returns::SaleReturn> {
        ctx.store.read(|c| returns::get(c, self.return_id))
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PrintedReceipt {
    /// The PDF, saved under `receipts/` beside the store file (always, printed or not).
    pub path: String,
    /// The printer queue it was sent to; `null` when saved only.
    pub printer: Option<String>,
    /// The till's printer format: what goes (or would go) to the printer; the PDF is saved
    /// either way.
    pub format: PrinterFormat,
    /// A copy: the receipt was printed or saved before (marked 重印).
    pub reprint: bool,
    pub paper_mm: u32,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// `receipt_print`: renders a sale's or return's receipt (80 or 58 mm), saves the PDF, and sends
/// it to the till's printer unless `save_only`. Every print after the first is marked 重印.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReceiptPrint {
    pub kind: ReceiptKind,
    pub id: SaleId,
    /// Paper width; the till's setting when omitted.
    #[serde(default)]
    #[ts(optional)]
    pub paper_mm: Option<u32>,
    #[serde(default)]
    pub save_only: bool,
}

impl Command for ReceiptPrint {
    const NAME: &'static str = "receipt_print";
    const ROLES: &'static [Role] = SELLERS;
    type Output = PrintedReceipt;
    fn run(self, ctx: &Ctx<'_>) -> Result<PrintedReceipt> {
        let me = ctx.my_id()?;
        let till = ctx.store.read(till::get)?;
        let paper = till::check_paper(self.paper_mm.unwrap_or(till.paper_mm))?;
        let (receipt, copies) = ctx
            .store
            .read(|c| sale::receipt::prepare(c, self.kind, self.id))?;
        let pdf = ctx.api.renderer.receipt_pdf(&receipt, paper)?;
        let dir = ctx
            .api
            .exports_dir
            .parent()
            .map(|d| d.join("receipts"))
            .unwrap_or_else(|| PathBuf::from("receipts"));
        let name = if copies == 0 {
            format!("{}.pdf", receipt.receipt_no)
        } else {
            format!("{}-copy{copies}.pdf", receipt.receipt_no)
        };
        let path = dir.join(name);
        write_file(&path, &pdf)?;
        let target = match (&till.printer, self.save_only) {
            (Some(queue), false) => Some(queue.clone()),
            _ => None,
        };
        // A print that failed is not a print: the next attempt is still the original.
        if let Some(queue) = &target {
            let (file, data) = match till.printer_format {
                PrinterFormat::Pdf => (path.clone(), PrintData::Document),
                PrinterFormat::Escpos => {
                    let bytes = ctx.api.renderer.receipt_escpos(&receipt, paper)?;
                    let file = path.with_extension("escpos");
                    write_file(&file, &bytes)?;
                    (file, PrintData::Raw)
                }
            };
            ctx.api
                .printer
                .print(queue, &file, &format!("小票 {}", receipt.receipt_no), data)
                .map_err(|e| {
                    e.with_details(serde_json::json!({
                        "path": path.to_string_lossy(),
                        "printer": queue,
                    }))
                })?;
        }
        let printed_to = target
            .clone()
            .unwrap_or_else(|| path.to_string_lossy().into_owned());
        ctx.store
            .write(|tx| sale::receipt::record_print(tx, self.id, me, copies, paper, &printed_to))?;
        Ok(PrintedReceipt {
            path: path.to_string_lossy().into_owned(),
            printer: target,
            format: till.printer_format,
            reprint: copies > 0,
            paper_mm: paper,
            bytes: pdf.len() as u64,
        })
    }
}

/// `printer_queues`: the printer queues CUPS knows on this machine (`lpstat -e`), for the till
/// settings to choose from; typing a queue name by hand still works.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PrinterQueues {}

impl Command for PrinterQueues {
    const NAME: &'static str = "printer_queues";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = Vec<String>;
    fn run(self, ctx: &Ctx<'_>) -> Result<Vec<String>> {
        ctx.api.printer.queues()
    }
}

/// `business_date`: today at the store (China Standard Time) by the core's clock — the date the
/// UI's forms prefill and check against, so screens and the core never disagree around midnight.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BusinessDate {}

impl Command for BusinessDate {
    const NAME: &'static str = "business_date";
    const ROLES: &'static [Role] = &[];
    type Output = String;
    fn run(self, ctx: &Ctx<'_>) -> Result<String> {
        Ok(ctx.store.clock().today().to_string())
    }
}

/// `till_settings_get`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TillSettingsGet {}

impl Command for TillSettingsGet {
    const NAME: &'static str = "till_settings_get";
    const ROLES: &'static [Role] = &[];
    type Output = TillSettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<TillSettings> {
        ctx.store.read(till::get)
    }
}

/// `till_settings_update`: manager only.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TillSettingsUpdate {
    pub settings: TillSettings,
}

impl Command for TillSettingsUpdate {
    const NAME: &'static str = "till_settings_update";
    const ROLES: &'static [Role] = &[Role::Manager];
    type Output = TillSettings;
    fn run(self, ctx: &Ctx<'_>) -> Result<TillSettings> {
        ctx.store.write(|tx| till::update(tx, self.settings))
    }
}
