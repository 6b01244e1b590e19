//! Locking the till (Ctrl+L): while locked the core refuses everything but unlocking, only the
//! logged-in staff member's own PIN unlocks it, wrong PINs count like a login's, and the sale on
//! screen survives the lock.

mod common;

use chrono::Duration;
use common::Till;
use pos_core::api::*;
use pos_core::ErrorCode;

const PARACETAMOL: &str = "6914624021096";

fn unlock(t: &Till, pin: &str) -> Result<pos_core::staff::Session, pos_core::error::PosError> {
    t.api.call(SessionUnlock { pin: pin.into() })
}

fn locked(t: &Till) -> bool {
    t.api.call(CurrentSession {}).unwrap().unwrap().locked
}

#[test]
fn the_cashiers_own_pin_unlocks_and_the_sale_survives() {
    let t = Till::demo();
    t.login("1001", "1111");
    let cart = t.api.call(CartOpen {}).unwrap();
    let cart = t
        .api
        .call(CartScan {
            cart_id: cart.id,
            barcode: PARACETAMOL.into(),
            quantity: None,
        })
        .unwrap();
    assert_eq!(cart.lines.len(), 1);

    let session = t.api.call(SessionLock {}).unwrap();
    assert!(session.locked);
    assert!(locked(&t), "a window that reloads finds the till locked");

    // Nothing sells behind the lock.
    let e = t
        .api
        .call(CartScan {
            cart_id: cart.id,
            barcode: PARACETAMOL.into(),
            quantity: None,
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SessionLocked);
    assert!(e.message.contains("王晓燕"), "{}", e.message);
    assert_eq!(
        t.api.call(CartGet { cart_id: cart.id }).unwrap_err().code,
        ErrorCode::SessionLocked
    );
    // Locking twice is harmless.
    assert!(t.api.call(SessionLock {}).unwrap().locked);

    let session = unlock(&t, "1111").unwrap();
    assert!(!session.locked);
    assert_eq!(session.staff.staff_no, "1001");
    assert!(!locked(&t));
    let again = t.api.call(CartOpen {}).unwrap();
    assert_eq!(again.id, cart.id, "the same sale is still open");
    assert_eq!(again.lines.len(), 1);
    assert_eq!(again.lines[0].barcode, PARACETAMOL);
    assert_eq!(
        t.count("SELECT count(*) FROM audit_log WHERE action = 'login' AND detail LIKE '%\"unlock\":true%' AND detail LIKE '%\"outcome\":\"ok\"%'"),
        1,
        "the unlock is in the audit log"
    );
}

#[test]
fn a_wrong_pin_is_refused_with_a_stable_code_and_counted() {
    let t = Till::demo();
    t.login("1001", "1111");
    t.api.call(SessionLock {}).unwrap();
    let e = unlock(&t, "9999").unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPin);
    assert_eq!(
        e.message,
        "PIN 不正确，还可再试 4 次；只有王晓燕本人的 PIN 能解锁"
    );
    assert_eq!(e.details.as_ref().unwrap()["tries_left"], 4);
    assert!(locked(&t), "still locked");
    assert_eq!(
        t.count("SELECT count(*) FROM login_log WHERE staff_no = '1001' AND outcome = 'wrong_pin'"),
        1
    );
}

#[test]
fn another_staff_members_pin_does_not_unlock() {
    let t = Till::demo();
    t.login("1001", "1111");
    t.api.call(SessionLock {}).unwrap();
    // The pharmacist's and the manager's own PINs: right for them, wrong for this till's cashier.
    for pin in ["2222", "3333"] {
        let e = unlock(&t, pin).unwrap_err();
        assert_eq!(e.code, ErrorCode::WrongPin, "PIN {pin}");
        assert!(locked(&t));
    }
    let me = t.api.call(CurrentSession {}).unwrap().unwrap();
    assert_eq!(
        me.staff.staff_no, "1001",
        "nobody else took the session over"
    );
    unlock(&t, "1111").unwrap();
}

#[test]
fn five_wrong_pins_lock_the_account_as_a_login_would() {
    let t = Till::demo();
    t.login("1001", "1111");
    t.api.call(SessionLock {}).unwrap();
    for _ in 0..4 {
        assert_eq!(unlock(&t, "0000").unwrap_err().code, ErrorCode::WrongPin);
    }
    assert_eq!(
        unlock(&t, "0000").unwrap_err().code,
        ErrorCode::AccountLocked
    );
    assert_eq!(
        unlock(&t, "1111").unwrap_err().code,
        ErrorCode::AccountLocked,
        "the right PIN waits out the lockout too"
    );
    // The same count as the login screen's.
    assert_eq!(
        t.count("SELECT count(*) FROM login_log WHERE staff_no = '1001' AND outcome = 'wrong_pin'"),
        5
    );
    assert_eq!(
        t.count("SELECT count(*) FROM login_log WHERE staff_no = '1001' AND outcome = 'locked'"),
        1
    );
    t.clock.advance(Duration::minutes(5) + Duration::seconds(1));
    assert!(locked(&t));
    assert!(!unlock(&t, "1111").unwrap().locked);
}

#[test]
fn nobody_logs_out_or_in_over_the_lock() {
    let t = Till::demo();
    assert_eq!(
        t.api.call(SessionLock {}).unwrap_err().code,
        ErrorCode::NotLoggedIn
    );
    assert_eq!(unlock(&t, "1111").unwrap_err().code, ErrorCode::NotLoggedIn);
    t.login("1001", "1111");
    t.api.call(SessionLock {}).unwrap();
    assert_eq!(
        t.api.call(Logout {}).unwrap_err().code,
        ErrorCode::SessionLocked
    );
    let e = t
        .api
        .call(Login {
            staff_no: "2001".into(),
            pin: "2222".into(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SessionLocked);
    assert_eq!(
        t.api
            .call(CurrentSession {})
            .unwrap()
            .unwrap()
            .staff
            .staff_no,
        "1001"
    );
    unlock(&t, "1111").unwrap();
    t.api.call(Logout {}).unwrap();
    t.login("2001", "2222");
    assert!(!locked(&t), "a new login starts unlocked");
}
