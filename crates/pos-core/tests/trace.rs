//! 药品追溯码 on a real store file through the API: the three kinds read, one code per pack, 医保
//! blocked until every pack has its code, a code sold once until a return brings it back, and
//! the export holding exactly the period's codes.

mod common;

use common::counter::*;
use pos_core::api::*;
use pos_core::pricing::TenderKind;
use pos_core::rules::BusinessRules;
use pos_core::sale::returns::ReturnLineInput;
use pos_core::trace::{self, TraceKind, GS};
use pos_core::ErrorCode;

/// A GS1 DataMatrix for 感冒灵颗粒 (EAN 6939668066407 → GTIN 06939668066407), as a scanner
/// sends it: variable fields ended by GS.
fn ganmaoling_pack(serial: &str, batch: &str) -> String {
    // (01) GTIN, (17) expiry 2028-12-31, (10) batch, GS, (21) serial.
    format!("01069396680664071728123110{batch}{GS}21{serial}")
}

const MSFX_PARACETAMOL: &str = "81234560000000000017";

#[test]
fn the_three_kinds_are_read_and_a_barcode_is_none_of_them() {
    // 码上放心: 20 digits beginning with 8.
    let c = trace::parse(MSFX_PARACETAMOL).unwrap();
    assert_eq!(
        (c.kind, c.code.as_str()),
        (TraceKind::Msfx, MSFX_PARACETAMOL)
    );
    // A maker's own code: digits, 15 to 40.
    let c = trace::parse("１２３４５６７８９０１２３４５６７").unwrap();
    assert_eq!(
        (c.kind, c.code.as_str()),
        (TraceKind::Maker, "12345678901234567")
    );
    // GS1 DataMatrix with its separators and the symbology identifier some scanners send.
    let raw = format!("]d2{}", ganmaoling_pack("SN0001", "B2405"));
    let c = trace::parse(&raw).unwrap();
    assert_eq!(c.kind, TraceKind::Gs1);
    assert_eq!(c.gtin.as_deref(), Some("06939668066407"));
    assert_eq!(c.batch_no.as_deref(), Some("B2405"));
    assert_eq!(c.expires_on.as_deref(), Some("2028-12-31"));
    assert_eq!(c.serial.as_deref(), Some("SN0001"));
    assert_eq!(c.code, "010693966806640721SN0001");
    // The same pack written by hand in brackets reads the same.
    let b = trace::parse("(01)06939668066407(17)281231(10)B2405(21)SN0001").unwrap();
    assert_eq!(b, c);
    // Day 00 is the month's last day; the serial may come before the batch.
    let c = trace::parse(&format!("010693966806640717290200{GS}21X9{GS}10L1")).unwrap();
    assert_eq!(c.expires_on.as_deref(), Some("2029-02-28"));
    assert_eq!(
        (c.serial.as_deref(), c.batch_no.as_deref()),
        (Some("X9"), Some("L1"))
    );

    for bad in [
        "(01)06939668066408(17)281231(21)S1", /* wrong GTIN check digit */
        "(01)06939668066407(17)281231(10)B2405", /* no serial: not a pack's code */
        "(01)06939668066407(17)281332(21)S1", /* no 32 December */
        "8123456789",                         /* too short */
        "12345678901234567890123456789012345678901", /* too long */
        "8123456789012345678A",
    ] {
        let e = trace::parse(bad).unwrap_err();
        assert_eq!(e.code, ErrorCode::TraceCodeInvalid, "{bad}: {}", e.message);
    }
    // Product barcodes are never codes; codes are never barcodes.
    for barcode in [GANMAOLING, "69396680", "693966806640"] {
        assert!(!trace::looks_like_code(barcode), "{barcode}");
    }
    for code in [
        MSFX_PARACETAMOL,
        "123456789012345",
        &ganmaoling_pack("S", "B"),
    ] {
        assert!(trace::looks_like_code(code), "{code}");
    }
}

#[test]
fn insurance_waits_for_every_packs_code_and_a_code_sells_once_until_returned() {
    let t = cashier();
    let c = t.cart();
    t.scan(&c, GANMAOLING, 2).unwrap();
    let c = t.scan(&c, &ganmaoling_pack("SN0001", "B2405"), 1).unwrap();
    let line = &c.lines[0];
    assert_eq!(
        line.quantity, 2,
        "the code went onto the product's line, not a new pack"
    );
    assert_eq!(line.trace_codes, vec!["010693966806640721SN0001"]);
    assert_eq!(
        line.batch_no.as_deref(),
        Some("B2405"),
        "the pack names its batch"
    );
    assert_eq!(line.batch_expires_on.as_deref(), Some("2028-12-31"));
    assert!(line.trace_required);
    assert_eq!(c.gates.trace_pending, vec![line.id]);
    assert!(
        c.gates.blocked.is_empty(),
        "cash may pay; only 医保 needs the codes by default"
    );

    // The same pack again: refused, nothing changes.
    let e = t
        .scan(&c, &ganmaoling_pack("SN0001", "B2405"), 1)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TraceCodeDuplicate, "{}", e.message);

    // 医保 before the second pack's code: refused with the stable code.
    let e = t
        .pay(&c, vec![tender(TenderKind::Insurance, "31.60")])
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TraceCodesRequired, "{}", e.message);
    assert_eq!(t.count("SELECT count(*) FROM sale"), 0);

    let c = t.scan(&c, &ganmaoling_pack("SN0002", "B2405"), 1).unwrap();
    assert_eq!(c.lines[0].trace_codes.len(), 2);
    assert!(c.gates.trace_pending.is_empty());
    let sale = t
        .pay(&c, vec![tender(TenderKind::Insurance, "31.60")])
        .unwrap();
    assert_eq!(t.count("SELECT count(*) FROM sale_trace_code"), 2);
    assert_eq!(
        t.count("SELECT count(*) FROM cart_trace_code WHERE cart_id IN (SELECT id FROM sale)"),
        2
    );
    let outbox: String = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT payload FROM outbox WHERE kind = 'sale.committed@1'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(
        outbox.contains("010693966806640721SN0002"),
        "the codes go into the outbox"
    );

    // Sold once: the pack cannot be sold again, alone or after its product.
    let c2 = t.cart();
    let e = t
        .scan(&c2, &ganmaoling_pack("SN0001", "B2405"), 1)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TraceCodeSold, "{}", e.message);
    assert!(e.message.contains(&sale.receipt_no));

    // A partial return names the pack brought back: without its code it is refused (the pack
    // would stay "sold" for ever), and the code tells the returns counter which line it is on.
    assert_eq!(sale.lines[0].trace_codes_out, 2);
    let e = t
        .ret_lines(sale.id, return_lines(&[(sale.lines[0].id, 1)]))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TraceCodesRequired, "{}", e.message);
    assert!(e.message.contains("还差 1 个"), "{}", e.message);
    let found = t
        .api
        .call(ReturnTraceScanCmd {
            sale_id: sale.id,
            code: format!("]d2{}", ganmaoling_pack("SN0001", "B2405")),
        })
        .unwrap();
    assert_eq!(found.sale_line_id, sale.lines[0].id);
    assert_eq!(found.code, "010693966806640721SN0001");
    let e = t
        .api
        .call(ReturnTraceScanCmd {
            sale_id: sale.id,
            code: ganmaoling_pack("SN0099", "B2405"),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TraceCodeInvalid, "{}", e.message);
    assert!(e.message.contains("不在这张小票上"), "{}", e.message);

    // A partial return with the pack's code scanned brings exactly that pack back.
    t.ret_lines(
        sale.id,
        vec![ReturnLineInput {
            sale_line_id: sale.lines[0].id,
            quantity: 1,
            trace_codes: Some(vec![ganmaoling_pack("SN0001", "B2405")]),
        }],
    )
    .unwrap();
    let e = t
        .api
        .call(ReturnTraceScanCmd {
            sale_id: sale.id,
            code: ganmaoling_pack("SN0001", "B2405"),
        })
        .unwrap_err();
    assert!(e.message.contains("已经退过了"), "{}", e.message);
    let c2 = t.scan(&c2, &ganmaoling_pack("SN0001", "B2405"), 1).unwrap();
    assert_eq!(c2.lines[0].trace_codes, vec!["010693966806640721SN0001"]);
    let e = t
        .scan(&c2, &ganmaoling_pack("SN0002", "B2405"), 1)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::TraceCodeSold, "SN0002 was not returned");

    // The line returned whole gives back its last code without scanning.
    t.ret_lines(
        sale.id,
        vec![ReturnLineInput {
            sale_line_id: sale.lines[0].id,
            quantity: 1,
            trace_codes: None,
        }],
    )
    .unwrap();
    let c2 = t.scan(&c2, &ganmaoling_pack("SN0002", "B2405"), 1).unwrap();
    assert_eq!(c2.lines[0].quantity, 2, "the code alone added its pack");
}

#[test]
fn a_msfx_code_is_learnt_after_its_product_and_a_code_with_no_line_is_refused() {
    let t = cashier();
    let c = t.cart();
    let e = t.scan(&c, "123456789012345678", 1).unwrap_err();
    assert_eq!(e.code, ErrorCode::TraceCodeNoLine, "{}", e.message);
    assert_ne!(e.code, ErrorCode::InvalidBarcode);

    t.scan(&c, PARACETAMOL, 1).unwrap();
    t.scan(&c, GANMAOLING, 1).unwrap();
    // Scanned right after 感冒灵, a maker's code belongs to 感冒灵.
    let c = t.scan(&c, "123456789012345678", 1).unwrap();
    assert_eq!(c.lines[1].trace_codes, vec!["123456789012345678"]);
    // Now only 对乙酰氨基酚 waits: the 码上放心 code goes there, and is learnt.
    let c = t.scan(&c, MSFX_PARACETAMOL, 1).unwrap();
    assert_eq!(c.lines[0].trace_codes, vec![MSFX_PARACETAMOL]);
    t.pay(&c, vec![cash("50")]).unwrap();

    // Next customer: the next pack's code alone finds the product.
    let c = t.cart();
    let c = t.scan(&c, "81234560000000000025", 1).unwrap();
    assert_eq!(c.lines.len(), 1);
    assert_eq!(c.lines[0].barcode, PARACETAMOL);
    assert_eq!(c.lines[0].trace_codes, vec!["81234560000000000025"]);
    // Lowering the quantity drops the newest codes; removing the line drops them all.
    let c = t.scan(&c, "81234560000000000033", 1).unwrap();
    assert_eq!(c.lines[0].quantity, 2);
    let c = t
        .api
        .call(CartSetQuantity {
            cart_id: c.id,
            line_id: c.lines[0].id,
            quantity: 1,
        })
        .unwrap();
    assert_eq!(c.lines[0].trace_codes, vec!["81234560000000000025"]);
    let c = t
        .api
        .call(CartRemoveTraceCode {
            cart_id: c.id,
            code: "81234560000000000025".into(),
        })
        .unwrap();
    assert!(c.lines[0].trace_codes.is_empty());
}

#[test]
fn the_chain_rule_asks_codes_on_every_line_and_an_expired_pack_is_refused() {
    let t = cashier();
    t.login("3001", "3333");
    t.api
        .call(RulesUpdate {
            rules: BusinessRules {
                trace_codes_all_lines: true,
                ..BusinessRules::default()
            },
        })
        .unwrap();
    t.login("1001", "1111");
    let c = t.cart();
    let c = t.scan(&c, FENGYOUJING, 1).unwrap();
    assert!(c.lines[0].trace_required, "not 医保-listed, still required");
    assert!(c.gates.blocked.contains(&"TRACE_CODES_REQUIRED".to_owned()));
    let e = t.pay(&c, vec![cash("3.00")]).unwrap_err();
    assert_eq!(e.code, ErrorCode::TraceCodesRequired, "{}", e.message);
    let c = t.scan(&c, "990000000000000001", 1).unwrap();
    assert!(c.gates.blocked.is_empty());
    t.pay(&c, vec![cash("3.00")]).unwrap();

    let c = t.cart();
    let e = t
        .scan(&c, "(01)06939668066407(17)261031(10)OLD(21)S1", 1)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::ExpiredStock, "{}", e.message);
}

#[test]
fn the_export_holds_exactly_the_codes_of_the_period() {
    let t = cashier();
    let mut sold = Vec::new();
    for (day, serials) in [
        ("2026-11-23T02:00:00Z", &["A1", "A2"][..]),
        ("2026-11-24T02:00:00Z", &["B1"][..]),
        ("2026-11-25T02:00:00Z", &["C1", "C2", "C3"][..]),
    ] {
        t.clock.set(at(day));
        let c = t.cart();
        let mut c = c;
        for s in serials {
            c = t.scan(&c, &ganmaoling_pack(s, "B2405"), 1).unwrap();
        }
        let due = c.pricing.payable.to_string();
        t.pay(&c, vec![tender(TenderKind::Insurance, &due)])
            .unwrap();
        sold.push(
            serials
                .iter()
                .map(|s| format!("010693966806640721{s}"))
                .collect::<Vec<_>>(),
        );
    }
    t.login("3001", "3333");
    let out = t
        .api
        .call(TraceExport {
            from: "2026-11-24".into(),
            to: "2026-11-25".into(),
        })
        .unwrap();
    let got: Vec<String> = out.rows.iter().map(|r| r.code.clone()).collect();
    let want: Vec<String> = sold[1..].concat();
    assert_eq!(got, want);
    assert!(out
        .rows
        .iter()
        .all(|r| r.settlement_no.as_deref() == Some("YB-0001")));
    let csv = std::fs::read_to_string(&out.path).unwrap();
    assert_eq!(csv.lines().count(), 1 + want.len());
    for code in &want {
        assert!(csv.contains(code.as_str()));
    }
    assert!(!csv.contains("A1"));
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'trace.export'"),
        1
    );
}

#[test]
fn a_gs1_pack_scanned_after_its_product_names_the_lines_batch() {
    let t = cashier();
    let c = t.cart();
    t.scan(&c, GANMAOLING, 1).unwrap();
    let c = t.scan(&c, GANMAOLING, 1).unwrap();
    let fefo = c.lines[0].batch_no.clone();
    let c = t
        .scan(&c, "(01)06939668066407(17)281231(10)B2405(21)E2E0001", 1)
        .unwrap();
    assert_ne!(c.lines[0].batch_no, fefo);
    assert_eq!(c.lines[0].batch_no.as_deref(), Some("B2405"));
}
