//! The prescription register and the ephedrine register on a real store file through the API:
//! what the counter captures with a prescription (patient, image), the registers searched by
//! each criterion, masked and whole ID numbers by role (each whole view audited), a cashier
//! refused and logged, the repeat-buyer flag at its threshold, the export equal to the period's
//! sales, and records kept 2 years.

mod common;

use std::collections::BTreeMap;

use common::counter::*;
use common::Till;
use pos_core::api::*;
use pos_core::cart::{Cart, PrescriptionInput};
use pos_core::pharmacy::registers::{
    EphedrineFilter, PrescriptionFilter, RegisterSettings, RxPatient, Sex,
};
use pos_core::ErrorCode;

/// A valid resident ID number from its first 17 digits.
fn id_no(first17: &str) -> String {
    format!(
        "{first17}{}",
        pos_core::id_card::check_char(first17).unwrap()
    )
}

const DAY: &str = "T02:00:00Z"; // 10:00 in the store

fn on(t: &Till, date: &str) {
    t.clock.set(at(&format!("{date}{DAY}")));
}

/// Sells `(barcode, qty)` ephedrine lines to `buyer` on `date` (as the cashier).
fn sell_ephedrine(t: &Till, date: &str, buyer: &str, id: &str, lines: &[(&str, i64)]) -> Cart {
    on(t, date);
    t.login("1001", "1111");
    let mut c = t.cart();
    for (barcode, qty) in lines {
        c = t.scan(&c, barcode, *qty).unwrap();
    }
    let c = t
        .api
        .call(CartSetEphedrineBuyer {
            cart_id: c.id,
            buyer_name: buyer.into(),
            id_number: id.into(),
        })
        .unwrap();
    t.pay(&c, vec![cash("100")]).unwrap();
    c
}

struct Rx<'a> {
    date: &'a str,
    drug: &'a str,
    doctor: &'a str,
    patient: &'a str,
    member: Option<pos_core::ids::MemberId>,
}

fn sell_rx(t: &Till, rx: Rx<'_>) -> Cart {
    on(t, rx.date);
    t.login("1001", "1111");
    let c = t.cart();
    let c = t.scan(&c, rx.drug, 1).unwrap();
    if let Some(m) = rx.member {
        t.attach(&c, m);
    }
    prescribe(t, &c, rx.doctor, rx.patient);
    let c = t
        .api
        .call(CartApproveRx {
            cart_id: c.id,
            pharmacist: pharmacist(),
        })
        .unwrap();
    t.pay(&c, vec![cash("200")]).unwrap();
    c
}

fn prescribe(t: &Till, c: &Cart, doctor: &str, patient: &str) -> Cart {
    t.api
        .call(CartSetPrescription {
            cart_id: c.id,
            prescription: PrescriptionInput {
                hospital: "浦东新区人民医院".into(),
                doctor: doctor.into(),
                prescribed_on: "2026-11-20".into(),
                diagnosis: "急性扁桃体炎".into(),
                image_path: None,
            },
        })
        .unwrap();
    t.api
        .call(CartSetRxPatient {
            cart_id: c.id,
            patient: RxPatient {
                name: patient.into(),
                sex: Sex::Female,
                age: 34,
            },
        })
        .unwrap()
}

fn period(from: &str, to: &str) -> EphedrineFilter {
    EphedrineFilter {
        from: from.into(),
        to: to.into(),
        ..Default::default()
    }
}

fn audits(t: &Till, action: &str) -> i64 {
    t.api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_log WHERE action = ?1",
                [action],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

/// The detail table of an exported register CSV: one record per line.
fn csv_detail(path: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 BOM for Excel");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut inside = false;
    for rec in r.records() {
        let rec: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        if rec.len() >= 8 && rec[0] == "时间" && rec[2] == "身份证号" {
            inside = true;
            continue;
        }
        if inside {
            if rec.len() < 8 {
                break;
            }
            rows.push(rec);
        }
    }
    rows
}

#[test]
fn the_ephedrine_export_equals_the_sales_of_the_period_across_its_boundaries() {
    let t = cashier();
    let a = id_no("11010519491231002");
    let b = id_no("31011519800101123");
    // Before, inside (both ends, across a month end) and after the period 11-30 .. 12-01.
    sell_ephedrine(&t, "2026-11-29", "张三", &a, &[(CONTAC, 2)]);
    sell_ephedrine(&t, "2026-11-30", "张三", &a, &[(CONTAC, 1), (BAIJIAHEI, 1)]);
    sell_ephedrine(&t, "2026-11-30", "李四", &b, &[(BAIJIAHEI, 2)]);
    sell_ephedrine(&t, "2026-12-01", "李四", &b, &[(CONTAC, 1)]);
    sell_ephedrine(&t, "2026-12-02", "张三", &a, &[(BAIJIAHEI, 1)]);
    // A sale with no ephedrine line in the period adds nothing.
    on(&t, "2026-12-01");
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    t.pay(&c, vec![cash("10")]).unwrap();

    t.login("2001", "2222");
    let saved = t
        .api
        .call(EphedrineRegisterExport {
            filter: period("2026-11-30", "2026-12-01"),
            format: ReportExportFormat::Csv,
        })
        .unwrap();
    let rows = csv_detail(&saved.path);
    let mut exported: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in &rows {
        let e = exported.entry(r[3].clone()).or_default();
        e.0 += 1;
        e.1 += r[6].parse::<i64>().unwrap();
    }
    let sold: BTreeMap<String, (i64, i64)> = t
        .api
        .store()
        .read(|c| {
            let mut st = c.prepare(
                "SELECT l.name, count(*), sum(l.quantity) FROM sale_line l JOIN sale s ON s.id = l.sale_id
                 WHERE l.ephedrine = 1 AND s.business_date BETWEEN '2026-11-30' AND '2026-12-01'
                 GROUP BY l.name",
            )?;
            let m = st
                .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(m)
        })
        .unwrap();
    assert_eq!(exported, sold);
    assert_eq!(rows.len(), 4, "lines of 11-30 and 12-01 only");
    // Whole ID numbers in the export, oldest first, and one audit entry for it.
    assert!(rows[0][0].starts_with("2026-11-30"), "{rows:?}");
    assert!(rows[3][0].starts_with("2026-12-01"), "{rows:?}");
    assert_eq!(rows.iter().filter(|r| r[2] == a).count(), 2);
    assert_eq!(rows.iter().filter(|r| r[2] == b).count(), 2);
    assert_eq!(audits(&t, "register.export"), 1);
    // The print has the same lines and totals as the export (XLSX and PDF need the renderer:
    // pos-receipt's tests); here without one it is refused, and nothing is audited as printed.
    let e = t
        .api
        .call(EphedrineRegisterPrint {
            filter: period("2026-11-30", "2026-12-01"),
            save_only: true,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::DocumentUnavailable);
}

#[test]
fn a_repeat_buyer_is_flagged_at_the_threshold_and_not_below() {
    let t = cashier();
    let a = id_no("11010519491231002");
    let b = id_no("31011519800101123");
    sell_ephedrine(&t, "2026-11-01", "张三", &a, &[(CONTAC, 1)]);
    sell_ephedrine(&t, "2026-11-10", "张三", &a, &[(CONTAC, 1)]);
    sell_ephedrine(&t, "2026-11-20", "张三", &a, &[(BAIJIAHEI, 2)]);
    // 11-20 .. 12-20: only the 11-20 purchase is within 30 days of 12-20.
    sell_ephedrine(&t, "2026-12-20", "张三", &a, &[(CONTAC, 1)]);
    sell_ephedrine(&t, "2026-11-20", "李四", &b, &[(CONTAC, 1)]);

    t.login("3001", "3333");
    let flags = |t: &Till| -> Vec<(String, String, u32, bool)> {
        let mut rows: Vec<_> = t
            .api
            .call(EphedrineRegisterSearch {
                filter: period("2026-11-01", "2026-12-31"),
            })
            .unwrap()
            .rows
            .into_iter()
            .map(|r| {
                (
                    r.business_date,
                    r.buyer_name,
                    r.purchases_in_window,
                    r.repeat,
                )
            })
            .collect();
        rows.sort();
        rows
    };
    // Default: a second purchase within 30 days is a repeat.
    assert_eq!(
        flags(&t),
        vec![
            ("2026-11-01".into(), "张三".into(), 1, false),
            ("2026-11-10".into(), "张三".into(), 2, true),
            ("2026-11-20".into(), "张三".into(), 3, true),
            ("2026-11-20".into(), "李四".into(), 1, false),
            ("2026-12-20".into(), "张三".into(), 2, true),
        ]
    );
    // The threshold is a setting: 3 purchases within 30 days.
    let mut s = t.api.call(RegisterSettingsGet {}).unwrap();
    assert_eq!((s.repeat_min_purchases, s.repeat_window_days), (2, 30));
    s.repeat_min_purchases = 3;
    t.api.call(RegisterSettingsUpdate { settings: s }).unwrap();
    let f = flags(&t);
    assert_eq!(
        f.iter().map(|r| r.3).collect::<Vec<_>>(),
        vec![false, false, true, false, false],
        "fires at the 3rd purchase, not at the 2nd: {f:?}"
    );
    // A cashier may not change it.
    t.login("1001", "1111");
    let e = t
        .api
        .call(RegisterSettingsUpdate {
            settings: RegisterSettings {
                scanner_dir: None,
                repeat_min_purchases: 2,
                repeat_window_days: 30,
            },
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

#[test]
fn id_numbers_are_masked_in_lists_and_whole_on_an_audited_reveal() {
    let t = cashier();
    let a = id_no("11010519491231002");
    sell_ephedrine(&t, "2026-11-23", "张三", &a, &[(CONTAC, 2)]);
    sell_ephedrine(
        &t,
        "2026-11-24",
        "王五",
        &id_no("44030619900615301"),
        &[(CONTAC, 1)],
    );

    t.login("2001", "2222");
    let page = t
        .api
        .call(EphedrineRegisterSearch {
            filter: period("2026-11-01", "2026-11-30"),
        })
        .unwrap();
    assert_eq!(page.total, 2);
    let json = serde_json::to_string(&page).unwrap();
    assert!(!json.contains(&a), "no whole ID number in a list");
    let row = page.rows.iter().find(|r| r.buyer_name == "张三").unwrap();
    assert_eq!(row.id_masked, format!("{}********{}", &a[..6], &a[14..]));
    assert_eq!((row.drug.as_str(), row.quantity), ("新康泰克", 2));
    assert!(row.batch_no.is_some());
    assert_eq!(row.staff_name.as_deref(), Some("王晓燕"));

    // Search by buyer, by the whole ID and by its last 4 digits.
    for filter in [
        EphedrineFilter {
            buyer: Some("张".into()),
            ..period("2026-11-01", "2026-11-30")
        },
        EphedrineFilter {
            id_number: Some(a.to_lowercase()),
            ..period("2026-11-01", "2026-11-30")
        },
        EphedrineFilter {
            id_number: Some(a[14..].into()),
            ..period("2026-11-01", "2026-11-30")
        },
    ] {
        let p = t.api.call(EphedrineRegisterSearch { filter }).unwrap();
        assert_eq!(
            p.rows
                .iter()
                .map(|r| r.buyer_name.as_str())
                .collect::<Vec<_>>(),
            ["张三"]
        );
    }
    // A period without the lines.
    assert_eq!(
        t.api
            .call(EphedrineRegisterSearch {
                filter: period("2026-11-24", "2026-11-30"),
            })
            .unwrap()
            .total,
        1
    );

    // The pharmacist reveals one line: whole, audited once per view.
    let before = audits(&t, "ephedrine.reveal");
    let whole = t
        .api
        .call(EphedrineRegisterReveal {
            entry_id: row.id.clone(),
        })
        .unwrap();
    assert_eq!(whole.id_number, a);
    t.login("3001", "3333");
    t.api
        .call(EphedrineRegisterReveal {
            entry_id: row.id.clone(),
        })
        .unwrap();
    assert_eq!(audits(&t, "ephedrine.reveal"), before + 2);
    let e = t
        .api
        .call(EphedrineRegisterReveal {
            entry_id: "nope".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::RegisterEntryNotFound);

    // A cashier is refused every register command, with a stable code, each attempt logged.
    t.login("1001", "1111");
    let denied = audits(&t, "register.denied");
    let codes = [
        t.api
            .call(EphedrineRegisterSearch {
                filter: period("2026-11-01", "2026-11-30"),
            })
            .unwrap_err(),
        t.api
            .call(EphedrineRegisterReveal {
                entry_id: row.id.clone(),
            })
            .unwrap_err(),
        t.api
            .call(EphedrineRegisterExport {
                filter: period("2026-11-01", "2026-11-30"),
                format: ReportExportFormat::Csv,
            })
            .unwrap_err(),
        t.api
            .call(EphedrineRegisterPrint {
                filter: period("2026-11-01", "2026-11-30"),
                save_only: true,
            })
            .unwrap_err(),
        t.api
            .call(PrescriptionRegisterSearch {
                filter: PrescriptionFilter {
                    from: "2026-11-01".into(),
                    to: "2026-11-30".into(),
                    ..Default::default()
                },
            })
            .unwrap_err(),
    ];
    for e in &codes {
        assert_eq!(e.code, ErrorCode::RegisterForbidden, "{e}");
        assert!(e.message.contains("药师"));
    }
    assert_eq!(audits(&t, "register.denied"), denied + codes.len() as i64);
    assert_eq!(
        audits(&t, "ephedrine.reveal"),
        before + 2,
        "nothing revealed"
    );
    // The denial names who tried.
    let who: String = t
        .api
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT s.staff_no FROM audit_log a JOIN staff s ON s.id = a.staff_id
                 WHERE a.action = 'register.denied' ORDER BY a.seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(who, "1001");
}

#[test]
fn the_prescription_register_is_searched_by_period_member_drug_and_doctor() {
    let t = cashier();
    let member = t.member("13912345678", "赵敏");
    sell_rx(
        &t,
        Rx {
            date: "2026-11-21",
            drug: AMOXICILLIN,
            doctor: "刘医生",
            patient: "赵敏",
            member: Some(member),
        },
    );
    sell_rx(
        &t,
        Rx {
            date: "2026-11-22",
            drug: "6931257046678", // 头孢克肟分散片
            doctor: "陈医生",
            patient: "周芷若",
            member: None,
        },
    );
    sell_rx(
        &t,
        Rx {
            date: "2026-11-25",
            drug: AMOXICILLIN,
            doctor: "陈医生",
            patient: "张无忌",
            member: None,
        },
    );
    t.login("2001", "2222");
    let search = |f: PrescriptionFilter| -> Vec<String> {
        t.api
            .call(PrescriptionRegisterSearch { filter: f })
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.patient_name)
            .collect()
    };
    let all = || PrescriptionFilter {
        from: "2026-11-01".into(),
        to: "2026-11-30".into(),
        ..Default::default()
    };
    assert_eq!(search(all()), ["张无忌", "周芷若", "赵敏"], "newest first");
    assert_eq!(
        search(PrescriptionFilter {
            from: "2026-11-22".into(),
            to: "2026-11-24".into(),
            ..all()
        }),
        ["周芷若"]
    );
    for member in ["13912345678", "5678", "赵"] {
        assert_eq!(
            search(PrescriptionFilter {
                member: Some(member.into()),
                ..all()
            }),
            ["赵敏"],
            "member {member}"
        );
    }
    assert_eq!(
        search(PrescriptionFilter {
            member: Some("无忌".into()),
            ..all()
        }),
        ["张无忌"],
        "the patient's name"
    );
    assert_eq!(
        search(PrescriptionFilter {
            drug: Some("阿莫西林".into()),
            ..all()
        }),
        ["张无忌", "赵敏"]
    );
    assert_eq!(
        search(PrescriptionFilter {
            drug: Some("6931257046678".into()),
            ..all()
        }),
        ["周芷若"]
    );
    assert_eq!(
        search(PrescriptionFilter {
            doctor: Some("陈".into()),
            ..all()
        }),
        ["张无忌", "周芷若"]
    );
    // A doctor typed as a LIKE pattern matches literally.
    assert!(search(PrescriptionFilter {
        doctor: Some("%".into()),
        ..all()
    })
    .is_empty());
    // Paged.
    let p = t
        .api
        .call(PrescriptionRegisterSearch {
            filter: PrescriptionFilter {
                page: 1,
                page_size: Some(2),
                ..all()
            },
        })
        .unwrap();
    assert_eq!((p.total, p.rows.len()), (3, 1));
    let r = &p.rows[0];
    assert_eq!(
        (
            r.patient_name.as_str(),
            r.patient_sex,
            r.patient_age,
            r.member_name.as_deref(),
            r.doctor.as_str(),
            r.approved_by_name.as_deref()
        ),
        (
            "赵敏",
            Some(Sex::Female),
            Some(34),
            Some("赵敏"),
            "刘医生",
            Some("李建国")
        )
    );
    assert!(r.drugs.starts_with("阿莫西林"), "{}", r.drugs);
    // The export has every page.
    let saved = t
        .api
        .call(PrescriptionRegisterExport {
            filter: all(),
            format: ReportExportFormat::Csv,
        })
        .unwrap();
    let text = std::fs::read_to_string(&saved.path).unwrap();
    for name in ["赵敏", "周芷若", "张无忌", "刘医生", "急性扁桃体炎"] {
        assert!(text.contains(name), "{name} in the export");
    }
    assert_eq!(audits(&t, "register.export"), 1);
}

/// A tiny but real PNG (1×1), as a scanner would save one.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

#[test]
fn a_prescription_image_is_checked_copied_beside_the_store_and_shown_for_approval() {
    let t = cashier();
    let src = tempfile::tempdir().unwrap();
    let c = t.cart();
    let c = t.scan(&c, AMOXICILLIN, 1).unwrap();
    let photo = src.path().join("IMG_0001.PNG");
    std::fs::write(&photo, PNG).unwrap();
    // No prescription yet: nothing to attach to.
    let e = t
        .api
        .call(CartAttachRxImage {
            cart_id: c.id,
            source_path: photo.to_string_lossy().into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PrescriptionRequired);
    prescribe(&t, &c, "刘医生", "赵敏");

    // Not an image, too large, missing: refused in Chinese, nothing copied.
    let text = src.path().join("note.jpg");
    std::fs::write(&text, "这不是图片").unwrap();
    let big = src.path().join("big.png");
    let f = std::fs::File::create(&big).unwrap();
    std::io::Write::write_all(&mut &f, PNG).unwrap();
    f.set_len(11 * 1024 * 1024).unwrap();
    for (path, says) in [
        (&text, "不是图片"),
        (&big, "太大"),
        (&src.path().join("gone.png"), "找不到"),
    ] {
        let e = t
            .api
            .call(CartAttachRxImage {
                cart_id: c.id,
                source_path: path.to_string_lossy().into(),
            })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::PrescriptionImageInvalid);
        assert!(e.message.contains(says), "{}", e.message);
    }
    let dir = t.dir.path().join("prescriptions");
    assert!(!dir.join(format!("{}.png", c.id)).exists());

    let c = t
        .api
        .call(CartAttachRxImage {
            cart_id: c.id,
            source_path: photo.to_string_lossy().into(),
        })
        .unwrap();
    let copy = dir.join(format!("{}.png", c.id));
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        PNG,
        "a copy beside the store file"
    );
    assert_eq!(
        c.gates.prescription.as_ref().unwrap().image_path.as_deref(),
        Some(copy.to_string_lossy().as_ref())
    );
    // The scanner's file can go: the record keeps its copy.
    std::fs::remove_file(&photo).unwrap();

    // What the pharmacist reviews: the patient, the details, the image, the Rx lines.
    let review = t.api.call(CartRxReview { cart_id: c.id }).unwrap();
    assert_eq!(
        review.patient,
        Some(RxPatient {
            name: "赵敏".into(),
            sex: Sex::Female,
            age: 34
        })
    );
    assert_eq!(
        (review.hospital.as_str(), review.doctor.as_str()),
        ("浦东新区人民医院", "刘医生")
    );
    assert!(review
        .image_data_url
        .as_deref()
        .unwrap()
        .starts_with("data:image/png;base64,iVBORw0KGgo"));
    assert_eq!(review.rx_lines.len(), 1);
    assert!(review.rx_lines[0].starts_with("阿莫西林胶囊"));

    // A patient changed after approval needs approval again.
    let c = t
        .api
        .call(CartApproveRx {
            cart_id: c.id,
            pharmacist: pharmacist(),
        })
        .unwrap();
    assert!(c.gates.rx_approved);
    let c = t
        .api
        .call(CartSetRxPatient {
            cart_id: c.id,
            patient: RxPatient {
                name: "赵敏".into(),
                sex: Sex::Female,
                age: 35,
            },
        })
        .unwrap();
    assert!(!c.gates.rx_approved);
    let e = t
        .api
        .call(CartSetRxPatient {
            cart_id: c.id,
            patient: RxPatient {
                name: " ".into(),
                sex: Sex::Male,
                age: 3,
            },
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
    let c = t
        .api
        .call(CartApproveRx {
            cart_id: c.id,
            pharmacist: pharmacist(),
        })
        .unwrap();
    t.pay(&c, vec![cash("20")]).unwrap();
    // The sale's record has the patient and the copied image.
    let (name, age, image): (String, u32, String) = t
        .api
        .store()
        .read(|db| {
            Ok(db.query_row(
                "SELECT patient_name, patient_age, image_path FROM prescription WHERE sale_id = ?1",
                [c.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!((name.as_str(), age), ("赵敏", 35));
    assert_eq!(image, copy.to_string_lossy());
}

#[test]
fn the_scanner_folder_offers_its_newest_images() {
    let t = cashier();
    let scans = tempfile::tempdir().unwrap();
    assert_eq!(t.api.call(RxScannerImages {}).unwrap().dir, None);
    let base = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_000_000);
    for (i, name) in ["scan-1.png", "scan-2.png", "readme.txt", "scan-3.png"]
        .iter()
        .enumerate()
    {
        let p = scans.path().join(name);
        if name.ends_with(".txt") {
            std::fs::write(&p, "扫描仪说明").unwrap();
        } else {
            std::fs::write(&p, PNG).unwrap();
        }
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(base + std::time::Duration::from_secs(60 * i as u64))
            .unwrap();
    }
    t.login("3001", "3333");
    let e = t
        .api
        .call(RegisterSettingsUpdate {
            settings: RegisterSettings {
                scanner_dir: Some("/no/such/folder".into()),
                repeat_min_purchases: 2,
                repeat_window_days: 30,
            },
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
    t.api
        .call(RegisterSettingsUpdate {
            settings: RegisterSettings {
                scanner_dir: Some(scans.path().to_string_lossy().into()),
                repeat_min_purchases: 2,
                repeat_window_days: 30,
            },
        })
        .unwrap();
    t.login("1001", "1111");
    let folder = t.api.call(RxScannerImages {}).unwrap();
    assert_eq!(
        folder
            .images
            .iter()
            .map(|i| i.file_name.as_str())
            .collect::<Vec<_>>(),
        ["scan-3.png", "scan-2.png", "scan-1.png"],
        "newest first, images only"
    );
    assert_eq!(folder.images[0].bytes, PNG.len() as u64);
}

#[test]
fn registers_are_kept_two_years_whatever_housekeeping_or_a_statement_does() {
    let t = cashier();
    let a = id_no("11010519491231002");
    let rx = sell_rx(
        &t,
        Rx {
            date: "2026-11-23",
            drug: AMOXICILLIN,
            doctor: "刘医生",
            patient: "赵敏",
            member: None,
        },
    );
    sell_ephedrine(&t, "2026-11-23", "张三", &a, &[(CONTAC, 1)]);
    let count = |t: &Till| {
        (
            t.count("SELECT count(*) FROM prescription"),
            t.count("SELECT count(*) FROM ephedrine_register"),
        )
    };
    let delete = |t: &Till| {
        t.api.store().write(|tx| {
            tx.execute("DELETE FROM prescription WHERE sale_id = ?1", [rx.id])?;
            tx.execute("DELETE FROM ephedrine_register", [])?;
            Ok(())
        })
    };
    // New stock of paracetamol for the sales two years on.
    t.api
        .store()
        .write(|tx| {
            tx.execute(
                "INSERT INTO product_batch (product_id, batch_no, expires_on, received_at)
                 SELECT id, 'B2030', '2030-12-31', '2026-11-23T02:00:00.000Z' FROM product
                 WHERE barcode = ?1",
                [PARACETAMOL],
            )?;
            Ok(())
        })
        .unwrap();
    // Housekeeping nearly two years on, with a sale that day: nothing of the registers goes.
    on(&t, "2028-11-20");
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    t.pay(&c, vec![cash("10")]).unwrap();
    t.login("3001", "3333");
    t.api.call(HousekeepingRun {}).unwrap();
    assert_eq!(count(&t), (1, 1));
    // Nor can any statement delete them or change a register line.
    let e = delete(&t).unwrap_err();
    assert!(e.message.contains("至少保存 2 年"), "{}", e.message);
    assert_eq!(count(&t), (1, 1));
    let e = t
        .api
        .store()
        .write(|tx| Ok(tx.execute("UPDATE ephedrine_register SET quantity = 9", [])?))
        .unwrap_err();
    assert!(e.message.contains("不能修改"), "{}", e.message);
    // Two years after its sale, a record may go (the guard is 2 years, not forever).
    on(&t, "2028-11-24");
    t.login("1001", "1111");
    let c = t.cart();
    let c = t.scan(&c, PARACETAMOL, 1).unwrap();
    t.pay(&c, vec![cash("10")]).unwrap();
    delete(&t).unwrap();
    assert_eq!(count(&t), (0, 0));
}
