//! The one API. Every operation the UI can do is a `Command`: a request type, a response type,
//! the roles allowed, and one function. The desktop shell, the `pharmapos api` CLI and the tests
//! all go through `Api::call` (typed) or `Api::dispatch` (JSON), so role checks and validation
//! happen here and nowhere else. `commands!` below is the single list of commands; it also
//! generates the TypeScript bindings (`ui/src/lib/bindings.ts`).
//!
//! This file holds the machinery (`Api`, `Ctx`, `Command`, `commands!`) and the helpers several
//! areas share; the commands themselves live in one file per area, and are re-exported here so
//! every one is `pos_core::api::Name`:
//!
//! - [`session`]: setup and login (first manager, login/logout, own PIN, locking the till);
//! - [`admin`]: the pharmacy's settings and the staff accounts;
//! - [`catalog`]: product lookup and catalog import;
//! - [`cart`]: the cart being rung up (scan, add, quantities, member);
//! - [`members`]: members, points, coupons, the health part, consent, export, anonymization,
//!   the business rules and housekeeping;
//! - [`checkout`]: coupon/points on the cart, approvals, hold/recall, Rx, payment, returns;
//! - [`till`]: receipt printing, printer queues, the test print, the business date, the till's
//!   settings;
//! - [`manager`]: the manager's day: shifts and the blind count, day close, the start of the
//!   business day, the audit log;
//! - [`backup`]: backups, restore and the store file's integrity check;
//! - [`sync`]: the sync with headquarters and restoring a till from it;
//! - [`trace`]: 药品追溯码 taken off a cart, and the export for 医保 reporting;
//! - [`follow_up`]: follow-ups (用药随访): the worklist, a task with its outcome, and the
//!   member health view;
//! - [`guidance`]: medication guidance (用药指导) on cart and sale lines, the member's guidance,
//!   the guidance slip (用药指导单);
//! - [`complaints`]: complaints (投诉): intake, verification, resolution, call-back, the monthly
//!   summary; the complainant's personal details for pharmacists and managers only;
//! - [`programme`]: the member programme: analytics and the member list behind each figure,
//!   care lists (call and message lists), the contact log, the owner's worklist, campaigns;
//! - [`registers`]: the prescription register (the patient and image captured with a
//!   prescription, the Rx review) and the ephedrine register: searched, revealed, printed, exported;
//! - [`reports`]: the handover slip and the day-close report printed (receipt width, A4) and
//!   exported (CSV, XLSX).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde::Serialize;
use ts_rs::TS;

use crate::db::Store;
use crate::documents::{NoPrinter, NoRenderer, Printer, Renderer};
use crate::error::{ErrorCode, PosError, Result};
use crate::ids::StaffId;
use crate::staff::{Role, Session};

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
    /// Whether it runs while the till is locked (`session_lock`): only locking and unlocking do.
    /// Every other command that needs a login is refused with SESSION_LOCKED until then.
    const WHILE_LOCKED: bool = false;
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

    /// Locks or unlocks the session of this till; the session after, or NOT_LOGGED_IN.
    fn set_locked(&self, locked: bool) -> Result<Session> {
        let mut session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let s = session.as_mut().ok_or_else(not_logged_in)?;
        s.locked = locked;
        Ok(s.clone())
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
            if s.locked && !C::WHILE_LOCKED {
                return Err(PosError::new(
                    ErrorCode::SessionLocked,
                    format!("收银台已锁定，请{}输入 PIN 解锁后再操作", s.staff.name),
                ));
            }
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
        let text = e.to_string();
        // A malformed amount anywhere in the request: the amount's own code and message.
        match text.split_once(crate::money::AMOUNT_ERROR_TAG) {
            Some((_, message)) => PosError::new(ErrorCode::InvalidAmount, message.trim()),
            None => PosError::new(
                ErrorCode::BadRequest,
                format!("命令 {} 的参数不正确：{text}", C::NAME),
            ),
        }
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

/// Whoever sells at the counter.
const SELLERS: &[Role] = &[Role::Cashier, Role::Pharmacist, Role::Manager];

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

mod admin;
mod backup;
mod cart;
mod catalog;
mod checkout;
mod complaints;
mod follow_up;
mod guidance;
mod manager;
mod members;
mod programme;
mod registers;
mod reports;
mod session;
mod sync;
mod till;
mod trace;

pub use crate::member::care::ContactInput;
pub use crate::member::NewMember;
pub use crate::pharmacy::complaint::NewComplaint;
pub use crate::sync::RestoreRequest;
pub use admin::{
    SettingsGet, SettingsUpdate, StaffCreate, StaffList, StaffResetPin, StaffSetActive,
    StaffSetRoles,
};
pub use backup::{
    BackupNow, BackupRestore, BackupSettingsUpdate, BackupStatusGet, StoreCheck, StoreHealthGet,
};
pub use cart::{
    CartAddProduct, CartGet, CartOpen, CartRemoveLine, CartScan, CartSetMember, CartSetQuantity,
};
pub use catalog::{CatalogImport, CatalogImportCheck, ProductByBarcode, ProductSearch};
pub use checkout::{
    Approver, CartAckAllergy, CartApproveRx, CartCancel, CartHeldList, CartHold, CartOverridePrice,
    CartRecall, CartSetCoupon, CartSetEphedrineBuyer, CartSetGuidance, CartSetPoints,
    CartSetPrescription, JournalSearch, ReturnCreate, ReturnGet, ReturnOpen, ReturnPreviewArgs,
    ReturnTicket, SaleFind, SaleGet, SalePay,
};
pub use complaints::{
    Compensation, ComplaintCallback, ComplaintCompensate, ComplaintContactGet, ComplaintGet,
    ComplaintLinkReturn, ComplaintList, ComplaintMove, ComplaintNoteAdd, ComplaintResolve,
    ComplaintSummaryExport, ComplaintSummaryFile, ComplaintSummaryGet,
};
pub use follow_up::{FollowUpComplete, FollowUpGet, FollowUpList, MemberHealthViewGet};
pub use guidance::{
    GuidanceForMember, GuidanceHistory, GuidanceProductDefaultGet, GuidanceProductDefaultSet,
    GuidanceSaleGet, GuidanceSalesOfDay, GuidanceSave, GuidanceSlipPdf, GuidanceSlipPrint,
    PrintedSlip, SlipPdf,
};
pub use manager::{
    AuditList, AuditVerify, CashDirection, ClosedDay, DayClose, DayClosedList, DayPreview,
    DayReportGet, DaySettingsGet, DaySettingsUpdate, ShiftCashMove, ShiftClose, ShiftCurrentGet,
    ShiftOpen, ShiftSlipGet,
};
pub use members::{
    CouponIssue, CouponsIssueTopSpenders, ExportFormat, ExportedFile, HealthChoicesGet,
    HousekeepingRun, MemberAnonymize, MemberConfirm, MemberConsent, MemberCoupons, MemberEdits,
    MemberExportFile, MemberFind, MemberGet, MemberHealthAdd, MemberHealthGet, MemberHealthLog,
    MemberHealthRemove, MemberPoints, MemberPurchases, MemberTransferOwner, MemberUpdate,
    PointsAdjust, RulesGet, RulesPreviewArgs, RulesUpdate, TopSpenderIssue,
};
pub use programme::{
    CampaignRunCmd, CareExportKind, CareListExport, CareListGet, MemberAnalytics, MemberContacts,
    MemberList, MemberListExport, OwnerWorklistGet,
};
pub use registers::{
    CartAttachRxImage, CartRxReview, CartSetRxPatient, EphedrineRegisterExport,
    EphedrineRegisterPrint, EphedrineRegisterReveal, EphedrineRegisterSearch,
    PrescriptionRegisterExport, PrescriptionRegisterSearch, RegisterSettingsGet,
    RegisterSettingsUpdate, RevealedId, RxScannerImages, ScannerFolder,
};
pub use reports::{
    DayReportExport, DayReportPaper, DayReportPrint, ReportExportFormat, SavedReport,
    ShiftSlipPrint,
};
pub use session::{
    ChangePin, CreateFirstManager, CurrentSession, Login, Logout, SessionLock, SessionUnlock,
    SetupStatus, SetupStatusArgs,
};
pub use sync::{SyncConfigure, SyncNow, SyncStatusGet};
pub use till::{
    BusinessDate, PrintedReceipt, PrinterQueues, ReceiptPrint, TestPrinted, TillSettingsGet,
    TillSettingsUpdate, TillTestPrint,
};
pub use trace::{
    CartRemoveTraceCode, ReturnTraceScanCmd, TraceConflicts, TraceExport, TraceExportResult,
};

commands!(
    SetupStatusArgs,
    CreateFirstManager,
    Login,
    Logout,
    CurrentSession,
    ChangePin,
    SessionLock,
    SessionUnlock,
    SettingsGet,
    SettingsUpdate,
    StaffList,
    StaffCreate,
    StaffSetActive,
    StaffResetPin,
    StaffSetRoles,
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
    MemberHealthViewGet,
    FollowUpList,
    FollowUpGet,
    FollowUpComplete,
    HealthChoicesGet,
    MemberConsent,
    MemberExportFile,
    MemberAnonymize,
    MemberTransferOwner,
    PointsAdjust,
    CouponIssue,
    CouponsIssueTopSpenders,
    RulesGet,
    RulesPreviewArgs,
    RulesUpdate,
    HousekeepingRun,
    CartSetCoupon,
    CartSetPoints,
    CartOverridePrice,
    CartSetGuidance,
    CartHold,
    CartCancel,
    CartHeldList,
    CartRecall,
    CartSetPrescription,
    CartApproveRx,
    CartSetEphedrineBuyer,
    CartAckAllergy,
    CartSetRxPatient,
    CartAttachRxImage,
    RxScannerImages,
    CartRxReview,
    RegisterSettingsGet,
    RegisterSettingsUpdate,
    PrescriptionRegisterSearch,
    PrescriptionRegisterExport,
    EphedrineRegisterSearch,
    EphedrineRegisterReveal,
    EphedrineRegisterPrint,
    EphedrineRegisterExport,
    CartRemoveTraceCode,
    TraceExport,
    ReturnTraceScanCmd,
    TraceConflicts,
    SalePay,
    SaleGet,
    SaleFind,
    JournalSearch,
    ReturnOpen,
    ReturnPreviewArgs,
    ReturnCreate,
    ReturnGet,
    ReceiptPrint,
    PrinterQueues,
    BusinessDate,
    TillSettingsGet,
    TillSettingsUpdate,
    TillTestPrint,
    SyncStatusGet,
    SyncConfigure,
    SyncNow,
    RestoreRequest,
    ShiftCurrentGet,
    ShiftOpen,
    ShiftCashMove,
    ShiftClose,
    ShiftSlipGet,
    DayPreview,
    DayClose,
    DayReportGet,
    DayClosedList,
    DaySettingsGet,
    DaySettingsUpdate,
    AuditVerify,
    AuditList,
    BackupStatusGet,
    BackupSettingsUpdate,
    BackupNow,
    BackupRestore,
    StoreCheck,
    StoreHealthGet,
    ShiftSlipPrint,
    DayReportPrint,
    DayReportExport,
    GuidanceSave,
    GuidanceSaleGet,
    GuidanceSalesOfDay,
    GuidanceHistory,
    GuidanceProductDefaultGet,
    GuidanceProductDefaultSet,
    GuidanceForMember,
    GuidanceSlipPrint,
    GuidanceSlipPdf,
    NewComplaint,
    ComplaintList,
    ComplaintGet,
    ComplaintContactGet,
    ComplaintNoteAdd,
    ComplaintResolve,
    ComplaintLinkReturn,
    ComplaintCompensate,
    ComplaintCallback,
    ComplaintMove,
    ComplaintSummaryGet,
    ComplaintSummaryExport,
    MemberAnalytics,
    MemberList,
    MemberListExport,
    CareListGet,
    CareListExport,
    ContactInput,
    MemberContacts,
    OwnerWorklistGet,
    CampaignRunCmd,
);
