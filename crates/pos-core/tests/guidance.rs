//! Medication guidance (用药指导) on a real store file through the API: who may record it (a
//! pharmacist's own login, a pharmacist's PIN at a cashier's till, never a cashier alone), the
//! author and time kept, guidance on a cart line sent with the sale, guidance on a committed sale
//! kept beside it (newest wins, history kept), the product's default the form starts from, the
//! member's guidance, the slip's refusal without guidance, and a rebuilt till getting it back.

mod common;

use common::counter::*;
use common::Till;
use pos_core::api::*;
use pos_core::cart::Cart;
use pos_core::ids::{LineId, SaleId};
use pos_core::pharmacy::guidance::{self, Guidance, SlipPaper, Stage, Via};
use pos_core::ErrorCode;
use pos_sync_proto::Payload;

fn advice() -> Guidance {
    Guidance {
        dose: "一次2粒".into(),
        frequency: "每8小时1次".into(),
        timing: "饭后".into(),
        duration: "连服7天".into(),
        watch_for: "皮疹、腹泻".into(),
        taboos: "服药期间忌酒".into(),
        note: "青霉素过敏者禁用".into(),
    }
}

fn save(
    t: &Till,
    sale: SaleId,
    line: LineId,
    g: Guidance,
    pin: Option<Approver>,
) -> Result<guidance::GuidanceRecord, pos_core::PosError> {
    t.api.call(GuidanceSave {
        sale_id: sale,
        line_id: line,
        guidance: g,
        pharmacist: pin,
    })
}

/// A paid sale of 对乙酰氨基酚 + 感冒灵 (no gates) to `member`, rung up by whoever is logged in.
fn paid_sale(t: &Till, member: Option<pos_core::ids::MemberId>) -> pos_core::sale::Sale {
    let c = t.cart();
    t.scan(&c, PARACETAMOL, 1).unwrap();
    let mut c: Cart = t.scan(&c, GANMAOLING, 1).unwrap();
    if let Some(m) = member {
        c = t.attach(&c, m);
    }
    let due = c.pricing.payable.to_string();
    t.pay(&c, vec![cash(&due)]).unwrap()
}

#[test]
fn a_pharmacist_at_their_own_login_records_guidance_with_its_author_and_it_goes_with_the_sale() {
    let t = Till::demo();
    t.login("2001", "2222"); // 李建国, pharmacist (and cashier)
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    let line = c.lines[0].id;
    let rec = save(&t, c.id, line, advice(), None).unwrap();
    assert_eq!(rec.pharmacist_name, "李建国");
    assert_eq!(rec.via, Via::Login);
    assert_eq!(rec.stage, Stage::Cart);
    assert_eq!(rec.at, "2026-11-23T02:00:00.000Z");
    assert_eq!(rec.business_date, "2026-11-23");
    assert_eq!(rec.pharmacist_id, rec.recorded_by);
    // The cart line shows the compact text; nothing is sent before payment.
    let c = t.api.call(CartGet { cart_id: c.id }).unwrap();
    let text = c.lines[0].guidance.clone().unwrap();
    assert!(
        text.starts_with("一次2粒，每8小时1次，饭后，连服7天"),
        "{text}"
    );
    assert!(text.contains("留意：皮疹、腹泻"), "{text}");
    assert!(text.contains("指导药师：李建国"), "{text}");
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'guidance.recorded@1'"),
        0
    );
    // A correction before payment: the newest wins, both are kept.
    t.clock.advance_ms(60_000);
    let mut g = advice();
    g.timing = "饭前".into();
    save(&t, c.id, line, g, None).unwrap();
    let s = t.pay(&c, vec![cash("3.50")]).unwrap();
    assert!(s.lines[0].guidance.as_deref().unwrap().contains("饭前"));
    // At the commit both records travel to headquarters, after the sale.
    let kinds: Vec<String> = t
        .api
        .store()
        .read(|c| {
            Ok(c.prepare("SELECT kind FROM outbox ORDER BY seq")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?)
        })
        .unwrap();
    let sale_at = kinds.iter().position(|k| k == "sale.committed@1").unwrap();
    let guided: Vec<usize> = kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| *k == "guidance.recorded@1")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(guided.len(), 2);
    assert!(guided.iter().all(|&i| i > sale_at));
    let payload: String = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT payload FROM outbox WHERE kind = 'guidance.recorded@1' ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let Payload::GuidanceRecorded(e) = Payload::parse("guidance.recorded@1", &payload).unwrap()
    else {
        panic!("not a guidance event")
    };
    assert_eq!((e.timing.as_str(), e.stage.as_str()), ("饭前", "cart"));
    assert_eq!(e.pharmacist_name, "李建国");
    assert_eq!(e.sale_id, s.id.0);
    // The history of the line, newest first.
    let h = t.api.call(GuidanceHistory { line_id: line }).unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].guidance.timing, "饭前");
    assert_eq!(h[1].guidance.timing, "饭后");
    // An audit entry names who recorded it.
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'guidance.record'"),
        2
    );
}

#[test]
fn a_cashier_alone_cannot_record_guidance_and_nothing_is_kept() {
    let t = cashier(); // 王晓燕, cashier only
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    let e = save(&t, c.id, c.lines[0].id, advice(), None).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("药师"), "{}", e.message);
    // Her own PIN typed as the pharmacist's does not make her one.
    let e = save(
        &t,
        c.id,
        c.lines[0].id,
        advice(),
        Some(approver("1001", "1111")),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::ApproverNotAuthorized);
    // A wrong PIN is refused as at login.
    let e = save(
        &t,
        c.id,
        c.lines[0].id,
        advice(),
        Some(approver("2001", "9999")),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPin);
    assert_eq!(t.count("SELECT count(*) FROM guidance"), 0);
    let c = t.api.call(CartGet { cart_id: c.id }).unwrap();
    assert_eq!(c.lines[0].guidance, None);
    // The old one-line command is pharmacists' only as well.
    assert_eq!(
        t.api
            .call(CartSetGuidance {
                cart_id: c.id,
                line_id: c.lines[0].id,
                guidance: "饭后".into(),
            })
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    // An empty form is refused, whoever gives it.
    let e = save(
        &t,
        c.id,
        c.lines[0].id,
        Guidance::default(),
        Some(pharmacist()),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
}

#[test]
fn a_pharmacist_records_guidance_at_a_cashiers_till_with_staff_number_and_pin() {
    let t = cashier();
    let c = t.cart();
    let c = t.scan(&c, GANMAOLING, 1).unwrap();
    let rec = save(&t, c.id, c.lines[0].id, advice(), Some(pharmacist())).unwrap();
    assert_eq!(rec.pharmacist_name, "李建国");
    assert_eq!(rec.via, Via::Pin);
    let cashier_id: String = t
        .api
        .store()
        .read(|c| {
            Ok(
                c.query_row("SELECT id FROM staff WHERE staff_no = '1001'", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .unwrap();
    assert_eq!(
        rec.recorded_by.to_string(),
        cashier_id,
        "the till's cashier"
    );
    assert_ne!(rec.pharmacist_id, rec.recorded_by);
    // The cashier is still the one logged in.
    assert_eq!(
        t.api
            .call(CurrentSession {})
            .unwrap()
            .unwrap()
            .staff
            .staff_no,
        "1001"
    );
    let s = t.pay(&c, vec![cash("15.80")]).unwrap();
    assert!(s.lines[0]
        .guidance
        .as_deref()
        .unwrap()
        .contains("指导药师：李建国"));
}

#[test]
fn guidance_after_the_sale_is_kept_beside_the_committed_sale_newest_first() {
    let t = cashier();
    let s = paid_sale(&t, None);
    let line = s.lines[1].id;
    assert_eq!(s.lines[1].guidance, None);
    let events =
        |t: &Till| t.count("SELECT count(*) FROM outbox WHERE kind = 'guidance.recorded@1'");
    assert_eq!(events(&t), 0);
    // The pharmacist logs in later and adds guidance to the committed sale's line.
    t.login("2001", "2222");
    t.clock.advance_ms(15 * 60_000);
    let rec = save(&t, s.id, line, advice(), None).unwrap();
    assert_eq!(rec.stage, Stage::Sale);
    assert_eq!(rec.at, "2026-11-23T02:15:00.000Z");
    assert_eq!(events(&t), 1, "written with the record");
    // The sale is not updated: its line keeps what payment wrote; reading it shows the guidance.
    assert_eq!(
        t.count("SELECT count(*) FROM sale_line WHERE guidance IS NOT NULL"),
        0
    );
    let again = t.api.call(SaleGet { sale_id: s.id }).unwrap();
    assert!(again.lines[1]
        .guidance
        .as_deref()
        .unwrap()
        .contains("连服7天"));
    assert_eq!(again.lines[0].guidance, None);
    // A correction: the newest record wins, the history keeps both.
    t.clock.advance_ms(60_000);
    let mut g = advice();
    g.dose = "一次1袋".into();
    save(&t, s.id, line, g, None).unwrap();
    let view = t
        .api
        .call(GuidanceSaleGet {
            sale_id: None,
            receipt_no: Some(s.receipt_no.clone()),
        })
        .unwrap();
    let l = view.lines.iter().find(|l| l.line_id == line).unwrap();
    assert_eq!(l.current.as_ref().unwrap().guidance.dose, "一次1袋");
    assert_eq!(l.revisions, 2);
    assert_eq!(events(&t), 2);
    // A line of another sale is not this sale's.
    let other = paid_sale(&t, None);
    assert_eq!(
        save(&t, s.id, other.lines[0].id, advice(), None)
            .unwrap_err()
            .code,
        ErrorCode::SaleNotFound
    );
    // The day's list counts the guided line.
    let day = t.api.call(GuidanceSalesOfDay::default()).unwrap();
    let row = day.iter().find(|r| r.sale_id == s.id).unwrap();
    assert_eq!((row.lines, row.guided), (2, 1));
    assert_eq!(day[0].sale_id, other.id, "newest first");
    // Records cannot be changed or removed, even by hand.
    let e = t.api.store().write(|tx| {
        tx.execute("DELETE FROM guidance", [])?;
        Ok(())
    });
    assert!(e.is_err());
}

#[test]
fn the_form_starts_from_the_products_default() {
    let t = Till::demo();
    t.login("2001", "2222");
    let c = t.cart();
    let c = t.scan(&c, AMOXICILLIN, 1).unwrap();
    let product = c.lines[0].product_id;
    // Nothing structured yet: the catalog's free text is the note.
    let d = t
        .api
        .call(GuidanceProductDefaultGet {
            product_id: product,
        })
        .unwrap();
    assert_eq!(d.dose, "");
    assert!(d.note.contains("青霉素过敏者禁用"), "{d:?}");
    // A pharmacist saves a structured default; the next form opens with it.
    let mut g = advice();
    g.note = String::new();
    t.api
        .call(GuidanceProductDefaultSet {
            product_id: product,
            guidance: g.clone(),
        })
        .unwrap();
    assert_eq!(
        t.api
            .call(GuidanceProductDefaultGet {
                product_id: product
            })
            .unwrap(),
        g
    );
    // The committed sale's view offers it for the line.
    t.api
        .call(CartSetPrescription {
            cart_id: c.id,
            prescription: pos_core::cart::PrescriptionInput {
                hospital: "浦东新区人民医院".into(),
                doctor: "刘医生".into(),
                prescribed_on: "2026-11-22".into(),
                diagnosis: "急性扁桃体炎".into(),
                image_path: None,
            },
        })
        .unwrap();
    t.api
        .call(CartApproveRx {
            cart_id: c.id,
            pharmacist: pharmacist(),
        })
        .unwrap();
    let s = t.pay(&c, vec![cash("12.80")]).unwrap();
    let view = t
        .api
        .call(GuidanceSaleGet {
            sale_id: Some(s.id),
            receipt_no: None,
        })
        .unwrap();
    assert_eq!(view.lines[0].default_guidance, g);
    assert!(view.lines[0].current.is_none());
    // A cashier cannot change a product's default.
    t.login("1001", "1111");
    assert_eq!(
        t.api
            .call(GuidanceProductDefaultSet {
                product_id: product,
                guidance: advice(),
            })
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
}

#[test]
fn a_members_file_lists_the_guidance_given_newest_first() {
    let t = cashier();
    let member = t.member("13912345678", "张伟");
    let other = t.member("13987654321", "李娜");
    let first = paid_sale(&t, Some(member));
    t.clock.advance_ms(3_600_000);
    let second = paid_sale(&t, Some(member));
    let theirs = paid_sale(&t, Some(other));
    let none = paid_sale(&t, None);
    t.login("2001", "2222");
    save(&t, first.id, first.lines[0].id, advice(), None).unwrap();
    t.clock.advance_ms(60_000);
    let mut g = advice();
    g.dose = "一次1袋".into();
    save(&t, second.id, second.lines[1].id, g, None).unwrap();
    save(&t, theirs.id, theirs.lines[0].id, advice(), None).unwrap();
    save(&t, none.id, none.lines[0].id, advice(), None).unwrap();
    // A cart that never became a sale gives no guidance to anyone.
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    let c = t.attach(&c, member);
    save(&t, c.id, c.lines[0].id, advice(), None).unwrap();

    let list = t
        .api
        .store()
        .read(|c| guidance::for_member(c, member))
        .unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].sale_id, second.id, "newest first");
    assert_eq!(list[0].guidance.dose, "一次1袋");
    assert_eq!(list[0].name, "感冒灵颗粒");
    assert_eq!(list[0].pharmacist_name.as_deref(), Some("李建国"));
    assert_eq!(list[1].sale_id, first.id);
    assert_eq!(list[1].receipt_no, first.receipt_no);
    // Through the API for pharmacists and managers; a cashier is refused.
    assert_eq!(
        t.api.call(GuidanceForMember { member_id: member }).unwrap(),
        list
    );
    t.login("1001", "1111");
    assert_eq!(
        t.api
            .call(GuidanceForMember { member_id: member })
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
}

#[test]
fn a_slip_needs_guidance_and_a_rebuilt_till_gets_the_records_back() {
    let t = cashier();
    let s = paid_sale(&t, None);
    let e = t
        .api
        .call(GuidanceSlipPdf {
            sale_id: s.id,
            line_id: None,
            paper: SlipPaper::A5,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::GuidanceNotRecorded);
    save(&t, s.id, s.lines[0].id, advice(), Some(pharmacist())).unwrap();
    let slip = t
        .api
        .store()
        .read(|c| guidance::slip(c, s.id, None, t.clock_now()))
        .unwrap();
    assert_eq!(slip.items.len(), 1);
    assert_eq!(slip.items[0].pharmacist, "李建国");
    assert_eq!(slip.items[0].guidance, advice());
    // The second line has none.
    let e = t
        .api
        .store()
        .read(|c| guidance::slip(c, s.id, Some(s.lines[1].id), t.clock_now()))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::GuidanceNotRecorded);
    // Without a renderer plugged in, the PDF is refused clearly.
    assert_eq!(
        t.api
            .call(GuidanceSlipPdf {
                sale_id: s.id,
                line_id: None,
                paper: SlipPaper::A5,
            })
            .unwrap_err()
            .code,
        ErrorCode::DocumentUnavailable
    );

    // The event, applied to a new store file twice, is one record with the same fields.
    let payload: String = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT payload FROM outbox WHERE kind = 'guidance.recorded@1'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let Payload::GuidanceRecorded(e) = Payload::parse("guidance.recorded@1", &payload).unwrap()
    else {
        panic!("not a guidance event")
    };
    let rebuilt = Till::empty();
    for _ in 0..2 {
        rebuilt
            .api
            .store()
            .write(|tx| guidance::restore(tx, &e))
            .unwrap();
    }
    assert_eq!(rebuilt.count("SELECT count(*) FROM guidance"), 1);
    let back = rebuilt
        .api
        .store()
        .read(|c| guidance::history(c, s.lines[0].id))
        .unwrap();
    let original = t
        .api
        .store()
        .read(|c| guidance::history(c, s.lines[0].id))
        .unwrap();
    assert_eq!(back, original);
}

trait Now {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl Now for Till {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use pos_core::clock::Clock;
        self.clock.now()
    }
}
