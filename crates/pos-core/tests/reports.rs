//! Printing and exporting the manager's reports through the API on a real store file: who may
//! print which handover slip (a cashier only their own, and only after the blind count), the
//! day-close report as a preview and as signed (第 N 号, the same on a reprint), where the files
//! go, what reaches the printer, the CSV read back figure by figure, and the audit entries. The
//! PDF and XLSX renderers are pos-receipt's (tested there); here a stand-in at that edge keeps
//! what it was asked to draw, and a stand-in printer what it was asked to print.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::counter::*;
use common::Till;
use pos_core::api::*;
use pos_core::audit::AuditFilter;
use pos_core::day_close::DayReport;
use pos_core::documents::{PrintData, Printer, Renderer};
use pos_core::error::Result;
use pos_core::member::export::MemberExport;
use pos_core::pricing::TenderKind;
use pos_core::report_doc::{ReportDoc, ReportPaper, Value, PREVIEW, SHIFT_OPEN};
use pos_core::sale::receipt::Receipt;
use pos_core::sale::returns::ReturnReason;
use pos_core::shift::CountLine;
use pos_core::staff::Role;
use pos_core::till::{PrinterFormat, TillSettings};
use pos_core::{ErrorCode, Money, PosError};

/// Draws nothing: keeps each report it was given and answers a few marked bytes.
#[derive(Default)]
struct Drawn(Mutex<Vec<(ReportDoc, Option<ReportPaper>)>>);

impl Drawn {
    fn last(&self) -> (ReportDoc, Option<ReportPaper>) {
        self.0
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a report was drawn")
    }
}

impl Renderer for Drawn {
    fn member_export_pdf(&self, _: &MemberExport) -> Result<Vec<u8>> {
        Ok(b"%PDF-member".to_vec())
    }
    fn receipt_pdf(&self, _: &Receipt, _: u32) -> Result<Vec<u8>> {
        Ok(b"%PDF-receipt".to_vec())
    }
    fn receipt_escpos(&self, _: &Receipt, _: u32) -> Result<Vec<u8>> {
        Ok(b"\x1b@".to_vec())
    }
    fn report_pdf(&self, r: &ReportDoc, paper: ReportPaper) -> Result<Vec<u8>> {
        self.0.lock().unwrap().push((r.clone(), Some(paper)));
        Ok(format!("%PDF-report {}", paper.as_str()).into_bytes())
    }
    fn report_escpos(&self, r: &ReportDoc, paper_mm: u32) -> Result<Vec<u8>> {
        self.0
            .lock()
            .unwrap()
            .push((r.clone(), Some(ReportPaper::roll(paper_mm))));
        Ok(b"\x1b@report".to_vec())
    }
    fn report_xlsx(&self, r: &ReportDoc) -> Result<Vec<u8>> {
        self.0.lock().unwrap().push((r.clone(), None));
        Ok(b"PK-xlsx".to_vec())
    }
}

/// Keeps what it was asked to print; fails when told to.
#[derive(Default)]
struct Spool {
    jobs: Mutex<Vec<(String, PathBuf, String, PrintData)>>,
    fail: Mutex<bool>,
}

impl Printer for Spool {
    fn print(&self, queue: &str, file: &Path, title: &str, data: PrintData) -> Result<()> {
        if *self.fail.lock().unwrap() {
            return Err(PosError::new(ErrorCode::PrintFailed, "打印机缺纸"));
        }
        self.jobs
            .lock()
            .unwrap()
            .push((queue.to_owned(), file.to_owned(), title.to_owned(), data));
        Ok(())
    }
}

struct Shop {
    t: Till,
    drawn: Arc<Drawn>,
    spool: Arc<Spool>,
}

impl Shop {
    fn new() -> Shop {
        let Till { api, clock, dir } = Till::demo();
        let drawn = Arc::new(Drawn::default());
        let spool = Arc::new(Spool::default());
        let api = api.with_renderer(drawn.clone()).with_printer(spool.clone());
        Shop {
            t: Till { api, clock, dir },
            drawn,
            spool,
        }
    }

    fn api(&self) -> &pos_core::Api {
        &self.t.api
    }

    fn as_manager(&self) {
        self.t.login("3001", "3333");
    }

    fn as_cashier(&self) {
        self.t.login("1001", "1111");
    }

    fn set_printer(&self, printer: Option<&str>, format: PrinterFormat) {
        self.as_manager();
        self.api()
            .call(TillSettingsUpdate {
                settings: TillSettings {
                    till_no: 2,
                    printer: printer.map(str::to_owned),
                    paper_mm: 80,
                    printer_format: format,
                    auto_print: true,
                },
            })
            .unwrap();
    }

    /// The cashier's shift: float 300, a cash sale, a WeChat sale, a return, 50 taken out;
    /// closed with a blind count 0.20 short. Returns the shift id and the sales' total.
    fn day_with_a_closed_shift(&self) -> (String, Money) {
        self.as_cashier();
        let shift = self
            .api()
            .call(ShiftOpen {
                float: pos_core::Money::parse_amount("300").unwrap(),
            })
            .unwrap();
        let t = &self.t;
        let c = t.cart();
        t.scan(&c, FENGYOUJING, 2).unwrap();
        let c = t.scan(&c, GANMAOLING, 1).unwrap();
        let s1 = t.pay(&c, vec![cash("50")]).unwrap();
        t.clock.advance_ms(60_000);
        let c = t.cart();
        let c = t.scan(&c, PARACETAMOL, 3).unwrap();
        let s2 = t
            .pay(
                &c,
                vec![tender(TenderKind::Wechat, &c.pricing.payable.to_string())],
            )
            .unwrap();
        t.clock.advance_ms(60_000);
        t.ret(
            s1.id,
            &[(s1.lines[1].id, 1)],
            ReturnReason::Damaged,
            "",
            manager(),
        )
        .unwrap();
        self.api()
            .call(ShiftCashMove {
                direction: CashDirection::Out,
                amount: pos_core::Money::parse_amount("50").unwrap(),
                reason: "存银行".into(),
            })
            .unwrap();
        let open = self.api().call(ShiftSlipPrint {
            shift_id: shift.id.clone(),
            paper_mm: None,
            save_only: true,
        });
        assert_eq!(
            open.unwrap_err().code,
            ErrorCode::Forbidden,
            "a cashier's slip before the blind count would show the expected cash"
        );
        let expected = {
            self.as_manager();
            let e = self
                .api()
                .call(ShiftSlipGet {
                    shift_id: shift.id.clone(),
                })
                .unwrap()
                .cash_expected;
            self.as_cashier();
            e
        };
        let counted = expected.fen() - 20;
        let count = vec![
            CountLine {
                denomination: m("100"),
                count: (counted / 10_000).to_string(),
            },
            CountLine {
                denomination: m("1"),
                count: (counted % 10_000 / 100).to_string(),
            },
            CountLine {
                denomination: m("0.01"),
                count: (counted % 100).to_string(),
            },
        ];
        let slip = self.api().call(ShiftClose { count }).unwrap();
        assert_eq!(slip.over_short, Some(Money::from_fen(-20)));
        (shift.id, s1.payable + s2.payable)
    }

    fn audit(&self, action: &str) -> Vec<pos_core::audit::AuditEntry> {
        self.as_manager();
        self.api()
            .call(AuditList {
                filter: AuditFilter {
                    action: Some(action.into()),
                    ..Default::default()
                },
            })
            .unwrap()
    }
}

fn info<'a>(doc: &'a ReportDoc, label: &str) -> &'a Value {
    &doc.info
        .iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no {label} in {:?}", doc.info))
        .value
}

fn figure<'a>(doc: &'a ReportDoc, label: &str) -> &'a Value {
    &doc.sections
        .iter()
        .flat_map(|s| &s.rows)
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no row {label}"))
        .value
}

#[test]
fn a_cashier_prints_only_their_own_closed_shift_and_a_manager_any() {
    let shop = Shop::new();
    shop.set_printer(Some("XP-80C"), PrinterFormat::Pdf);
    let (shift, _) = shop.day_with_a_closed_shift();

    // The cashier prints their own closed shift at the till's width, to the till's printer.
    shop.as_cashier();
    let saved = shop
        .api()
        .call(ShiftSlipPrint {
            shift_id: shift.clone(),
            paper_mm: None,
            save_only: false,
        })
        .unwrap();
    assert_eq!(saved.printer.as_deref(), Some("XP-80C"));
    assert!(!saved.preview);
    let path = PathBuf::from(&saved.path);
    assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-report 80mm");
    assert_eq!(saved.bytes, 16);
    assert!(
        path.starts_with(shop.t.dir.path().join("reports")),
        "{path:?}"
    );
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("shift-slip-2026-11-23-") && name.ends_with("-80mm-20261123-100200.pdf"),
        "{name}"
    );
    let jobs = shop.spool.jobs.lock().unwrap().clone();
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        (jobs[0].0.as_str(), &jobs[0].1, jobs[0].3),
        ("XP-80C", &path, PrintData::Document)
    );
    assert!(
        jobs[0].2.starts_with("交班单 王晓燕 2026-11-23"),
        "{}",
        jobs[0].2
    );
    let (doc, paper) = shop.drawn.last();
    assert_eq!(paper, Some(ReportPaper::Receipt80));
    assert_eq!(doc.title, "交班单");
    assert_eq!(doc.banner, None);
    assert_eq!(info(&doc, "收银台"), &Value::text("2 号"));
    assert_eq!(info(&doc, "打印人"), &Value::text("王晓燕"));
    assert_eq!(
        figure(&doc, "长款/短款"),
        &Value::OverShort(Money::from_fen(-20))
    );
    assert_eq!(doc.signatures, ["收银员签字", "店长签字"]);

    // At 58 mm when asked; 70 mm is no paper.
    shop.api()
        .call(ShiftSlipPrint {
            shift_id: shift.clone(),
            paper_mm: Some(58),
            save_only: true,
        })
        .unwrap();
    assert_eq!(shop.drawn.last().1, Some(ReportPaper::Receipt58));
    let e = shop
        .api()
        .call(ShiftSlipPrint {
            shift_id: shift.clone(),
            paper_mm: Some(70),
            save_only: true,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);

    // Another cashier may not; a pharmacist may not; an unknown shift is not found.
    shop.as_manager();
    shop.api()
        .call(StaffCreate {
            staff_no: "1002".into(),
            name: "李娜".into(),
            roles: vec![Role::Cashier],
            pin: "1212".into(),
        })
        .unwrap();
    shop.t.login("1002", "1212");
    let e = shop
        .api()
        .call(ShiftSlipPrint {
            shift_id: shift.clone(),
            paper_mm: None,
            save_only: true,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("王晓燕"), "{}", e.message);
    shop.t.login("2001", "2222");
    let e = shop
        .api()
        .call(ShiftSlipPrint {
            shift_id: shift.clone(),
            paper_mm: None,
            save_only: true,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    shop.as_manager();
    let e = shop
        .api()
        .call(ShiftSlipPrint {
            shift_id: "no-such-shift".into(),
            paper_mm: None,
            save_only: true,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NoOpenShift);

    // A manager may print a shift still open: marked as such.
    shop.api()
        .call(ShiftOpen {
            float: pos_core::Money::parse_amount("200").unwrap(),
        })
        .unwrap();
    let open = shop.api().call(ShiftCurrentGet {}).unwrap().unwrap();
    let saved = shop
        .api()
        .call(ShiftSlipPrint {
            shift_id: open.id.clone(),
            paper_mm: None,
            save_only: true,
        })
        .unwrap();
    assert!(saved.path.contains("-open-"), "{}", saved.path);
    assert_eq!(saved.printer, None);
    assert_eq!(saved.not_printed, None, "saving only was asked");
    assert_eq!(shop.drawn.last().0.banner.as_deref(), Some(SHIFT_OPEN));
    assert_eq!(
        shop.spool.jobs.lock().unwrap().len(),
        1,
        "save_only prints nothing"
    );

    // Every print is audited under the shift's id, with the file and where it went.
    let entries = shop.audit("report.print");
    assert_eq!(entries.len(), 3);
    let first = entries.last().unwrap();
    assert_eq!(first.subject, shift);
    assert_eq!(first.staff_name.as_deref(), Some("王晓燕"));
    let detail: serde_json::Value = serde_json::from_str(&first.detail).unwrap();
    assert_eq!(detail["file"], path.to_string_lossy().as_ref());
    assert_eq!(detail["paper"], "80mm");
    assert_eq!(detail["printer"], "XP-80C");
    assert_eq!(detail["preview"], false);
}

#[test]
fn the_day_report_prints_as_a_preview_until_closed_then_as_signed_with_its_number() {
    let shop = Shop::new();
    shop.set_printer(Some("XP-80C"), PrinterFormat::Pdf);
    let (_, sales) = shop.day_with_a_closed_shift();
    shop.as_manager();
    let date = "2026-11-23".to_owned();

    // Not closed: a preview, marked in the model and in the file's name.
    let saved = shop
        .api()
        .call(DayReportPrint {
            business_date: date.clone(),
            paper: DayReportPaper::Receipt,
            save_only: false,
        })
        .unwrap();
    assert!(saved.preview);
    assert!(
        saved.path.contains("day-close-2026-11-23-preview-80mm-"),
        "{}",
        saved.path
    );
    assert_eq!(saved.printer.as_deref(), Some("XP-80C"));
    let (doc, paper) = shop.drawn.last();
    assert_eq!(paper, Some(ReportPaper::Receipt80));
    assert_eq!(doc.banner.as_deref(), Some(PREVIEW));
    assert_eq!(info(&doc, "编号"), &Value::text(PREVIEW));
    assert_eq!(figure(&doc, "应收金额"), &Value::Money(sales));
    assert!(
        doc.caption().contains("预览（未日结）"),
        "{}",
        doc.caption()
    );

    // A4 is saved, never sent to the till's receipt printer; the answer says why.
    let a4 = shop
        .api()
        .call(DayReportPrint {
            business_date: date.clone(),
            paper: DayReportPaper::A4,
            save_only: false,
        })
        .unwrap();
    assert_eq!(a4.printer, None);
    assert!(a4.not_printed.as_deref().unwrap().contains("A4"), "{a4:?}");
    assert!(a4.path.contains("-preview-a4-"), "{}", a4.path);
    assert_eq!(shop.drawn.last().1, Some(ReportPaper::A4));
    assert_eq!(shop.spool.jobs.lock().unwrap().len(), 1);

    // Closed: the signed report, 第 1 号; a reprint later is the same report.
    let signed = shop
        .api()
        .call(DayClose {
            business_date: date.clone(),
        })
        .unwrap();
    shop.t.clock.advance_ms(3_600_000);
    shop.api()
        .call(DayReportPrint {
            business_date: date.clone(),
            paper: DayReportPaper::A4,
            save_only: true,
        })
        .unwrap();
    let (first, _) = shop.drawn.last();
    assert_eq!(first.banner, None);
    assert_eq!(info(&first, "编号"), &Value::text("第 1 号"));
    assert_eq!(info(&first, "日结人"), &Value::text("张丽华"));
    assert_eq!(first.file_stem, "day-close-2026-11-23-no1");
    shop.t.clock.advance_ms(86_400_000);
    let again = shop
        .api()
        .call(DayReportPrint {
            business_date: date.clone(),
            paper: DayReportPaper::A4,
            save_only: true,
        })
        .unwrap();
    let (reprint, _) = shop.drawn.last();
    assert_eq!(
        reprint.sections, first.sections,
        "a reprint is the signed report"
    );
    assert_eq!(info(&reprint, "编号"), &Value::text("第 1 号"));
    assert_ne!(info(&reprint, "打印时间"), info(&first, "打印时间"));
    assert!(again.path.contains("-no1-a4-"), "{}", again.path);
    assert_eq!(
        figure(&reprint, "审计链哈希"),
        &Value::text(&signed.audit_hash),
        "the sealed hash, not the chain's head now"
    );

    // Errors: a date that is not one; a cashier.
    let e = shop
        .api()
        .call(DayReportPrint {
            business_date: "2026-13-01".into(),
            paper: DayReportPaper::A4,
            save_only: true,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
    shop.as_cashier();
    let e = shop
        .api()
        .call(DayReportPrint {
            business_date: date.clone(),
            paper: DayReportPaper::A4,
            save_only: true,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = shop
        .api()
        .call(DayReportExport {
            business_date: date,
            format: ReportExportFormat::Csv,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

#[test]
fn a_failed_print_keeps_the_file_says_where_and_is_audited() {
    let shop = Shop::new();
    shop.set_printer(Some("XP-80C"), PrinterFormat::Pdf);
    *shop.spool.fail.lock().unwrap() = true;
    let e = shop
        .api()
        .call(DayReportPrint {
            business_date: "2026-11-23".into(),
            paper: DayReportPaper::Receipt,
            save_only: false,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PrintFailed);
    let path = e.details.as_ref().unwrap()["path"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(Path::new(&path).is_file());
    let entries = shop.audit("report.print");
    assert_eq!(entries.len(), 1);
    let detail: serde_json::Value = serde_json::from_str(&entries[0].detail).unwrap();
    assert_eq!(detail["error"], "打印机缺纸");

    // An ESC/POS queue gets ESC/POS bytes, raw, saved beside the PDF; A4 never goes there.
    *shop.spool.fail.lock().unwrap() = false;
    shop.set_printer(Some("RAW"), PrinterFormat::Escpos);
    let saved = shop
        .api()
        .call(DayReportPrint {
            business_date: "2026-11-23".into(),
            paper: DayReportPaper::Receipt,
            save_only: false,
        })
        .unwrap();
    assert_eq!(saved.printer.as_deref(), Some("RAW"));
    assert_eq!(saved.not_printed, None);
    let raw = PathBuf::from(&saved.path).with_extension("escpos");
    assert_eq!(std::fs::read(&raw).unwrap(), b"\x1b@report");
    assert!(Path::new(&saved.path).is_file(), "the PDF is kept too");
    {
        let jobs = shop.spool.jobs.lock().unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!((&jobs[0].1, jobs[0].3), (&raw, PrintData::Raw));
    }
    let a4 = shop
        .api()
        .call(DayReportPrint {
            business_date: "2026-11-23".into(),
            paper: DayReportPaper::A4,
            save_only: false,
        })
        .unwrap();
    assert_eq!(a4.printer, None);
    shop.spool.jobs.lock().unwrap().clear();
    // No printer at all: saved, and said.
    shop.set_printer(None, PrinterFormat::Pdf);
    let saved = shop
        .api()
        .call(DayReportPrint {
            business_date: "2026-11-23".into(),
            paper: DayReportPaper::Receipt,
            save_only: false,
        })
        .unwrap();
    assert!(saved.not_printed.unwrap().contains("未设置打印机"));
    assert!(shop.spool.jobs.lock().unwrap().is_empty());
}

/// The CSV's records, the byte-order mark checked and taken off.
fn csv_records(path: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with a BOM for Excel"
    );
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The value of the first `label,value` record with that label.
fn csv_value(records: &[Vec<String>], label: &str) -> String {
    records
        .iter()
        .find(|r| r.len() >= 2 && r[0] == label)
        .unwrap_or_else(|| panic!("no {label} in {records:?}"))[1]
        .clone()
}

#[test]
fn the_day_report_exports_as_csv_with_every_figure_and_as_xlsx_through_the_renderer() {
    let shop = Shop::new();
    shop.day_with_a_closed_shift();
    shop.as_manager();
    let r: DayReport = shop
        .api()
        .call(DayClose {
            business_date: "2026-11-23".into(),
        })
        .unwrap();
    let saved = shop
        .api()
        .call(DayReportExport {
            business_date: "2026-11-23".into(),
            format: ReportExportFormat::Csv,
        })
        .unwrap();
    assert!(
        saved
            .path
            .ends_with("day-close-2026-11-23-no1-export-20261123-100200.csv"),
        "{}",
        saved.path
    );
    assert!(PathBuf::from(&saved.path).starts_with(shop.t.dir.path().join("exports")));
    assert!(!saved.preview);
    let rec = csv_records(&saved.path);
    assert_eq!(rec[0], ["日结单"]);
    assert_eq!(rec[1], ["康宁大药房（演示店）"]);
    for (label, value) in [
        ("营业日", r.business_date.clone()),
        ("编号", "第 1 号".to_owned()),
        ("导出人", "张丽华".to_owned()),
        ("销售笔数", r.sales_count.to_string()),
        ("商品金额（折前）", r.sales_subtotal.to_string()),
        ("应收金额", r.sales_amount.to_string()),
        ("客单价", r.average_ticket.to_string()),
        ("退货笔数", r.returns_count.to_string()),
        ("退款金额", r.returns_amount.to_string()),
        ("净销售额", r.net_amount.to_string()),
        ("会员折扣", r.discounts.tier.to_string()),
        ("抹零", r.discounts.small_change.to_string()),
        ("备用金", r.floats.to_string()),
        ("存入", r.cash_in.to_string()),
        ("取出", r.cash_out.to_string()),
        ("应有现金", r.cash_expected.to_string()),
        ("实点现金", r.cash_counted.unwrap().to_string()),
        ("长款/短款", "-0.20".to_owned()),
        ("会员消费占比", format!("{}%", r.member_share_pct)),
        ("新会员", r.new_members.to_string()),
        ("积分发放", r.points_issued.to_string()),
        ("积分抵扣", r.points_redeemed.to_string()),
        ("处方销售", r.rx_sales.to_string()),
        ("麻黄碱登记", r.ephedrine_lines.to_string()),
        ("审计链哈希", r.audit_hash.clone()),
    ] {
        assert_eq!(csv_value(&rec, label), value, "{label}");
    }
    // Tender rows under their header; the top products and the shift as tables.
    let head = rec
        .iter()
        .position(|r| r == &["方式", "收款", "退款", "净额"])
        .unwrap();
    for (i, t) in r.tenders.iter().enumerate() {
        let row = &rec[head + 1 + i];
        assert_eq!(
            row[1..],
            [
                t.sales.to_string(),
                t.refunds.to_string(),
                t.net.to_string()
            ]
        );
    }
    assert_eq!(rec[head + 1][0], "现金");
    let top = rec
        .iter()
        .position(|r| r == &["排名", "品名", "规格", "数量", "金额"])
        .unwrap();
    for (i, p) in r.top_products.iter().enumerate() {
        assert_eq!(
            rec[top + 1 + i],
            [
                (i + 1).to_string(),
                p.name.clone(),
                p.spec.clone(),
                p.quantity.to_string(),
                p.amount.to_string()
            ]
        );
    }
    let shifts = rec
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "收银员") && r.len() == 7)
        .unwrap();
    assert_eq!(rec[shifts + 1][0], "王晓燕");
    assert_eq!(rec[shifts + 1][6], "-0.20");
    assert!(rec.iter().any(|r| r == &["店长签字", ""]));

    // XLSX goes through the renderer, beside the CSV.
    let x = shop
        .api()
        .call(DayReportExport {
            business_date: "2026-11-23".into(),
            format: ReportExportFormat::Xlsx,
        })
        .unwrap();
    assert!(x.path.ends_with(".xlsx"));
    assert_eq!(std::fs::read(&x.path).unwrap(), b"PK-xlsx");
    assert_eq!(shop.drawn.last().1, None);

    // Both audited, under the business date, with the file.
    let entries = shop.audit("report.export");
    assert_eq!(entries.len(), 2);
    let detail: serde_json::Value = serde_json::from_str(&entries[1].detail).unwrap();
    assert_eq!(entries[1].subject, "2026-11-23");
    assert_eq!(detail["format"], "csv");
    assert_eq!(detail["file"], saved.path.as_str());
}

#[test]
fn a_preview_export_is_marked_and_names_typed_as_formulas_stay_text() {
    let shop = Shop::new();
    shop.as_manager();
    shop.api()
        .call(StaffCreate {
            staff_no: "1003".into(),
            name: "=HYPERLINK(\"http://x\")".into(),
            roles: vec![Role::Cashier, Role::Manager],
            pin: "1313".into(),
        })
        .unwrap();
    shop.t.login("1003", "1313");
    let saved = shop
        .api()
        .call(DayReportExport {
            business_date: "2026-11-23".into(),
            format: ReportExportFormat::Csv,
        })
        .unwrap();
    assert!(saved.preview);
    let rec = csv_records(&saved.path);
    assert_eq!(rec[0], ["日结单", PREVIEW]);
    assert_eq!(csv_value(&rec, "编号"), PREVIEW);
    assert_eq!(rec.last().unwrap(), &[PREVIEW]);
    assert_eq!(csv_value(&rec, "导出人"), "'=HYPERLINK(\"http://x\")");
    assert_eq!(csv_value(&rec, "实点现金"), "无班次");
    assert_eq!(csv_value(&rec, "销售笔数"), "0");
}

#[test]
fn without_a_renderer_pdf_and_xlsx_are_refused_but_csv_is_written() {
    let t = Till::demo();
    t.login("3001", "3333");
    for paper in [DayReportPaper::Receipt, DayReportPaper::A4] {
        let e = t
            .api
            .call(DayReportPrint {
                business_date: "2026-11-23".into(),
                paper,
                save_only: true,
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::DocumentUnavailable);
    }
    let e = t
        .api
        .call(DayReportExport {
            business_date: "2026-11-23".into(),
            format: ReportExportFormat::Xlsx,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DocumentUnavailable);
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action LIKE 'report.%'"),
        0
    );
    let csv = t
        .api
        .call(DayReportExport {
            business_date: "2026-11-23".into(),
            format: ReportExportFormat::Csv,
        })
        .unwrap();
    assert!(Path::new(&csv.path).is_file());
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'report.export'"),
        1
    );
}
