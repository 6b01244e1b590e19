//! The receipt end to end: real sales on a temporary store through the API (the demo pharmacy,
//! a member with a coupon and points, an Rx line reviewed by the pharmacist, guidance, a split
//! tender with change), printed through `receipt_print` at 80 and 58 mm, then read back:
//! the text with `pdftotext -layout` against PRODUCT.md §6, the QR code decoded from a rendered
//! PNG (rqrr), the Code 128 bars measured on the PNG against the encoder's (and decoded by
//! `zbarimg` when zbar-tools is installed).
//!
//! The receipts add up: every sale receipt (non-member, coupon and points, 金卡 with 抹零, a
//! member day) and two return receipts are read back — PDF text and ESC/POS bytes — and the
//! printed line amounts less the printed deductions must be the printed total, to the fen.
//!
//! The PDFs and PNGs are kept in `target/tmp/receipts/`; `docs/screenshots/receipt-80mm.png`,
//! `receipt-58mm.png` and `receipt-return-80mm.png` are `pdftoppm -r 150` renders of the
//! `published-receipt-*.pdf` kept there (a 金卡 sale with coupon, points, 抹零, Rx and guidance;
//! a member-day sale at 58 mm; the first return of that 金卡 sale).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use pos_core::api::*;
use pos_core::cart::{Cart, PrescriptionInput};
use pos_core::clock::FixedClock;
use pos_core::db::Store;
use pos_core::documents::{PrintData, Printer};
use pos_core::ids::MemberId;
use pos_core::member::card;
use pos_core::member::NewMember;
use pos_core::pricing::{Tender, TenderKind};
use pos_core::sale::receipt::{ReceiptKind, RETURN_POLICY};
use pos_core::sale::returns::{ReturnLineInput, ReturnReason, SaleReturn};
use pos_core::sale::Sale;
use pos_core::till::{PrinterFormat, TillSettings};
use pos_core::{ErrorCode, Money};
use pos_receipt::{codes, CupsPrinter, PdfRenderer};

const AMOXICILLIN: &str = "6907462053312"; // 阿莫西林胶囊 12.80, Rx
const GANMAOLING: &str = "6939668066407"; // 感冒灵颗粒 15.80
const PARACETAMOL: &str = "6914624021096"; // 对乙酰氨基酚片 3.50
const MAMIAI: &str = "6940977044918"; // 妈咪爱枯草杆菌二联活菌颗粒 28.00 (a long name)
const AZELASTINE: &str = "6944430084626"; // 爱赛平盐酸氮䓬斯汀鼻喷雾剂 48.00, Rx, 䓬 outside GB2312
const PIANZAIHUANG: &str = "6918557058457"; // 片仔癀 590.00, no member price, no points

const PHONE: &str = "13912345678";
const GUIDANCE: &str = "饭后服用，一次2粒，一日3次；如出现皮疹立即停药并就医";

struct Shop {
    api: Api,
    clock: Arc<FixedClock>,
    dir: tempfile::TempDir,
}

fn approver(no: &str, pin: &str) -> Approver {
    Approver {
        staff_no: no.into(),
        pin: pin.into(),
    }
}

impl Shop {
    /// A shop whose till prints to queue `XP-80C` on `paper_mm` paper through the `lp` program
    /// at `lp`, with a small member sale paid by the cashier, who is logged in.
    fn with_printer_queue(lp: &Path, paper_mm: u32) -> (Shop, Sale) {
        Shop::with_printer(lp, paper_mm, PrinterFormat::Pdf)
    }

    /// `with_printer_queue`, sending `format` to the printer.
    fn with_printer(lp: &Path, paper_mm: u32, printer_format: PrinterFormat) -> (Shop, Sale) {
        let shop = Shop::open(Some(Arc::new(CupsPrinter::with_program(lp))));
        shop.login("3001", "3333");
        shop.api
            .call(TillSettingsUpdate {
                settings: TillSettings {
                    till_no: 1,
                    printer: Some("XP-80C".into()),
                    paper_mm,
                    printer_format,
                    auto_print: true,
                },
            })
            .unwrap();
        shop.login("1001", "1111");
        let member = shop.member();
        let s = shop.small_sale(member);
        (shop, s)
    }

    fn open(printer: Option<Arc<dyn Printer>>) -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at("2026-11-23T02:00:00Z"));
        let store = Store::open(&dir.path().join("till.sqlite"), clock.clone()).unwrap();
        let mut api = Api::new(store).with_renderer(Arc::new(PdfRenderer::new()));
        if let Some(p) = printer {
            api = api.with_printer(p);
        }
        assert!(pos_core::demo::seed(api.store()).unwrap());
        let shop = Shop { api, clock, dir };
        shop.login("1001", "1111");
        shop
    }

    fn login(&self, staff_no: &str, pin: &str) {
        self.api
            .call(Login {
                staff_no: staff_no.into(),
                pin: pin.into(),
            })
            .unwrap_or_else(|e| panic!("login {staff_no}: {e}"));
    }

    /// A new member (the new-member coupon) with 1500 points given by the manager.
    fn member(&self) -> MemberId {
        let id = self
            .api
            .call(NewMember {
                phone: PHONE.into(),
                name: "张伟".into(),
                basic_consent: true,
                health_consent: true,
                ..Default::default()
            })
            .unwrap()
            .member
            .id;
        self.login("3001", "3333");
        self.api
            .call(PointsAdjust {
                member_id: id,
                points: 1500,
                reason: "老会员积分转入".into(),
            })
            .unwrap();
        self.login("1001", "1111");
        id
    }

    fn scan(&self, cart: &Cart, barcode: &str, quantity: i64) -> Cart {
        self.api
            .call(CartScan {
                cart_id: cart.id,
                barcode: barcode.into(),
                quantity: Some(quantity),
            })
            .unwrap_or_else(|e| panic!("scan {barcode}: {e}"))
    }

    /// Pays `cart` with WeChat `wechat` and the rest in cash rounded up to 10 yuan (change).
    fn pay(&self, cart: Cart, wechat: TenderKind, first: i64) -> Sale {
        let payable = cart.pricing.payable.fen();
        let rest = payable - first;
        let cash = (rest / 1000 + 1) * 1000;
        self.api
            .call(SalePay {
                cart_id: cart.id,
                tenders: vec![
                    Tender {
                        kind: wechat,
                        amount: Money::from_fen(first),
                        settlement_no: None,
                        reference: None,
                    },
                    Tender {
                        kind: TenderKind::Cash,
                        amount: Money::from_fen(cash),
                        settlement_no: None,
                        reference: None,
                    },
                ],
            })
            .unwrap()
    }

    /// Five lines, two of them Rx (prescription, pharmacist's approval, guidance), the member
    /// with the new-member coupon and 1000 points, WeChat + cash.
    fn big_sale(&self, member: MemberId) -> Sale {
        let c = self.api.call(CartOpen {}).unwrap();
        self.scan(&c, GANMAOLING, 2);
        self.scan(&c, PARACETAMOL, 1);
        self.scan(&c, AMOXICILLIN, 1);
        self.scan(&c, MAMIAI, 1);
        let c = self.scan(&c, AZELASTINE, 1);
        self.api
            .call(CartSetPrescription {
                cart_id: c.id,
                prescription: PrescriptionInput {
                    hospital: "浦东新区人民医院".into(),
                    doctor: "刘医生".into(),
                    prescribed_on: "2026-11-22".into(),
                    diagnosis: "急性扁桃体炎；过敏性鼻炎".into(),
                    image_path: None,
                },
            })
            .unwrap();
        self.api
            .call(CartApproveRx {
                cart_id: c.id,
                pharmacist: approver("2001", "2222"),
            })
            .unwrap();
        // The pharmacist records guidance under their own login.
        self.login("2001", "2222");
        let amoxicillin = c
            .lines
            .iter()
            .find(|l| l.barcode == AMOXICILLIN)
            .unwrap()
            .id;
        self.api
            .call(CartSetGuidance {
                cart_id: c.id,
                line_id: amoxicillin,
                guidance: GUIDANCE.into(),
            })
            .unwrap();
        self.login("1001", "1111");
        let c = self
            .api
            .call(CartSetMember {
                cart_id: c.id,
                member_id: Some(member),
            })
            .unwrap();
        let coupon = c.member.as_ref().unwrap().coupons[0].id;
        self.api
            .call(CartSetCoupon {
                cart_id: c.id,
                coupon_id: Some(coupon),
            })
            .unwrap();
        let c = self
            .api
            .call(CartSetPoints {
                cart_id: c.id,
                points: 1000,
            })
            .unwrap();
        self.pay(c, TenderKind::Wechat, 5000)
    }

    /// Three lines for the member, Alipay + cash.
    fn small_sale(&self, member: MemberId) -> Sale {
        let c = self.api.call(CartOpen {}).unwrap();
        self.scan(&c, MAMIAI, 1);
        self.scan(&c, GANMAOLING, 1);
        let c = self.scan(&c, PARACETAMOL, 2);
        let c = self
            .api
            .call(CartSetMember {
                cart_id: c.id,
                member_id: Some(member),
            })
            .unwrap();
        self.pay(c, TenderKind::Alipay, 2000)
    }

    fn print(&self, kind: ReceiptKind, id: pos_core::ids::SaleId, paper: u32) -> PrintedReceipt {
        self.api
            .call(ReceiptPrint {
                kind,
                id,
                paper_mm: Some(paper),
                save_only: true,
            })
            .unwrap()
    }
}

/// Where the test keeps what it rendered, to look at.
fn keep(name: &str, from: &Path) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("receipts");
    std::fs::create_dir_all(&dir).unwrap();
    let to = dir.join(name);
    std::fs::copy(from, &to).unwrap();
    to
}

/// `pdftoppm -r <dpi> -gray -png`: (width, height, grey pixels).
fn render_grey(pdf: &Path, dpi: u32, out: &Path) -> (usize, usize, Vec<u8>) {
    let prefix = out.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs (apt install poppler-utils)");
    assert!(status.success());
    let file = std::fs::File::open(prefix.with_extension("png")).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    // pdftoppm writes grey or RGB PNGs depending on its version: take the green channel.
    let channels = info.color_type.samples();
    let g = usize::from(channels >= 3);
    let grey = buf.chunks(channels).map(|px| px[g]).collect();
    (info.width as usize, info.height as usize, grey)
}

/// The QR codes rqrr finds on the page, decoded.
fn qr_codes(w: usize, h: usize, grey: &[u8]) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey[y * w + x]);
    img.detect_grids()
        .into_iter()
        .map(|g| g.decode().expect("the QR code decodes").1)
        .collect()
}

/// Looks for a pixel row across the bar code whose bars and spaces, measured in modules of
/// `module_mm`, are exactly the encoder's, with a quiet zone of at least 10 modules each side.
fn code128_on_page(w: usize, h: usize, grey: &[u8], dpi: f32, data: &str, module_mm: f32) -> bool {
    let modules = codes::code128_modules(data).unwrap();
    let mut expected = Vec::new();
    for (i, &m) in modules.iter().enumerate() {
        if i == 0 || m != modules[i - 1] {
            expected.push(0usize);
        }
        *expected.last_mut().unwrap() += 1;
    }
    let px = module_mm * dpi / 25.4;
    (0..h).any(|y| {
        let row = &grey[y * w..(y + 1) * w];
        let dark: Vec<bool> = row.iter().map(|&g| g < 128).collect();
        let (Some(first), Some(last)) =
            (dark.iter().position(|&d| d), dark.iter().rposition(|&d| d))
        else {
            return false;
        };
        let mut runs = Vec::new();
        for (i, &d) in dark[first..=last].iter().enumerate() {
            if i == 0 || d != dark[first + i - 1] {
                runs.push(0usize);
            }
            *runs.last_mut().unwrap() += 1;
        }
        let measured: Vec<usize> = runs
            .iter()
            .map(|&r| (r as f32 / px).round() as usize)
            .collect();
        let quiet = 10.0 * px;
        measured == expected && first as f32 >= quiet && (w - 1 - last) as f32 >= quiet
    })
}

/// What `zbarimg` (zbar-tools) reads on a PNG: `None` when it is not installed.
fn zbar(png: &Path) -> Option<String> {
    let out = Command::new("zbarimg").arg("-q").arg(png).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The text with every run of spaces made one space.
fn squeezed(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text without any whitespace: wrapped lines join up again.
fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn yuan(m: Money) -> String {
    format!("¥{m}")
}

fn pdf_pages(path: &Path) -> String {
    let out = Command::new("pdfinfo").arg(path).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    info.lines()
        .find(|l| l.starts_with("Pages:"))
        .map(|l| l.split_whitespace().last().unwrap_or("").to_owned())
        .unwrap_or_default()
}

/// Checks a sale receipt's text against PRODUCT.md §6 and the sale; `balance` is the member's
/// points balance the receipt shows (the balance right after that sale, on every print).
fn check_sale_text(text: &str, s: &Sale, narrow: bool, balance: i64) {
    let sq = squeezed(text);
    let fl = flat(text);
    let has = |what: &str| assert!(fl.contains(&flat(what)), "missing “{what}” in:\n{text}");
    for what in [
        "康宁大药房（演示店）",
        "地址：上海市浦东新区张杨路 1288 号",
        "电话：021-5888 1234",
        "药品经营许可证：沪AA0210001",
        "销售小票",
        &format!("单号：{}", s.receipt_no),
        "时间：2026-11-23 10:00:00",
        "收银员：王晓燕",
        &format!("应收{}", yuan(s.payable)),
        &format!("找零{}", yuan(s.change)),
        RETURN_POLICY,
    ] {
        has(what);
    }
    for l in &s.lines {
        // Quantity, unit price and amount on one line (80 mm: the name's first line; 58 mm:
        // the line under the name).
        // The amount is the line net of rule 3 (after the rate, before coupon, points and 抹零).
        let row = if narrow {
            format!("{} × {} {}", l.quantity, yuan(l.unit_price), yuan(l.net))
        } else {
            format!("{} {} {}", l.quantity, yuan(l.unit_price), yuan(l.net))
        };
        assert!(
            sq.lines().any(|line| line.ends_with(&row)),
            "no line ends with “{row}” for {}:\n{text}",
            l.name
        );
        // A long name wraps in its column, around the numbers of its row.
        assert!(
            fl.replace(&flat(&row), "").contains(&l.name),
            "missing “{}” in:\n{text}",
            l.name
        );
        has(&format!("规格 {}", l.spec));
        has(&format!(
            "生产厂家 {}",
            l.manufacturer
                .as_deref()
                .expect("the demo names every maker")
        ));
        has(&format!("批号 {}", l.batch_no.as_deref().unwrap()));
        has(&format!(
            "有效期至 {}",
            l.batch_expires_on.as_deref().unwrap()
        ));
    }
    for p in &s.payments {
        has(&format!("{}{}", p.kind.label(), yuan(p.amount)));
    }
    let m = s.member.as_ref().unwrap();
    has(&format!("会员卡号{}", card::mask(&m.card_no)));
    assert!(
        !fl.contains(&m.card_no),
        "the whole card number is never printed"
    );
    has("手机号139****5678");
    assert!(
        !fl.contains(PHONE),
        "the whole phone number is never printed"
    );
    has(&format!("会员等级{}", m.tier.label()));
    has(&format!("本次积分+{}", s.points_earned));
    has(&format!("积分余额{balance}"));
    // The total stands on a line of its own.
    assert!(
        sq.lines().any(|l| l == format!("应收 {}", yuan(s.payable))),
        "{text}"
    );
}

#[test]
fn sale_and_return_receipts_say_everything_at_80_and_58_mm() {
    let shop = Shop::open(None);
    let member = shop.member();
    let s1 = shop.big_sale(member);
    assert!(s1.change.fen() > 0);
    assert_eq!(s1.payments.len(), 2);

    // Sale 1 at 80 mm, first print, at the counter right after payment.
    let p80 = shop.print(ReceiptKind::Sale, s1.id, 80);
    assert!(!p80.reprint);
    assert!(p80
        .path
        .ends_with(&format!("receipts/{}.pdf", s1.receipt_no)));
    let pdf80 = keep("receipt-80mm.pdf", Path::new(&p80.path));
    let t80 = common::pdftotext(&pdf80);
    check_sale_text(&t80, &s1, false, s1.points_balance.unwrap());
    let f80 = flat(&t80);
    for what in [
        "优惠券（减3元）-¥3.00", // the coupon by its description
        "积分抵扣（1000分）-¥10.00",
        "本次使用积分-1000（抵¥10.00）",
        "审方药师李建国",
        &flat(&format!("用药指导：{GUIDANCE}")),
        "盐酸氮䓬斯汀",
    ] {
        assert!(f80.contains(what), "missing “{what}” in:\n{t80}");
    }
    assert!(!f80.contains("重印"), "a first print is no reprint");
    assert!(!f80.contains('〓'), "every character has a glyph");

    // Sale 2 at 58 mm, first print.
    let s2 = shop.small_sale(member);
    assert!(s2.change.fen() > 0);
    let p58 = shop.print(ReceiptKind::Sale, s2.id, 58);
    assert!(!p58.reprint);
    let pdf58 = keep("receipt-58mm.pdf", Path::new(&p58.path));
    let t58 = common::pdftotext(&pdf58);
    let balance = s2.points_balance.unwrap();
    check_sale_text(&t58, &s2, true, balance);

    // Sale 1 again: a reprint, marked, with the balance as it was after sale 1 — not the balance
    // now, after sale 2.
    let again = shop.print(ReceiptKind::Sale, s1.id, 80);
    assert!(again.reprint);
    assert!(again
        .path
        .ends_with(&format!("{}-copy1.pdf", s1.receipt_no)));
    let copy = common::pdftotext(Path::new(&again.path));
    assert!(copy.contains("【重印】"), "{copy}");
    assert_ne!(
        s1.points_balance, s2.points_balance,
        "sale 2 changed the balance"
    );
    check_sale_text(&copy, &s1, false, s1.points_balance.unwrap());
    let again58 = shop.print(ReceiptKind::Sale, s1.id, 58);
    let copy58 = keep("receipt-reprint-58mm.pdf", Path::new(&again58.path));
    let copy58 = common::pdftotext(&copy58);
    assert!(copy58.contains("【重印】"), "{copy58}");
    check_sale_text(&copy58, &s1, true, s1.points_balance.unwrap());

    // A return of one 感冒灵 and the amoxicillin from sale 1.
    let line = |barcode: &str| s1.lines.iter().find(|l| l.barcode == barcode).unwrap().id;
    let ret: SaleReturn = shop
        .api
        .call(ReturnCreate {
            return_id: shop.api.call(ReturnOpen {}).unwrap().return_id,
            sale_id: s1.id,
            lines: vec![
                ReturnLineInput {
                    sale_line_id: line(GANMAOLING),
                    quantity: 1,
                    trace_codes: None,
                },
                ReturnLineInput {
                    sale_line_id: line(AMOXICILLIN),
                    quantity: 1,
                    trace_codes: None,
                },
            ],
            reason: ReturnReason::Damaged,
            note: "外包装破损，铝箔漏气".into(),
            manager: approver("3001", "3333"),
        })
        .unwrap();
    let pr = shop.print(ReceiptKind::Return, ret.id, 80);
    assert!(!pr.reprint);
    let pdfr = keep("receipt-return-80mm.pdf", Path::new(&pr.path));
    let tr = common::pdftotext(&pdfr);
    let fr = flat(&tr);
    for what in [
        "退货小票".to_owned(),
        format!("单号：{}", ret.receipt_no),
        format!("原销售单号：{}", s1.receipt_no),
        "退货原因：包装破损：外包装破损，铝箔漏气".to_owned(),
        "审核店长：张丽华".to_owned(),
        format!("退款合计{}", yuan(ret.refund)),
        "感冒灵颗粒".to_owned(),
        "阿莫西林胶囊".to_owned(),
        "手机号139****5678".to_owned(),
        flat(RETURN_POLICY),
    ] {
        assert!(fr.contains(&flat(&what)), "missing “{what}” in:\n{tr}");
    }
    for f in &ret.refunds {
        let what = format!("退回{}{}", f.kind.label(), yuan(f.amount));
        assert!(fr.contains(&what), "missing “{what}” in:\n{tr}");
    }
    if ret.points_taken_back != 0 {
        let what = format!("扣回积分-{}", ret.points_taken_back);
        assert!(fr.contains(&what), "missing “{what}” in:\n{tr}");
    }
    assert!(!fr.contains(PHONE));

    // One page each, small (the font is subset).
    for (p, path) in [(&p80, &pdf80), (&p58, &pdf58), (&pr, &pdfr)] {
        assert_eq!(pdf_pages(path), "1");
        assert!(p.bytes < 100_000, "{}: {} bytes", p.path, p.bytes);
        assert_eq!(std::fs::metadata(path).unwrap().len(), p.bytes);
    }

    // The codes: the QR code decodes to the receipt number; the Code 128 bars are the
    // encoder's, on whole modules with quiet zones; zbarimg reads both when it is installed.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("receipts");
    for (pdf, no, paper, printable) in [
        (&pdf80, &s1.receipt_no, 80.0, 72.0),
        (&pdf58, &s2.receipt_no, 58.0, 48.0),
        (&pdfr, &ret.receipt_no, 80.0, 72.0),
    ] {
        let name = pdf.file_stem().unwrap().to_string_lossy().into_owned();
        let (w, h, grey) = render_grey(pdf, 150, &dir.join(format!("{name}.png")));
        assert_eq!(
            qr_codes(w, h, &grey),
            std::slice::from_ref(no),
            "{name}: the QR code"
        );
        let module = codes::place_code128(no, paper, printable, 0.5, 10.0)
            .unwrap()
            .unwrap()
            .module;
        let (w3, h3, grey3) = render_grey(pdf, 300, &dir.join(format!("{name}-300dpi.png")));
        assert!(
            code128_on_page(w3, h3, &grey3, 300.0, no, module),
            "{name}: no row reads as the Code 128 of {no}"
        );
        match zbar(&dir.join(format!("{name}.png"))) {
            Some(read) => {
                assert!(
                    read.contains(&format!("CODE-128:{no}")),
                    "{name}: zbarimg read {read}"
                );
                assert!(
                    read.contains(&format!("QR-Code:{no}")),
                    "{name}: zbarimg read {read}"
                );
            }
            None => eprintln!("zbarimg not installed: the bar code was checked by measuring only"),
        }
    }
}

#[test]
fn the_escpos_receipt_of_a_real_sale() {
    let shop = Shop::open(None);
    let member = shop.member();
    let s = shop.small_sale(member);
    let pharmacy = shop.api.store().read(pos_core::settings::get).unwrap();
    let r = pos_core::sale::receipt::for_sale(pharmacy, &s, false);
    for paper in [80, 58] {
        let bytes = pos_receipt::receipt_escpos(&r, paper);
        assert!(bytes.starts_with(&[0x1B, 0x40]));
        assert!(bytes.ends_with(&[0x1D, 0x56, 66, 0]));
        // (On 58 mm the double-width name wraps after 演示.)
        let name = encoding_gb18030("康宁大药房（演示");
        assert!(bytes.windows(name.len()).any(|w| w == name.as_slice()));
        let no = s.receipt_no.as_bytes();
        assert!(bytes.windows(no.len()).any(|w| w == no), "the QR data");
    }
}

/// GB18030 bytes of `s` (encoding_rs is what the renderer uses; here it is checked by value).
fn encoding_gb18030(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in s.chars() {
        out.extend_from_slice(match c {
            '康' => &[0xBF, 0xB5],
            '宁' => &[0xC4, 0xFE],
            '大' => &[0xB4, 0xF3],
            '药' => &[0xD2, 0xA9],
            '房' => &[0xB7, 0xBF],
            '（' => &[0xA3, 0xA8],
            '演' => &[0xD1, 0xDD],
            '示' => &[0xCA, 0xBE],
            '店' => &[0xB5, 0xEA],
            '）' => &[0xA3, 0xA9],
            _ => panic!("no table entry for {c}"),
        });
    }
    out
}

/// A fake `lp` at the process edge: a script that records its arguments, or fails like lp does.
fn fake_lp(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn printing_runs_lp_with_the_queue_title_and_saved_pdf() {
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("args.txt");
    let lp = fake_lp(
        bin.path(),
        "lp",
        &format!(
            "for a in \"$@\"; do echo \"$a\" >> '{}'; done",
            log.display()
        ),
    );
    let (shop, s) = Shop::with_printer_queue(&lp, 80);
    let printed = shop
        .api
        .call(ReceiptPrint {
            kind: ReceiptKind::Sale,
            id: s.id,
            paper_mm: None,
            save_only: false,
        })
        .unwrap();
    assert_eq!(printed.printer.as_deref(), Some("XP-80C"));
    assert_eq!(printed.paper_mm, 80);
    let args = std::fs::read_to_string(&log).unwrap();
    let args: Vec<&str> = args.lines().collect();
    // lp is told the receipt's own paper (as pdfinfo reads it), unscaled: a queue whose default
    // paper is A4 would otherwise print it as a small block in the middle of an A4 page.
    let (w, h) = page_mm(Path::new(&printed.path));
    assert!((w - 80.0).abs() < 0.1, "{w} mm wide");
    assert_eq!(
        args,
        [
            "-d",
            "XP-80C",
            "-t",
            &format!("小票 {}", s.receipt_no),
            "-o",
            &format!("media=Custom.80x{}mm", h.ceil()),
            "-o",
            "print-scaling=none",
            printed.path.as_str()
        ]
    );
    assert!(Path::new(&printed.path).starts_with(shop.dir.path()));
}

/// The first page's size in mm as `pdfinfo` reports it (`Page size: 226.77 x 572.6 pts`).
fn page_mm(pdf: &Path) -> (f32, f32) {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    let line = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
    let v: Vec<f32> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (v[0] * 25.4 / 72.0, v[1] * 25.4 / 72.0)
}

#[test]
fn the_test_print_reaches_the_queue_in_the_tills_format() {
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("args.txt");
    let copy = bin.path().join("job.bin");
    let lp = fake_lp(
        bin.path(),
        "lp",
        &format!(
            "rm -f '{log}'; for a in \"$@\"; do echo \"$a\" >> '{log}'; f=\"$a\"; done; cp \"$f\" '{copy}'",
            log = log.display(),
            copy = copy.display()
        ),
    );
    let (shop, _) = Shop::with_printer_queue(&lp, 80);
    let args = || -> Vec<String> {
        std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    };
    // The saved settings: a PDF on 80 mm paper, with its paper size.
    let done = shop.api.call(TillTestPrint { settings: None }).unwrap();
    assert_eq!((done.printer.as_str(), done.paper_mm), ("XP-80C", 80));
    assert_eq!(done.format, PrinterFormat::Pdf);
    let a = args();
    assert_eq!(&a[..4], ["-d", "XP-80C", "-t", "测试打印"]);
    assert!(a[5].starts_with("media=Custom.80x"), "{a:?}");
    assert_eq!(a.last().unwrap(), &done.path);
    let text = common::pdftotext(&copy);
    let f = flat(&text);
    for what in [
        "测试打印¥12.34",
        "康宁大药房（演示店）",
        "收银台01",
        "打印机XP-80C",
        "80毫米",
        "2026-11-23 10:00:00",
    ] {
        assert!(f.contains(&flat(what)), "missing “{what}” in:\n{text}");
    }
    keep("test-print-80mm.pdf", &copy);

    // The form's values before they are saved: ESC/POS on 58 mm to another queue.
    let form = TillSettings {
        till_no: 2,
        printer: Some(" XP-58 ".into()),
        paper_mm: 58,
        printer_format: PrinterFormat::Escpos,
        auto_print: true,
    };
    let done = shop
        .api
        .call(TillTestPrint {
            settings: Some(form.clone()),
        })
        .unwrap();
    assert_eq!(done.format, PrinterFormat::Escpos);
    assert_eq!(
        args(),
        [
            "-d",
            "XP-58",
            "-t",
            "测试打印",
            "-o",
            "raw",
            done.path.as_str()
        ]
    );
    let bytes = std::fs::read(&copy).unwrap();
    let lines = escpos_lines(&bytes);
    assert!(lines.iter().any(|l| l == "测试打印 ￥12.34"), "{lines:?}");
    assert!(
        lines.iter().any(|l| l == &"1234567890".repeat(4)[..32]),
        "{lines:?}"
    );
    assert!(bytes.ends_with(&[0x1D, 0x56, 66, 0]), "cut");
    // Nothing was saved: the till still prints PDFs on XP-80C.
    let saved = shop.api.call(TillSettingsGet {}).unwrap();
    assert_eq!(saved.printer.as_deref(), Some("XP-80C"));

    // No printer: the form says which field to fill, nothing is sent.
    std::fs::remove_file(&log).unwrap();
    let e = shop
        .api
        .call(TillTestPrint {
            settings: Some(TillSettings {
                printer: None,
                ..form
            }),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
    assert_eq!(e.details.unwrap()["field"], "printer");
    assert!(!log.exists(), "lp was not run");
}

#[test]
fn an_escpos_till_sends_raw_receipt_bytes_and_still_saves_the_pdf() {
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("args.txt");
    let copy = bin.path().join("job.bin");
    // The stand-in lp keeps its arguments and a copy of the file it was given (the last one).
    let lp = fake_lp(
        bin.path(),
        "lp",
        &format!(
            "for a in \"$@\"; do echo \"$a\" >> '{log}'; f=\"$a\"; done; cp \"$f\" '{copy}'",
            log = log.display(),
            copy = copy.display()
        ),
    );
    let (shop, s) = Shop::with_printer(&lp, 58, PrinterFormat::Escpos);
    let print = |save_only| {
        shop.api
            .call(ReceiptPrint {
                kind: ReceiptKind::Sale,
                id: s.id,
                paper_mm: None,
                save_only,
            })
            .unwrap()
    };
    let printed = print(false);
    assert_eq!(printed.format, PrinterFormat::Escpos);
    assert_eq!(printed.printer.as_deref(), Some("XP-80C"));
    let escpos = Path::new(&printed.path).with_extension("escpos");
    let args = std::fs::read_to_string(&log).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(
        args,
        [
            "-d",
            "XP-80C",
            "-t",
            &format!("小票 {}", s.receipt_no),
            "-o",
            "raw",
            escpos.to_str().unwrap()
        ]
    );
    // What reached the printer is the 58 mm ESC/POS receipt of this sale, and the PDF is saved.
    let pharmacy = shop.api.store().read(pos_core::settings::get).unwrap();
    let receipt = pos_core::sale::receipt::for_sale(pharmacy, &s, false);
    let sent = std::fs::read(&copy).unwrap();
    assert_eq!(sent, pos_receipt::receipt_escpos(&receipt, 58));
    assert!(sent.starts_with(&[0x1B, 0x40]) && sent.ends_with(&[0x1D, 0x56, 66, 0]));
    assert!(std::fs::read(&printed.path).unwrap().starts_with(b"%PDF"));
    // The sale took cash: the drawer opens before anything prints (ESC p 0 25 250).
    assert_eq!(
        &sent[..9],
        &[0x1B, 0x40, 0x1C, 0x26, 0x1B, 0x70, 0x00, 0x19, 0xFA]
    );
    // A reprint is marked on paper too (重印 in GB18030: D6 D8 D3 A1), and opens no drawer.
    let again = print(false);
    assert!(again.reprint);
    let sent = std::fs::read(&copy).unwrap();
    assert!(sent.windows(4).any(|w| w == [0xD6, 0xD8, 0xD3, 0xA1]));
    assert!(
        !sent.windows(2).any(|w| w == [0x1B, 0x70]),
        "no kick on a reprint"
    );
    assert_ne!(again.path, printed.path);
    // Saving only writes the PDF and sends nothing.
    let lines_before = std::fs::read_to_string(&log).unwrap().lines().count();
    let saved = print(true);
    assert_eq!(saved.printer, None);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().lines().count(),
        lines_before
    );
}

#[test]
fn the_till_settings_list_the_cups_queues() {
    let bin = tempfile::tempdir().unwrap();
    let lp = fake_lp(bin.path(), "lp", "exit 0");
    let lpstat = fake_lp(
        bin.path(),
        "lpstat",
        "[ \"$1\" = -e ] || exit 9; printf 'XP-80C\\nOffice-A4\\n\\nXP-80C\\n'",
    );
    let printer = CupsPrinter::with_program(&lp).with_lpstat(&lpstat);
    let shop = Shop::open(Some(Arc::new(printer)));
    // Managers set printers up; a cashier is refused.
    let e = shop.api.call(PrinterQueues {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    shop.login("3001", "3333");
    assert_eq!(
        shop.api.call(PrinterQueues {}).unwrap(),
        ["Office-A4", "XP-80C"],
        "sorted, blank lines and repeats dropped"
    );

    // No CUPS client installed, or its scheduler not running: a clear message, nothing else.
    let missing = CupsPrinter::with_program(&lp).with_lpstat(bin.path().join("no-such-lpstat"));
    let e = missing.queues().unwrap_err();
    assert_eq!(e.code, ErrorCode::PrintFailed);
    assert!(
        e.message.contains("找不到") && e.message.contains("cups-client"),
        "{}",
        e.message
    );
    let down = fake_lp(
        bin.path(),
        "lpstat-down",
        "echo 'lpstat: Scheduler is not running.' >&2; exit 1",
    );
    let e = CupsPrinter::with_program(&lp)
        .with_lpstat(&down)
        .queues()
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PrintFailed);
    assert!(
        e.message.contains("Scheduler is not running"),
        "{}",
        e.message
    );
}

#[test]
fn a_failing_lp_is_a_print_failure_with_its_message() {
    let bin = tempfile::tempdir().unwrap();
    let lp = fake_lp(
        bin.path(),
        "lp",
        "echo 'lp: The printer or class does not exist.' >&2; exit 1",
    );
    let printer = CupsPrinter::with_program(&lp);
    let pdf = bin.path().join("r.pdf");
    std::fs::write(&pdf, b"%PDF-1.7").unwrap();
    let e = printer
        .print("XP-80C", &pdf, "小票 1", PrintData::Document)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PrintFailed);
    assert!(
        e.message.contains("打印机 XP-80C 打印失败"),
        "{}",
        e.message
    );
    assert!(e.message.contains("退出码 1"), "{}", e.message);
    assert!(
        e.message
            .contains("lp: The printer or class does not exist."),
        "{}",
        e.message
    );
    assert!(e.message.contains("小票已保存为 PDF"), "{}", e.message);

    // lp not installed.
    let missing = CupsPrinter::with_program(bin.path().join("no-such-lp"));
    let e = missing
        .print("XP-80C", &pdf, "t", PrintData::Document)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PrintFailed);
    assert!(e.message.contains("找不到打印命令"), "{}", e.message);

    // lp hanging: the till stops waiting.
    let slow = fake_lp(bin.path(), "slow-lp", "sleep 5");
    let started = std::time::Instant::now();
    let e = CupsPrinter::with_program(&slow)
        .with_timeout(std::time::Duration::from_millis(300))
        .print("XP-80C", &pdf, "t", PrintData::Document)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PrintFailed);
    assert!(e.message.contains("无响应"), "{}", e.message);
    assert!(started.elapsed() < std::time::Duration::from_secs(4));

    // Through the API: the PDF is saved, the error reaches the caller.
    let (shop, s) = Shop::with_printer_queue(&lp, 58);
    let e = shop
        .api
        .call(ReceiptPrint {
            kind: ReceiptKind::Sale,
            id: s.id,
            paper_mm: None,
            save_only: false,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PrintFailed);
    let saved = shop
        .dir
        .path()
        .join("receipts")
        .join(format!("{}.pdf", s.receipt_no));
    assert!(saved.is_file(), "the receipt was saved before printing");
}

// ---------------------------------------------------------------------------------------------
// Receipts that add up (PRODUCT.md §6): on every receipt, the printed line amounts less the
// deductions printed below them are the printed 应收 (退款合计 on a return), to the fen — read
// back from the PDF with pdftotext and from the ESC/POS bytes, never from the model.

/// What a printed receipt says its amounts are, in fen.
#[derive(Debug, PartialEq, Eq)]
struct Printed {
    /// The amount of each line (the last figure of the row with quantity and unit price).
    lines: Vec<i64>,
    /// 商品金额 / 退货商品金额.
    subtotal: i64,
    /// The deductions printed between the subtotal and the total.
    deductions: Vec<i64>,
    /// 应收 / 退款合计.
    total: i64,
}

/// `12.34` → 1234; only amounts with exactly two decimals.
fn fen_of(s: &str) -> Option<i64> {
    let (yuan, fen) = s.split_once('.')?;
    if fen.len() != 2
        || yuan.is_empty()
        || !(yuan.bytes().chain(fen.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some(yuan.parse::<i64>().ok()? * 100 + fen.parse::<i64>().ok()?)
}

/// Reads `lines` (one printed line each, runs of spaces as one) of a receipt whose money is
/// written `sign` + digits (`¥` in the PDF, `￥` on the ESC/POS printer), line amounts with the
/// sign (PDF) or without (ESC/POS, `bare_rows`).
fn read_amounts(lines: &[String], sign: &str, bare_rows: bool, is_return: bool) -> Printed {
    let (sub_label, total_label) = if is_return {
        ("退货商品金额", "退款合计")
    } else {
        ("商品金额", "应收")
    };
    let find = |p: &dyn Fn(&str) -> bool, what: &str| {
        lines
            .iter()
            .position(|l| p(l))
            .unwrap_or_else(|| panic!("no {what} line in:\n{}", lines.join("\n")))
    };
    let head = find(&|l| l.starts_with("品名"), "品名");
    let sub = find(&|l| l.starts_with(sub_label), sub_label);
    let total = sub
        + lines[sub..]
            .iter()
            .position(|l| l.starts_with(total_label))
            .unwrap_or_else(|| {
                panic!(
                    "no {total_label} line in:
{}",
                    lines.join("\n")
                )
            });
    let money = |t: &str| t.strip_prefix(sign).and_then(fen_of);
    let row_amount = |t: &str| if bare_rows { fen_of(t) } else { money(t) };
    let last = |l: &str| l.split_whitespace().last().unwrap_or("").to_owned();
    let items: Vec<i64> = lines[head + 1..sub]
        .iter()
        .filter_map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            match t.as_slice() {
                [.., price, amount] if row_amount(price).is_some() => row_amount(amount),
                _ => None,
            }
        })
        .collect();
    let deductions: Vec<i64> = lines[sub + 1..total]
        .iter()
        .filter_map(|l| last(l).strip_prefix('-').and_then(money))
        .collect();
    Printed {
        lines: items,
        subtotal: money(&last(&lines[sub])).expect("the subtotal is money"),
        deductions,
        total: money(&last(&lines[total])).expect("the total is money"),
    }
}

/// The amounts a PDF receipt prints, read with `pdftotext -layout`.
fn pdf_amounts(text: &str, is_return: bool) -> Printed {
    let lines: Vec<String> = squeezed(text).lines().map(str::to_owned).collect();
    read_amounts(&lines, "¥", false, is_return)
}

/// The printed lines of ESC/POS bytes: commands skipped, text between line feeds decoded from
/// GB18030 (encoding_rs is the renderer's too; the bytes of 康宁 are checked by value elsewhere).
fn escpos_lines(bytes: &[u8]) -> Vec<String> {
    let (esc, fs, gs, lf) = (0x1B, 0x1C, 0x1D, 0x0A);
    let mut lines = Vec::new();
    let mut text = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        i += match (b, next) {
            (0x1B, Some(b'@')) | (0x1C, Some(b'&')) => 2,
            (0x1B, Some(b'p')) => 5,
            (x, _) if x == esc => 3,
            (x, Some(b'!')) if x == fs => 3,
            (x, Some(b'V')) if x == gs => 4,
            (x, Some(b'k')) if x == gs => 4 + usize::from(bytes[i + 3]),
            (x, Some(b'(')) if x == gs => {
                5 + usize::from(bytes[i + 3]) + 256 * usize::from(bytes[i + 4])
            }
            (x, _) if x == gs => 3,
            (x, _) if x == lf => {
                lines.push(encoding_rs::GB18030.decode(&text).0.into_owned());
                text.clear();
                1
            }
            _ => {
                text.push(b);
                1
            }
        };
    }
    lines
}

/// The amounts an ESC/POS receipt prints.
fn escpos_amounts(bytes: &[u8], is_return: bool) -> Printed {
    let lines: Vec<String> = escpos_lines(bytes)
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    read_amounts(&lines, "￥", true, is_return)
}

/// The printed amounts add up: Σ lines = subtotal, subtotal − Σ deductions = total, and the
/// total is what the core says it is.
fn assert_adds_up(what: &str, p: &Printed, lines: usize, total: Money) {
    assert_eq!(p.lines.len(), lines, "{what}: one amount per line: {p:?}");
    assert_eq!(
        p.lines.iter().sum::<i64>(),
        p.subtotal,
        "{what}: Σ lines: {p:?}"
    );
    assert_eq!(
        p.subtotal - p.deductions.iter().sum::<i64>(),
        p.total,
        "{what}: Σ amounts − deductions = total: {p:?}"
    );
    assert_eq!(p.total, total.fen(), "{what}: the total printed: {p:?}");
}

impl Shop {
    fn as_manager<T>(&self, f: impl FnOnce() -> T) -> T {
        self.login("3001", "3333");
        let out = f();
        self.login("1001", "1111");
        out
    }

    /// 抹零 on (rule 6): the amount due is rounded down to 0.10.
    fn drop_small_change(&self) {
        self.as_manager(|| {
            let mut rules = self.api.call(RulesGet {}).unwrap();
            rules.drop_small_change = true;
            self.api.call(RulesUpdate { rules }).unwrap();
        });
    }

    /// The member spends 3 002.00 in cash (190 感冒灵) and is 金卡 from the next sale on.
    fn make_gold(&self, member: MemberId) {
        let c = self.api.call(CartOpen {}).unwrap();
        self.scan(&c, GANMAOLING, 190);
        let c = self
            .api
            .call(CartSetMember {
                cart_id: c.id,
                member_id: Some(member),
            })
            .unwrap();
        self.api
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
        let tier = self
            .api
            .call(MemberGet { member_id: member })
            .unwrap()
            .summary
            .tier;
        assert_eq!(tier, pos_core::rules::Tier::Gold);
    }

    /// Prints `s`'s receipt at 80 and 58 mm (PDF) and renders its ESC/POS bytes at both widths,
    /// and checks that every one of them adds up; returns the 80 mm PDF's text and path.
    fn check_sums(&self, what: &str, s: &Sale) -> (String, PathBuf) {
        let mut text80 = (String::new(), PathBuf::new());
        for paper in [80, 58] {
            let p = self.print(ReceiptKind::Sale, s.id, paper);
            let text = common::pdftotext(Path::new(&p.path));
            let printed = pdf_amounts(&text, false);
            assert_adds_up(
                &format!("{what}, PDF {paper} mm"),
                &printed,
                s.lines.len(),
                s.payable,
            );
            // The amounts are the line nets of rule 3; the deductions are the bill's.
            let nets: Vec<i64> = s.lines.iter().map(|l| l.net.fen()).collect();
            assert_eq!(printed.lines, nets, "{what}: line nets");
            let d = &s.discounts;
            let bill: Vec<i64> = [d.coupon, d.points, d.small_change]
                .iter()
                .map(|m| m.fen())
                .filter(|f| *f != 0)
                .collect();
            assert_eq!(
                printed.deductions, bill,
                "{what}: coupon, points, 抹零 once"
            );
            let fl = flat(&text);
            for l in &s.lines {
                let maker = l.manufacturer.as_deref().expect("a manufacturer");
                let expiry = l.batch_expires_on.as_deref().expect("an expiry");
                for part in [format!("生产厂家{maker}"), format!("有效期至{expiry}")] {
                    assert!(fl.contains(&flat(&part)), "{what}: no “{part}” in:\n{text}");
                }
            }
            if let Some(m) = &s.member {
                assert!(
                    fl.contains(&format!("会员卡号{}", card::mask(&m.card_no))),
                    "{text}"
                );
                assert!(!fl.contains(&m.card_no), "{what}: the whole card number");
            }
            if paper == 80 {
                text80 = (text, PathBuf::from(&p.path));
            }
        }
        // The first print, as the till sends it right after payment.
        let pharmacy = self.api.store().read(pos_core::settings::get).unwrap();
        let receipt = pos_core::sale::receipt::for_sale(pharmacy, s, false);
        let cash = s.payments.iter().any(|p| p.kind == TenderKind::Cash);
        for paper in [80, 58] {
            let bytes = pos_receipt::receipt_escpos(&receipt, paper);
            assert_eq!(
                bytes.windows(2).any(|w| w == [0x1B, 0x70]),
                cash,
                "{what}: the drawer opens on a cash sale only"
            );
            let printed = escpos_amounts(&bytes, false);
            assert_adds_up(
                &format!("{what}, ESC/POS {paper} mm"),
                &printed,
                s.lines.len(),
                s.payable,
            );
            let text: String = escpos_lines(&bytes).concat();
            let fl = flat(&text);
            for l in &s.lines {
                let maker = l.manufacturer.as_deref().unwrap();
                let expiry = l.batch_expires_on.as_deref().unwrap();
                assert!(
                    fl.contains(&flat(maker)) && fl.contains(&format!("有效期至{expiry}")),
                    "{what}: {text}"
                );
            }
            if let Some(m) = &s.member {
                assert!(fl.contains(&card::mask(&m.card_no)) && !fl.contains(&m.card_no));
            }
        }
        text80
    }
}

#[test]
fn every_sale_receipt_adds_up_to_the_fen() {
    let shop = Shop::open(None);

    // A non-member in cash: no rate, no deduction.
    let c = shop.api.call(CartOpen {}).unwrap();
    shop.scan(&c, PARACETAMOL, 2);
    let c = shop.scan(&c, MAMIAI, 1);
    let s = shop.pay(c, TenderKind::Wechat, 1000);
    let (t, _) = shop.check_sums("non-member", &s);
    assert!(!t.contains("会员价"), "{t}");

    // A member (普通) with the new-member coupon and 1000 points.
    let member = shop.member();
    let s = shop.big_sale(member);
    assert!(s.discounts.coupon.fen() > 0 && s.discounts.points.fen() > 0);
    shop.check_sums("coupon and points", &s);

    // 金卡 (rate 0.95) with points and 抹零: the rates make fen the 抹零 drops.
    shop.make_gold(member);
    shop.drop_small_change();
    let c = shop.api.call(CartOpen {}).unwrap();
    shop.scan(&c, GANMAOLING, 3);
    shop.scan(&c, MAMIAI, 1);
    shop.scan(&c, PARACETAMOL, 1);
    let c = shop.scan(&c, PIANZAIHUANG, 1); // 590.00, no member price
    let c = shop
        .api
        .call(CartSetMember {
            cart_id: c.id,
            member_id: Some(member),
        })
        .unwrap();
    let c = shop
        .api
        .call(CartSetPoints {
            cart_id: c.id,
            points: 500,
        })
        .unwrap();
    let s = shop.pay(c, TenderKind::Card, 50_000);
    assert!(
        s.discounts.tier.fen() > 0 && s.discounts.small_change.fen() > 0,
        "{:?}",
        s.discounts
    );
    let (t, _) = shop.check_sums("金卡, points, 抹零", &s);
    let f = flat(&t);
    assert_eq!(
        f.matches("会员价：金卡95折").count(),
        3,
        "three lines at 95折:\n{t}"
    );
    assert!(
        f.contains(&format!(
            "会员优惠（已含在金额中）{}，不再扣减",
            yuan(s.discounts.tier)
        )),
        "{t}"
    );
    assert!(
        f.contains(&format!("积分抵扣（500分）-{}", yuan(s.discounts.points))),
        "{t}"
    );
    assert!(
        f.contains(&format!("抹零-{}", yuan(s.discounts.small_change))),
        "{t}"
    );

    // A member day (the 1st): 金卡's 0.95 gives way to the day's 0.90 (rule 2).
    shop.clock.set("2026-12-01T02:00:00Z".parse().unwrap());
    let c = shop.api.call(CartOpen {}).unwrap();
    shop.scan(&c, GANMAOLING, 2);
    let c = shop.scan(&c, PIANZAIHUANG, 1);
    let c = shop
        .api
        .call(CartSetMember {
            cart_id: c.id,
            member_id: Some(member),
        })
        .unwrap();
    // All by Alipay: no cash, no drawer.
    let s = shop
        .api
        .call(SalePay {
            cart_id: c.id,
            tenders: vec![Tender {
                kind: TenderKind::Alipay,
                amount: c.pricing.payable,
                settlement_no: None,
                reference: None,
            }],
        })
        .unwrap();
    assert!(s.discounts.member_day.fen() > 0, "{:?}", s.discounts);
    let p58 = shop.print(ReceiptKind::Sale, s.id, 58);
    assert!(!p58.reprint);
    keep("published-receipt-58mm.pdf", Path::new(&p58.path));
    let (t, _) = shop.check_sums("member day", &s);
    assert_eq!(flat(&t).matches("会员价：会员日9折").count(), 1, "{t}");
}

#[test]
fn a_return_receipt_says_what_was_paid_and_what_is_refunded() {
    let shop = Shop::open(None);
    let member = shop.member();
    shop.make_gold(member);
    shop.drop_small_change();
    // 金卡, the new-member coupon, 1000 points, 抹零, WeChat + cash.
    let s = shop.big_sale(member);
    let d = &s.discounts;
    assert!(
        d.coupon.fen() > 0 && d.points.fen() > 0 && d.small_change.fen() > 0,
        "{d:?}"
    );
    let (published, path) = shop.check_sums("the published sale", &s);
    assert!(!published.contains("重印"));
    keep("published-receipt-80mm.pdf", &path);
    let line = |barcode: &str| s.lines.iter().find(|l| l.barcode == barcode).unwrap();

    let give_back = |lines: Vec<(&str, u32)>| -> SaleReturn {
        shop.api
            .call(ReturnCreate {
                return_id: shop.api.call(ReturnOpen {}).unwrap().return_id,
                sale_id: s.id,
                lines: lines
                    .into_iter()
                    .map(|(b, q)| ReturnLineInput {
                        sale_line_id: line(b).id,
                        quantity: q,
                        trace_codes: None,
                    })
                    .collect(),
                reason: ReturnReason::Damaged,
                note: String::new(),
                manager: approver("3001", "3333"),
            })
            .unwrap()
    };
    // One of the two 感冒灵 and the amoxicillin; then the other 感冒灵, which completes its line.
    let first = give_back(vec![(GANMAOLING, 1), (AMOXICILLIN, 1)]);
    let second = give_back(vec![(GANMAOLING, 1)]);
    let mut refunded_ganmaoling = 0;
    for (name, r) in [("first", &first), ("second", &second)] {
        let p = shop.print(ReceiptKind::Return, r.id, 80);
        let text = common::pdftotext(Path::new(&p.path));
        if name == "first" {
            keep("published-receipt-return-80mm.pdf", Path::new(&p.path));
        }
        let printed = pdf_amounts(&text, true);
        assert_adds_up(
            &format!("{name} return, PDF"),
            &printed,
            r.lines.len(),
            r.refund,
        );
        let fl = flat(&text);
        // Per line: what was paid for the quantity returned and what is refunded.
        for rl in &r.lines {
            let what = format!("实付{}，退款{}", yuan(rl.refund), yuan(rl.refund));
            assert!(fl.contains(&what), "{name}: no “{what}” in:\n{text}");
        }
        // Why it is less than the amount: the coupon is not refunded, the points go back as
        // points, 抹零 was never paid.
        for why in ["优惠券（不退）", "积分抵扣（以积分退回）", "积分抵扣（退回"]
        {
            assert!(fl.contains(why), "{name}: no “{why}” in:\n{text}");
        }
        // The tenders give back the total.
        let back: i64 = r.refunds.iter().map(|f| f.amount.fen()).sum();
        assert_eq!(back, printed.total);
        for f in &r.refunds {
            let what = format!("退回{}{}", f.kind.label(), yuan(f.amount));
            assert!(fl.contains(&what), "{name}: no “{what}” in:\n{text}");
        }
        assert!(fl.contains(&card::mask(s.member.as_ref().unwrap().card_no.as_str())));
        // ESC/POS too.
        let (receipt, _) = shop
            .api
            .store()
            .read(|c| pos_core::sale::receipt::prepare(c, ReceiptKind::Return, r.id))
            .unwrap();
        for paper in [80, 58] {
            let printed = escpos_amounts(&pos_receipt::receipt_escpos(&receipt, paper), true);
            assert_adds_up(
                &format!("{name} return, ESC/POS {paper} mm"),
                &printed,
                r.lines.len(),
                r.refund,
            );
        }
        let g = receipt
            .lines
            .iter()
            .zip(&r.lines)
            .find(|(_, rl)| rl.name == line(GANMAOLING).name)
            .unwrap();
        refunded_ganmaoling += g.0.amount.fen();
    }
    // The two returns of 感冒灵 printed amounts that make its whole line net, no fen lost.
    assert_eq!(refunded_ganmaoling, line(GANMAOLING).net.fen());
}
