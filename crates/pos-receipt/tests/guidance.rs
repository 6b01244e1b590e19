//! Medication guidance on paper, end to end: a real sale on a temporary store through the API
//! (guidance given on the cart with the pharmacist's PIN at the cashier's till, and more after
//! payment from the pharmacist's own login), then the receipt and the guidance slip (用药指导单)
//! printed through the API at 80 mm, 58 mm and A5 and read back with `pdftotext`: the structured
//! guidance fields, the pharmacy's contact details, the member masked, the drug and the
//! pharmacist's name. The slip goes to the till's printer like a receipt (PDF through the driver,
//! ESC/POS bytes to a raw queue); A5 is saved for an office printer.
//!
//! The PDFs are kept in `target/tmp/guidance/`; `docs/screenshots/guidance-slip-80mm.png`,
//! `guidance-slip-a5.png` and `receipt-guidance-80mm.png` are `pdftoppm -r 150` renders of them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use pos_core::api::*;
use pos_core::cart::{Cart, PrescriptionInput};
use pos_core::clock::FixedClock;
use pos_core::db::Store;
use pos_core::documents::Printer;
use pos_core::pharmacy::guidance::{Guidance, SlipPaper};
use pos_core::pricing::{Tender, TenderKind};
use pos_core::sale::receipt::ReceiptKind;
use pos_core::sale::Sale;
use pos_core::till::{PrinterFormat, TillSettings};
use pos_core::ErrorCode;
use pos_receipt::{CupsPrinter, PdfRenderer};

const AMOXICILLIN: &str = "6907462053312"; // 阿莫西林胶囊 0.25g*24粒, Rx
const GANMAOLING: &str = "6939668066407"; // 感冒灵颗粒

struct Shop {
    api: Api,
    _dir: tempfile::TempDir,
    bin: tempfile::TempDir,
}

fn approver(no: &str, pin: &str) -> Approver {
    Approver {
        staff_no: no.into(),
        pin: pin.into(),
    }
}

fn amoxicillin_advice() -> Guidance {
    Guidance {
        dose: "一次2粒".into(),
        frequency: "每8小时1次".into(),
        timing: "饭后".into(),
        duration: "连服7天".into(),
        watch_for: "皮疹、腹泻，出现皮疹立即停药".into(),
        taboos: "服药期间忌酒；不与甲氨蝶呤同服".into(),
        note: "青霉素过敏者禁用".into(),
    }
}

fn ganmaoling_advice() -> Guidance {
    Guidance {
        dose: "一次1袋".into(),
        frequency: "一日3次".into(),
        timing: "随餐".into(),
        duration: "3天".into(),
        watch_for: String::new(),
        taboos: "忌辛辣油腻".into(),
        note: String::new(),
    }
}

/// A fake `lp` at the process edge: records its arguments.
fn fake_lp(dir: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let log = dir.join("args.txt");
    let path = dir.join("lp");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> '{}'; done\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    (path, log)
}

impl Shop {
    /// The demo pharmacy with its contact details, a till printing to `XP-80C` on `paper_mm`
    /// paper in `format`, and a member sale of 阿莫西林 (Rx) and 感冒灵 with guidance on both:
    /// the first given on the cart with the pharmacist's PIN at the cashier's till, the second
    /// after payment from the pharmacist's own login (who stays logged in).
    fn with_sale(paper_mm: u32, format: PrinterFormat) -> (Shop, Sale) {
        let dir = tempfile::tempdir().unwrap();
        let bin = tempfile::tempdir().unwrap();
        let (lp, _) = fake_lp(bin.path());
        let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
        let store = Store::open(&dir.path().join("till.sqlite"), clock.clone()).unwrap();
        let printer: Arc<dyn Printer> = Arc::new(CupsPrinter::with_program(&lp));
        let api = Api::new(store)
            .with_renderer(Arc::new(PdfRenderer::new()))
            .with_printer(printer);
        assert!(pos_core::demo::seed(api.store()).unwrap());
        let shop = Shop {
            api,
            _dir: dir,
            bin,
        };
        shop.login("3001", "3333");
        shop.api
            .call(SettingsUpdate {
                name: "康宁大药房（张杨路店）".into(),
                address: "上海市浦东新区张杨路 1188 号".into(),
                phone: "021-58881234".into(),
                licence_no: "沪AA0211234".into(),
                store_code: "SH001".into(),
            })
            .unwrap();
        shop.api
            .call(TillSettingsUpdate {
                settings: TillSettings {
                    till_no: 1,
                    printer: Some("XP-80C".into()),
                    paper_mm,
                    printer_format: format,
                    auto_print: true,
                },
            })
            .unwrap();
        shop.login("1001", "1111");
        let member = shop
            .api
            .call(pos_core::member::NewMember {
                phone: "13912345678".into(),
                name: "张伟".into(),
                basic_consent: true,
                health_consent: true,
                ..Default::default()
            })
            .unwrap()
            .member
            .id;
        let c = shop.api.call(CartOpen {}).unwrap();
        shop.scan(&c, AMOXICILLIN);
        let c = shop.scan(&c, GANMAOLING);
        shop.api
            .call(CartSetPrescription {
                cart_id: c.id,
                prescription: PrescriptionInput {
                    hospital: "浦东新区人民医院".into(),
                    doctor: "刘医生".into(),
                    prescribed_on: "2026-11-22".into(),
                    diagnosis: "急性扁桃体炎".into(),
                    image_path: None,
                },
            })
            .unwrap();
        shop.api
            .call(CartApproveRx {
                cart_id: c.id,
                pharmacist: approver("2001", "2222"),
            })
            .unwrap();
        // The pharmacist types staff number and PIN at the cashier's till.
        shop.api
            .call(GuidanceSave {
                sale_id: c.id,
                line_id: c.lines[0].id,
                guidance: amoxicillin_advice(),
                pharmacist: Some(approver("2001", "2222")),
            })
            .unwrap();
        let c = shop
            .api
            .call(CartSetMember {
                cart_id: c.id,
                member_id: Some(member),
            })
            .unwrap();
        let s = shop
            .api
            .call(SalePay {
                cart_id: c.id,
                tenders: vec![Tender {
                    kind: TenderKind::Cash,
                    amount: c.pricing.payable,
                    settlement_no: None,
                    reference: None,
                }],
            })
            .unwrap();
        // Later, at the pharmacist's own login, guidance for the other line of the paid sale.
        shop.login("2001", "2222");
        shop.api
            .call(GuidanceSave {
                sale_id: s.id,
                line_id: s.lines[1].id,
                guidance: ganmaoling_advice(),
                pharmacist: None,
            })
            .unwrap();
        (shop, s)
    }

    fn login(&self, staff_no: &str, pin: &str) {
        self.api
            .call(Login {
                staff_no: staff_no.into(),
                pin: pin.into(),
            })
            .unwrap_or_else(|e| panic!("login {staff_no}: {e}"));
    }

    fn scan(&self, cart: &Cart, barcode: &str) -> Cart {
        self.api
            .call(CartScan {
                cart_id: cart.id,
                barcode: barcode.into(),
                quantity: Some(1),
            })
            .unwrap()
    }

    fn lp_args(&self) -> String {
        std::fs::read_to_string(self.bin.path().join("args.txt")).unwrap_or_default()
    }
}

/// The text of a PDF as `pdftotext -layout` reads it.
fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The first page's size in mm as `pdfinfo` reports it.
fn page_mm(pdf: &Path) -> (f32, f32) {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    let line = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap()
        .to_owned();
    let nums: Vec<f32> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (nums[0] / 72.0 * 25.4, nums[1] / 72.0 * 25.4)
}

/// Keeps a PDF under `target/tmp/guidance/` for the screenshots.
fn keep(name: &str, from: &Path) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guidance");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(from, dir.join(name)).unwrap();
}

/// What every slip must say: the pharmacy's contact details, the member masked, the drugs and
/// every guidance field with its label, the pharmacist.
fn assert_slip(text: &str, s: &Sale, what: &str) {
    let f = flat(text);
    for want in [
        "用药指导单",
        "康宁大药房（张杨路店）",
        "地址：上海市浦东新区张杨路1188号",
        "电话：021-58881234",
        &s.receipt_no,
        "139****5678",
        "阿莫西林胶囊",
        "0.25g*24粒",
        "批号",
        "用量一次2粒",
        "频次每8小时1次",
        "服用时间饭后",
        "疗程连服7天",
        "不良反应皮疹、腹泻，出现皮疹立即停药",
        "禁忌事项服药期间忌酒；不与甲氨蝶呤同服",
        "其他说明青霉素过敏者禁用",
        "感冒灵颗粒",
        "用量一次1袋",
        "服用时间随餐",
        "禁忌事项忌辛辣油腻",
        "指导药师李建国",
    ] {
        assert!(f.contains(&flat(want)), "{what}: no {want} in\n{text}");
    }
    assert!(!f.contains("13912345678"), "{what}: the whole phone number");
    assert!(!f.contains('〓'), "{what}: a missing glyph");
}

#[test]
fn the_receipt_prints_the_structured_guidance_under_its_line() {
    let (shop, s) = Shop::with_sale(80, PrinterFormat::Pdf);
    let printed = shop
        .api
        .call(ReceiptPrint {
            kind: ReceiptKind::Sale,
            id: s.id,
            paper_mm: None,
            save_only: true,
        })
        .unwrap();
    let path = Path::new(&printed.path);
    keep("receipt-guidance-80mm.pdf", path);
    let text = pdftotext(path);
    let f = flat(&text);
    for want in [
        "康宁大药房（张杨路店）",
        "地址：上海市浦东新区张杨路1188号",
        "电话：021-58881234",
        "用药指导：一次2粒，每8小时1次，饭后，连服7天",
        "留意：皮疹、腹泻，出现皮疹立即停药",
        "禁忌：服药期间忌酒；不与甲氨蝶呤同服",
        "备注：青霉素过敏者禁用",
        "用药指导：一次1袋，一日3次，随餐，3天",
        "禁忌：忌辛辣油腻",
        "指导药师：李建国",
    ] {
        assert!(f.contains(&flat(want)), "no {want} in\n{text}");
    }
    // Guidance given after payment is on the receipt, under its own line (after 感冒灵's name).
    let name = f.find("感冒灵颗粒").unwrap();
    let advice = f.find("用药指导：一次1袋").unwrap();
    assert!(advice > name);
    // The ESC/POS receipt says the same.
    let receipt = shop
        .api
        .store()
        .read(|c| pos_core::sale::receipt::prepare(c, ReceiptKind::Sale, s.id))
        .unwrap()
        .0;
    let bytes = pos_receipt::receipt_escpos(&receipt, 80);
    let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
    let f = flat(&text);
    assert!(f.contains("用药指导：一次2粒，每8小时1次，饭后，连服7天"));
    assert!(f.contains("指导药师：李建国"));
}

#[test]
fn the_guidance_slip_prints_at_receipt_width_through_the_tills_printer() {
    let (shop, s) = Shop::with_sale(80, PrinterFormat::Pdf);
    let printed = shop
        .api
        .call(GuidanceSlipPrint {
            sale_id: s.id,
            line_id: None,
            paper: SlipPaper::Receipt,
            save_only: false,
        })
        .unwrap();
    assert_eq!(printed.printer.as_deref(), Some("XP-80C"));
    assert_eq!(printed.not_printed, None);
    let path = Path::new(&printed.path);
    keep("guidance-slip-80mm.pdf", path);
    let (w, _) = page_mm(path);
    assert!((w - 80.0).abs() < 0.1, "{w} mm");
    assert_slip(&pdftotext(path), &s, "80 mm");
    let args = shop.lp_args();
    assert!(
        args.contains(&format!("用药指导单 {}", s.receipt_no)),
        "{args}"
    );
    assert!(args.contains(&printed.path), "{args}");
    // One line only: the other drug is not on it.
    let one = shop
        .api
        .call(GuidanceSlipPrint {
            sale_id: s.id,
            line_id: Some(s.lines[1].id),
            paper: SlipPaper::Receipt,
            save_only: true,
        })
        .unwrap();
    let text = flat(&pdftotext(Path::new(&one.path)));
    assert!(text.contains("感冒灵颗粒"));
    assert!(!text.contains("阿莫西林"));
    // The print is in the audit log.
    let audited: i64 = shop
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'guidance.slip_print'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(audited, 2);
}

#[test]
fn the_guidance_slip_at_58_mm_and_as_esc_pos() {
    let (shop, s) = Shop::with_sale(58, PrinterFormat::Escpos);
    // The PDF for a preview, at the till's 58 mm.
    let pdf = shop
        .api
        .call(GuidanceSlipPdf {
            sale_id: s.id,
            line_id: None,
            paper: SlipPaper::Receipt,
        })
        .unwrap();
    assert!(pdf.file_name.ends_with("-58mm.pdf"), "{}", pdf.file_name);
    assert!(pdf.pdf_base64.starts_with("JVBERi"), "base64 of %PDF-");
    assert_eq!(
        pdf.bytes as usize,
        pdf.pdf_base64.len() / 4 * 3 - pdf.pdf_base64.matches('=').count()
    );
    let saved = shop
        .api
        .call(GuidanceSlipPrint {
            sale_id: s.id,
            line_id: None,
            paper: SlipPaper::Receipt,
            save_only: true,
        })
        .unwrap();
    let path = PathBuf::from(&saved.path);
    keep("guidance-slip-58mm.pdf", &path);
    let (w, _) = page_mm(&path);
    assert!((w - 58.0).abs() < 0.1, "{w} mm");
    assert_slip(&pdftotext(&path), &s, "58 mm");
    // Printed: ESC/POS bytes to the raw queue.
    let printed = shop
        .api
        .call(GuidanceSlipPrint {
            sale_id: s.id,
            line_id: None,
            paper: SlipPaper::Receipt,
            save_only: false,
        })
        .unwrap();
    let args = shop.lp_args();
    assert!(args.contains("raw"), "{args}");
    let raw = PathBuf::from(&printed.path).with_extension("escpos");
    assert!(args.contains(raw.to_str().unwrap()), "{args}");
    let raw_bytes = std::fs::read(&raw).unwrap();
    let (text, _, bad) = encoding_rs::GB18030.decode(&raw_bytes);
    assert!(!bad);
    let f = flat(&text);
    for want in [
        "用药指导单",
        "电话：021-58881234",
        "139****5678",
        "阿莫西林胶囊",
        "用量：一次2粒",
        "禁忌事项：服药期间忌酒；不与甲氨蝶呤同服",
        "指导药师李建国",
    ] {
        assert!(f.contains(&flat(want)), "no {want} in\n{text}");
    }
    // No line of text is wider than the 58 mm roll's 32 columns (lines carrying printer
    // commands are left out: their bytes are not printed).
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.chars().any(|c| c.is_control()))
        .collect();
    assert!(lines.len() > 20, "{lines:?}");
    for l in lines {
        assert!(pos_receipt::escpos::width(l) <= 32, "{l}");
    }
}

#[test]
fn the_guidance_slip_on_a5_is_saved_for_an_office_printer() {
    let (shop, s) = Shop::with_sale(80, PrinterFormat::Pdf);
    let printed = shop
        .api
        .call(GuidanceSlipPrint {
            sale_id: s.id,
            line_id: None,
            paper: SlipPaper::A5,
            save_only: false,
        })
        .unwrap();
    assert_eq!(printed.printer, None);
    assert!(printed.not_printed.as_deref().unwrap().contains("A5"));
    let path = Path::new(&printed.path);
    keep("guidance-slip-a5.pdf", path);
    let (w, h) = page_mm(path);
    assert!(
        (w - 148.0).abs() < 0.2 && (h - 210.0).abs() < 0.2,
        "{w} × {h}"
    );
    let text = pdftotext(path);
    assert_slip(&text, &s, "A5");
    assert!(flat(&text).contains("药师签名"));
    assert_eq!(shop.lp_args(), "", "nothing sent to the receipt printer");
    // A sale without guidance has no slip.
    shop.login("1001", "1111");
    let c = shop.api.call(CartOpen {}).unwrap();
    let c = shop.scan(&c, GANMAOLING);
    let bare = shop
        .api
        .call(SalePay {
            cart_id: c.id,
            tenders: vec![Tender {
                kind: TenderKind::Cash,
                amount: c.pricing.payable,
                settlement_no: None,
                reference: None,
            }],
        })
        .unwrap();
    let e = shop
        .api
        .call(GuidanceSlipPrint {
            sale_id: bare.id,
            line_id: None,
            paper: SlipPaper::A5,
            save_only: true,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::GuidanceNotRecorded);
}

#[test]
fn the_slip_has_every_glyph_it_needs() {
    let (shop, s) = Shop::with_sale(80, PrinterFormat::Pdf);
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T02:30:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let slip = shop
        .api
        .store()
        .read(|c| pos_core::pharmacy::guidance::slip(c, s.id, None, now))
        .unwrap();
    let r = PdfRenderer::new();
    for paper in [Some(80), Some(58), None] {
        let pdf = r.guidance_slip(&slip, paper).unwrap();
        assert!(pdf.missing.is_empty(), "{paper:?}: {:?}", pdf.missing);
        assert_eq!(pdf.pages, 1, "{paper:?}");
    }
}
