//! Staff scenarios: first run, login, lockout, roles enforced in the core, PIN change.

mod common;

use chrono::Duration;
use common::Till;
use pos_core::api::*;
use pos_core::staff::Role;
use pos_core::ErrorCode;

#[test]
fn first_run_creates_the_first_manager_once() {
    let t = Till::empty();
    assert!(t.api.call(SetupStatusArgs {}).unwrap().needs_first_manager);
    let m = t
        .api
        .call(CreateFirstManager {
            staff_no: "9001".into(),
            name: "店长".into(),
            pin: "123456".into(),
        })
        .unwrap();
    assert!(m.roles.contains(&Role::Manager));
    assert!(!t.api.call(SetupStatusArgs {}).unwrap().needs_first_manager);
    let again = t
        .api
        .call(CreateFirstManager {
            staff_no: "9002".into(),
            name: "x".into(),
            pin: "123456".into(),
        })
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::SetupAlreadyDone);
    t.login("9001", "123456");
}

#[test]
fn wrong_pin_is_refused_in_chinese_and_counted() {
    let t = Till::demo();
    let e = t
        .api
        .call(Login {
            staff_no: "1001".into(),
            pin: "9999".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPin);
    assert_eq!(e.message, "工号或 PIN 不正确，还可再试 4 次");
    let e = t
        .api
        .call(Login {
            staff_no: "nobody".into(),
            pin: "1111".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPin);
    assert_eq!(
        t.count("SELECT count(*) FROM login_log WHERE outcome = 'wrong_pin'"),
        1
    );
    assert!(t.api.call(CurrentSession {}).unwrap().is_none());
}

#[test]
fn five_wrong_pins_lock_for_five_minutes() {
    let t = Till::demo();
    for _ in 0..5 {
        let _ = t.api.call(Login {
            staff_no: "1001".into(),
            pin: "0000".into(),
        });
    }
    let e = t
        .api
        .call(Login {
            staff_no: "1001".into(),
            pin: "1111".into(),
        })
        .unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::AccountLocked,
        "right PIN while locked is still refused"
    );
    assert!(e.message.contains("5 分钟"), "{}", e.message);
    t.clock.advance(Duration::minutes(4));
    let e = t
        .api
        .call(Login {
            staff_no: "1001".into(),
            pin: "1111".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AccountLocked);
    t.clock.advance(Duration::seconds(61));
    t.login("1001", "1111");
}

#[test]
fn a_right_pin_resets_the_count() {
    let t = Till::demo();
    for _ in 0..4 {
        let _ = t.api.call(Login {
            staff_no: "1001".into(),
            pin: "0000".into(),
        });
    }
    t.login("1001", "1111");
    for _ in 0..4 {
        let _ = t.api.call(Login {
            staff_no: "1001".into(),
            pin: "0000".into(),
        });
    }
    t.login("1001", "1111");
}

#[test]
fn roles_are_checked_in_the_core() {
    let t = Till::demo();
    let e = t.api.call(SettingsGet {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotLoggedIn);

    t.login("1001", "1111");
    let e = t
        .api
        .call(SettingsUpdate {
            name: "x".into(),
            address: String::new(),
            phone: String::new(),
            licence_no: String::new(),
            store_code: String::new(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("店长"));
    assert_eq!(
        t.api.call(StaffList {}).unwrap_err().code,
        ErrorCode::Forbidden
    );

    t.api.call(Logout {}).unwrap();
    t.login("3001", "3333");
    let s = t
        .api
        .call(SettingsUpdate {
            name: " 康宁大药房（张江店） ".into(),
            address: "上海市浦东新区".into(),
            phone: "021-5888 0000".into(),
            licence_no: "沪AA0210002".into(),
            store_code: "SH002".into(),
        })
        .unwrap();
    assert_eq!(s.name, "康宁大药房（张江店）");
    assert_eq!(t.api.call(SettingsGet {}).unwrap(), s);
    assert_eq!(
        t.count("SELECT count(*) FROM outbox WHERE kind = 'pharmacy_settings.updated@1'"),
        2
    );
}

#[test]
fn settings_refuse_bad_fields() {
    let t = Till::demo();
    t.login("3001", "3333");
    let e = t
        .api
        .call(SettingsUpdate {
            name: "  ".into(),
            address: String::new(),
            phone: String::new(),
            licence_no: String::new(),
            store_code: String::new(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
    let e = t
        .api
        .call(SettingsUpdate {
            name: "药店".into(),
            address: String::new(),
            phone: "abc".into(),
            licence_no: String::new(),
            store_code: String::new(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
}

#[test]
fn manager_creates_staff_and_they_can_log_in() {
    let t = Till::demo();
    t.login("3001", "3333");
    let s = t
        .api
        .call(StaffCreate {
            staff_no: "2002".into(),
            name: "赵药师".into(),
            roles: vec![Role::Pharmacist],
            pin: "5678".into(),
        })
        .unwrap();
    assert_eq!(s.roles, vec![Role::Pharmacist]);
    let dup = t
        .api
        .call(StaffCreate {
            staff_no: "2002".into(),
            name: "x".into(),
            roles: vec![Role::Cashier],
            pin: "5678".into(),
        })
        .unwrap_err();
    assert_eq!(dup.code, ErrorCode::DuplicateStaffNo);
    for (pin, code) in [
        ("12", ErrorCode::InvalidPin),
        ("12a4", ErrorCode::InvalidPin),
        ("123456789", ErrorCode::InvalidPin),
    ] {
        let e = t
            .api
            .call(StaffCreate {
                staff_no: "2003".into(),
                name: "x".into(),
                roles: vec![Role::Cashier],
                pin: pin.into(),
            })
            .unwrap_err();
        assert_eq!(e.code, code, "{pin}");
    }
    let e = t
        .api
        .call(StaffCreate {
            staff_no: "2003".into(),
            name: "x".into(),
            roles: vec![],
            pin: "1234".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidField);
    assert_eq!(t.api.call(StaffList {}).unwrap().len(), 4);
    t.login("2002", "5678");
}

#[test]
fn change_pin_needs_the_old_one() {
    let t = Till::demo();
    t.login("1001", "1111");
    let e = t
        .api
        .call(ChangePin {
            old_pin: "0000".into(),
            new_pin: "4321".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPin);
    t.api
        .call(ChangePin {
            old_pin: "1111".into(),
            new_pin: "4321".into(),
        })
        .unwrap();
    t.api.call(Logout {}).unwrap();
    assert_eq!(
        t.api
            .call(Login {
                staff_no: "1001".into(),
                pin: "1111".into()
            })
            .unwrap_err()
            .code,
        ErrorCode::WrongPin
    );
    t.login("1001", "4321");
}
