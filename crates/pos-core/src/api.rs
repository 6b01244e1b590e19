//! The one API. Every operation the UI can do is a `Command`: a request type, a response type,
//! the roles allowed, and one function. The desktop shell, the `pharmapos api` CLI and the tests
//! all go through `Api::call` (typed) or `Api::dispatch` (JSON), so role checks and validation
//! happen here and nowhere else. `commands!` below is the single list of commands; it also
//! generates the TypeScript bindings (`ui/src/lib/bindings.ts`).

use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cart::{self, Cart};
use crate::catalog::import::{self, ImportReport, ImportSource};
use crate::catalog::{self, Product};
use crate::db::Store;
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::{LineId, ProductId, SaleId};
use crate::settings::{self, PharmacySettings};
use crate::staff::{self, NewStaff, Role, Session, StaffInfo};

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
        Api {
            store,
            session: Mutex::new(None),
        }
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
        ctx.store.read(|c| cart::get(c, self.cart_id))
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
