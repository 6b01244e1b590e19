//! End-to-end tests of the real desktop app: tauri-driver + WebKitWebDriver drive the built
//! `pharmapos-desktop` binary under Xvfb (scripts/test.sh runs `cargo test` inside `xvfb-run`).
//! Each test starts its own app on its own demo store file and its own driver ports.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};

const AMOXICILLIN: &str = "6907462053312"; // 阿莫西林胶囊 12.80, Rx, 青霉素类
const PARACETAMOL: &str = "6914624021096"; // 对乙酰氨基酚片 3.50
const GANMAOLING: &str = "6939668066407"; // 感冒灵颗粒 15.80
const CONTAC: &str = "6906988033655"; // 新康泰克 19.80, contains pseudoephedrine
const MEMBER_PHONE: &str = "13912345678";
const MEMBER_PHONE_MASKED: &str = "139****5678";
const MEMBER_NAME: &str = "张伟";

/// tauri-driver plus the app it launches; stopped with SIGTERM so WebKitWebDriver goes too.
struct Driver {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, never SIGKILL: a killed tauri-driver orphans WebKitWebDriver (BUILD-NOTES.md).
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return p.into();
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cargo_bin = home.join(".cargo/bin/tauri-driver");
    if cargo_bin.exists() {
        cargo_bin
    } else {
        PathBuf::from("tauri-driver")
    }
}

fn start_driver() -> Driver {
    start_driver_on(true)
}

/// `seed_demo`: fill the new store file with the demo pharmacy; otherwise it starts empty.
fn start_driver_on(seed_demo: bool) -> Driver {
    start_driver_with(seed_demo, |_| {})
}

/// `start_driver_on`, after `prepare` has had the store file (path) to itself.
fn start_driver_with(seed_demo: bool, prepare: impl FnOnce(&std::path::Path)) -> Driver {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the end-to-end tests through scripts/test.sh (it uses xvfb-run)"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    prepare(&dir.path().join("till.sqlite"));
    // CUPS at the process edge: a stand-in `lpstat` that knows one receipt printer.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        let lpstat = bin.join("lpstat");
        std::fs::write(&lpstat, "#!/bin/sh\necho XP-80C\n").unwrap();
        std::fs::set_permissions(&lpstat, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let port = free_port();
    let native = free_port();
    let mut command = Command::new(tauri_driver());
    command
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .env("PHARMAPOS_DB", dir.path().join("till.sqlite"))
        // WebKit keeps localStorage (the chosen language) under XDG_DATA_HOME: a scenario of its
        // own starts in Chinese whatever an earlier, failed scenario left behind.
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("PATH", path)
        .env_remove("PHARMAPOS_SEED_DEMO");
    if seed_demo {
        command.env("PHARMAPOS_SEED_DEMO", "1");
    }
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("tauri-driver not found: run scripts/install-deps.sh");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "tauri-driver did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver {
        child,
        port,
        _dir: dir,
    }
}

/// One app at a time: two WebKit apps starting together on 2 cores made session requests fail.
static ONE_APP_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs one end-to-end scenario on its own runtime, one scenario at a time.
fn scenario<F: std::future::Future<Output = ()>>(f: impl FnOnce() -> F) {
    let _turn = ONE_APP_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f());
}

async fn connect(driver: &Driver) -> Client {
    // The driver may still be starting WebKitWebDriver: retry a refused or reset request.
    for attempt in 1..=3 {
        match try_connect(driver).await {
            Ok(c) => return c,
            Err(e) if attempt < 3 => {
                eprintln!("WebDriver session attempt {attempt} failed: {e}; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => panic!("WebDriver session: {e}"),
        }
    }
    unreachable!()
}

async fn try_connect(driver: &Driver) -> Result<Client, String> {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": env!("CARGO_BIN_EXE_pharmapos-desktop") }),
    );
    let url = format!("http://127.0.0.1:{}", driver.port);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    tokio::time::timeout(
        Duration::from_secs(60),
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&url),
    )
    .await
    .map_err(|_| "no session within 60 s".to_owned())?
    .map_err(|e| e.to_string())
}

async fn wait_for(c: &Client, testid: &str) -> fantoccini::elements::Element {
    match c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!("[data-testid='{testid}']")))
        .await
    {
        Ok(element) => element,
        Err(e) => {
            // What the screen showed instead, for whoever reads the failure.
            let shot = format!("failed-{testid}.png");
            screenshot(c, &shot).await;
            panic!("[data-testid='{testid}'] never appeared (see screenshots/{shot}): {e}")
        }
    }
}

async fn count(c: &Client, testid: &str) -> usize {
    let css = format!("[data-testid='{testid}']");
    // A re-render may replace the elements while the driver lists them (WebKit's driver then
    // answers StaleElementReference, as a closing dialog did in CI): list them again.
    for _ in 0..50 {
        match c.find_all(Locator::Css(&css)).await {
            Ok(found) => return found.len(),
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    c.find_all(Locator::Css(&css)).await.unwrap().len()
}

async fn wait_count(c: &Client, testid: &str, want: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = count(c, testid).await;
        if n == want {
            return;
        }
        if Instant::now() >= deadline {
            let shot = format!("failed-count-{testid}.png");
            screenshot(c, &shot).await;
            panic!("{testid}: {n} elements, wanted {want} (see screenshots/{shot})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn screenshot(c: &Client, name: &str) {
    tokio::time::sleep(Duration::from_millis(150)).await;
    // On a busy machine the snapshot can show an older frame: wait until two frames have
    // been painted since the last change.
    let _ = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             requestAnimationFrame(() => requestAnimationFrame(() => done(null)));",
            vec![],
        )
        .await;
    let png = c.screenshot().await.unwrap();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// Replaces whatever the field holds (the login screen may prefill the staff number) with `text`.
async fn fill(c: &Client, testid: &str, text: &str) {
    let field = wait_for(c, testid).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// `fill` for digits (staff numbers, PINs, amounts, ID numbers): typed at WebDriver speed they
/// look like a scanner burst that would carry on into the next field, so `End` ends the burst
/// the way any non-digit key does, and the digits land in this field.
async fn fill_digits(c: &Client, testid: &str, digits: &str) {
    let field = wait_for(c, testid).await;
    field.clear().await.unwrap();
    field
        .send_keys(&format!("{digits}{}", char::from(Key::End)))
        .await
        .unwrap();
}

async fn click(c: &Client, testid: &str) {
    wait_for(c, testid).await.click().await.unwrap();
}

async fn login(c: &Client, staff_no: &str, pin: &str) {
    fill(c, "login-staff-no", staff_no).await;
    fill(c, "login-pin", pin).await;
    click(c, "login-submit").await;
}

/// What a keyboard-wedge scanner does: the digits and Enter in one burst, no pauses.
async fn scan(input: &fantoccini::elements::Element, barcode: &str) {
    input
        .send_keys(&format!("{barcode}\u{E007}"))
        .await
        .unwrap();
}

/// Polls `attr` of the element until it equals `want` (10 s at most); returns the last value.
async fn wait_attr(c: &Client, testid: &str, attr: &str, want: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // The element may be replaced while we look (a re-render): look again.
        let value = wait_for(c, testid).await.attr(attr).await.unwrap_or(None);
        if value.as_deref() == Some(want) || Instant::now() > deadline {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn cashier_scans_two_barcodes_at_scanner_speed() {
    scenario(cashier_scans_two_barcodes);
}

async fn cashier_scans_two_barcodes() {
    let driver = start_driver();
    let c = connect(&driver).await;
    wait_for(&c, "login-demo").await;
    screenshot(&c, "login.png").await;
    login(&c, "1001", "1111").await;

    let input = wait_for(&c, "scan-input").await;
    scan(&input, AMOXICILLIN).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 2).await;
    scan(&input, AMOXICILLIN).await;
    let total = wait_attr(&c, "cart-total", "data-amount", "29.10").await;
    screenshot(&c, "cashier.png").await;
    assert_eq!(total.as_deref(), Some("29.10"), "12.80 × 2 + 3.50");
    let lines = c
        .find_all(Locator::Css("[data-testid='cart-line']"))
        .await
        .unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0].attr("data-barcode").await.unwrap().as_deref(),
        Some(AMOXICILLIN)
    );
    let first = lines[0]
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(first.contains("阿莫西林"), "first line reads {first:?}");
    assert_eq!(
        lines[1].attr("data-barcode").await.unwrap().as_deref(),
        Some(PARACETAMOL)
    );
    let qty = lines[0]
        .find(Locator::Css("[data-testid='cart-line-qty']"))
        .await
        .unwrap()
        .attr("data-quantity")
        .await
        .unwrap();
    assert_eq!(qty.as_deref(), Some("2"));
    assert_eq!(
        input.prop("value").await.unwrap().as_deref(),
        Some(""),
        "nothing left in the input"
    );
    c.close().await.unwrap();
}

#[test]
fn wrong_pin_is_refused_with_the_chinese_message() {
    scenario(wrong_pin_is_refused);
}

async fn wrong_pin_is_refused() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "9999").await;
    let err = wait_for(&c, "login-error").await.text().await.unwrap();
    assert!(err.contains("工号或 PIN 不正确"), "{err}");
    assert_eq!(
        count(&c, "scan-input").await,
        0,
        "still on the login screen"
    );
    c.close().await.unwrap();
}

#[test]
fn first_run_creates_the_first_manager_who_can_then_log_in() {
    scenario(first_run);
}

async fn first_run() {
    let driver = start_driver_on(false);
    let c = connect(&driver).await;
    fill(&c, "first-run-staff-no", "9001").await;
    fill(&c, "first-run-name", "陈店长").await;
    fill(&c, "first-run-pin", "246810").await;
    fill(&c, "first-run-pin-again", "246810").await;
    click(&c, "first-run-submit").await;
    login(&c, "9001", "246810").await;
    // A manager's home offers the manager screens; the top bar names the new manager.
    wait_for(&c, "tab-settings").await;
    let who = wait_for(&c, "topbar-staff")
        .await
        .prop("textContent")
        .await
        .unwrap();
    assert!(who.unwrap_or_default().contains("陈店长"));
    c.close().await.unwrap();
}

/// Presses one key in the element (it takes the focus first), e.g. `press(&input, Key::F2)`.
async fn press(element: &fantoccini::elements::Element, key: Key) {
    element
        .send_keys(&char::from(key).to_string())
        .await
        .unwrap();
}

/// Types digits as a person would, then Enter. Typed at WebDriver speed the digits look like a
/// scanner burst; the `End` key in between ends the burst the way any non-digit key does, so
/// the wedge detector gives the digits to the field and Enter is a plain Enter.
async fn type_digits_then_enter(element: &fantoccini::elements::Element, digits: &str) {
    let keys = format!("{digits}{}{}", char::from(Key::End), char::from(Key::Enter));
    element.send_keys(&keys).await.unwrap();
}

/// The element's `textContent`, trimmed ("" if it was replaced while we looked).
async fn text_of(c: &Client, testid: &str) -> String {
    wait_for(c, testid)
        .await
        .prop("textContent")
        .await
        .unwrap_or(None)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Polls the element's text until it contains `want` (10 s at most); returns the last text.
async fn wait_text(c: &Client, testid: &str, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = text_of(c, testid).await;
        if text.contains(want) || Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The member panel shows `name` with the masked phone.
async fn assert_member_attached(c: &Client, name: &str, phone_masked: &str) {
    assert_eq!(
        wait_attr(c, "member-panel", "data-state", "attached")
            .await
            .as_deref(),
        Some("attached"),
        "a member is attached to the sale"
    );
    assert_eq!(wait_text(c, "member-panel-name", name).await, name);
    assert_eq!(
        wait_text(c, "member-panel-phone", phone_masked).await,
        phone_masked
    );
    let panel = text_of(c, "member-panel").await;
    assert!(
        !panel.contains(MEMBER_PHONE),
        "the cashier screen never shows the whole phone: {panel:?}"
    );
}

/// Fills the open registration form (phone unless prefilled, name, consent) and presses Enter.
async fn register_in_form(c: &Client, phone: Option<&str>, name: &str) {
    wait_for(c, "member-register").await;
    if let Some(phone) = phone {
        fill(c, "member-reg-phone", phone).await;
    }
    fill(c, "member-reg-name", name).await;
    click(c, "member-reg-consent").await;
}

#[test]
fn cashier_registers_a_member_then_finds_and_attaches_them() {
    scenario(cashier_registers_and_finds_by_last_four_digits);
}

async fn cashier_registers_and_finds_by_last_four_digits() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, AMOXICILLIN).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 2).await;
    assert_eq!(
        wait_for(&c, "member-panel")
            .await
            .attr("data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("none")
    );

    // F2: nobody has this phone yet, so the search offers to register it, phone prefilled.
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, MEMBER_PHONE).await;
    wait_for(&c, "member-search-empty").await;
    let offer = wait_text(&c, "member-register-offer", MEMBER_PHONE_MASKED).await;
    assert!(offer.contains(MEMBER_PHONE_MASKED), "{offer}");
    press(&search, Key::Enter).await;
    assert_eq!(
        wait_for(&c, "member-reg-phone")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(MEMBER_PHONE),
        "the phone typed in the search is prefilled"
    );
    register_in_form(&c, None, MEMBER_NAME).await;
    screenshot(&c, "member-register.png").await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;

    // Registered: the card number and the new-member coupon are shown; the member is attached.
    let created = wait_for(&c, "member-reg-created").await;
    let card = created
        .attr("data-card-no")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        card.len() == 13 && card.starts_with("29"),
        "a member card number: {card}"
    );
    assert_eq!(
        wait_for(&c, "member-reg-coupon")
            .await
            .attr("data-face")
            .await
            .unwrap()
            .as_deref(),
        Some("3.00"),
        "the default new-member coupon"
    );
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    wait_count(&c, "member-register", 0).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    assert_eq!(
        wait_attr(&c, "member-panel-coupons", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );

    // F8 detaches; F2 + the last 4 digits finds the member again; Enter attaches.
    press(&input, Key::F8).await;
    assert_eq!(
        wait_attr(&c, "member-panel", "data-state", "none")
            .await
            .as_deref(),
        Some("none")
    );
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, "5678").await;
    wait_count(&c, "member-result", 1).await;
    let result = wait_for(&c, "member-result").await;
    assert_eq!(
        result.attr("data-phone-masked").await.unwrap().as_deref(),
        Some(MEMBER_PHONE_MASKED)
    );
    assert_eq!(
        result.attr("data-name").await.unwrap().as_deref(),
        Some(MEMBER_NAME)
    );
    assert_eq!(
        result.attr("data-card-no").await.unwrap().as_deref(),
        Some(card.as_str())
    );
    screenshot(&c, "member-search.png").await;
    press(&search, Key::Enter).await;
    wait_count(&c, "member-search", 0).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    assert_eq!(
        c.active_element()
            .await
            .unwrap()
            .attr("data-testid")
            .await
            .unwrap()
            .as_deref(),
        Some("scan-input"),
        "back to the scan input"
    );
    screenshot(&c, "member-panel.png").await;

    // Scanning the member card attaches the member; it never becomes a sale line.
    press(&input, Key::F8).await;
    wait_attr(&c, "member-panel", "data-state", "none").await;
    scan(&input, &card).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    wait_count(&c, "cart-line", 2).await;
    assert_eq!(
        count(&c, "scan-error").await,
        0,
        "no error after the card scan"
    );
    c.close().await.unwrap();
}

#[test]
fn cashier_finds_a_member_by_pinyin_initials_and_opens_the_profile() {
    scenario(cashier_finds_by_initials);
}

async fn cashier_finds_by_initials() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, AMOXICILLIN).await;
    wait_count(&c, "cart-line", 1).await;

    // F3 registers straight from the sale.
    press(&input, Key::F3).await;
    register_in_form(&c, Some(MEMBER_PHONE), MEMBER_NAME).await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;
    wait_for(&c, "member-reg-created").await;
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    press(&input, Key::F8).await;
    wait_attr(&c, "member-panel", "data-state", "none").await;

    // zw → 张伟
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    search.send_keys("zw\u{E007}").await.unwrap();
    wait_count(&c, "member-result", 1).await;
    let result = wait_for(&c, "member-result").await;
    assert_eq!(
        result.attr("data-name").await.unwrap().as_deref(),
        Some(MEMBER_NAME)
    );
    assert_eq!(
        result.attr("data-phone-masked").await.unwrap().as_deref(),
        Some(MEMBER_PHONE_MASKED)
    );
    press(&search, Key::Enter).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;

    // F6: the profile over the sale; a cashier sees the masked phone and no health tab.
    press(&input, Key::F6).await;
    assert_eq!(
        wait_text(&c, "member-profile-name", MEMBER_NAME).await,
        MEMBER_NAME
    );
    let phone = wait_text(&c, "member-basic-phone", MEMBER_PHONE_MASKED).await;
    assert!(
        phone.starts_with(MEMBER_PHONE_MASKED) && !phone.contains(MEMBER_PHONE),
        "a cashier sees the masked phone only: {phone:?}"
    );
    assert_eq!(count(&c, "member-profile-tab-health").await, 0);
    assert_eq!(count(&c, "member-profile-tab-manage").await, 0);
    let store = "SH001 康宁大药房（演示店）";
    assert_eq!(wait_text(&c, "member-store", store).await, store);
    screenshot(&c, "member-profile.png").await;
    press(&wait_for(&c, "member-profile-tab-basic").await, Key::Escape).await;
    wait_count(&c, "member-profile", 0).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;

    // F1 lists the member keys and the member card.
    press(&input, Key::F1).await;
    wait_for(&c, "help-member-card").await;
    screenshot(&c, "help.png").await;
    press(&input, Key::Escape).await;
    wait_count(&c, "help-overlay", 0).await;

    // In English the member panel and the search speak English too.
    wait_for(&c, "lang-switch")
        .await
        .select_by_value("en")
        .await
        .unwrap();
    assert_eq!(
        wait_text(&c, "member-panel-detach", "Detach").await,
        "Detach F8"
    );
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    search.send_keys("zw\u{E007}").await.unwrap();
    wait_count(&c, "member-result", 1).await;
    screenshot(&c, "member-search-en.png").await;
    press(&search, Key::Escape).await;
    wait_count(&c, "member-search", 0).await;
    // And back: every label returns to Chinese at once.
    wait_for(&c, "lang-switch")
        .await
        .select_by_value("zh-CN")
        .await
        .unwrap();
    assert_eq!(
        wait_text(&c, "member-panel-detach", "取消关联").await,
        "取消关联 F8"
    );
    c.close().await.unwrap();
}

#[test]
fn manager_keeps_the_health_part_and_adjusts_points_on_the_members_screen() {
    scenario(manager_members_screen);
}

async fn manager_members_screen() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-members").await;
    let search = wait_for(&c, "members-search-input").await;

    // F3 on the members screen: register with the separate health consent ticked.
    press(&search, Key::F3).await;
    register_in_form(&c, Some("13812345678"), "李娜").await;
    click(&c, "member-reg-health-consent").await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;
    wait_for(&c, "member-reg-created").await;
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    assert_eq!(wait_text(&c, "member-profile-name", "李娜").await, "李娜");
    let phone = wait_text(&c, "member-basic-phone", "13812345678").await;
    assert!(
        phone.contains("13812345678"),
        "a manager sees the whole phone in the profile: {phone:?}"
    );

    // 健康档案: consent given at registration; an allergy from the list shows the badge.
    click(&c, "member-profile-tab-health").await;
    assert_eq!(
        wait_attr(&c, "health-consent-state", "data-consent", "true")
            .await
            .as_deref(),
        Some("true")
    );
    wait_for(&c, "health-add-code").await;
    click(&c, "health-add-submit").await;
    wait_count(&c, "health-item", 1).await;
    assert_eq!(
        wait_attr(&c, "health-item", "data-code", "青霉素类")
            .await
            .as_deref(),
        Some("青霉素类")
    );
    wait_for(&c, "member-profile-allergy").await;
    screenshot(&c, "member-profile-health.png").await;

    // 积分: a manager's adjustment shows in the ledger with the balance after it.
    click(&c, "member-profile-tab-points").await;
    fill_digits(&c, "points-adjust-points", "200").await;
    fill(&c, "points-adjust-reason", "补录积分").await;
    click(&c, "points-adjust-submit").await;
    assert_eq!(
        wait_attr(&c, "points-row", "data-balance-after", "200")
            .await
            .as_deref(),
        Some("200")
    );
    assert_eq!(wait_text(&c, "member-points-balance", "200").await, "200");
    screenshot(&c, "member-profile-points.png").await;

    // 店长操作: the JSON export answers with the file's path.
    click(&c, "member-profile-tab-manage").await;
    click(&c, "member-export-json").await;
    let path = wait_for(&c, "member-export-path")
        .await
        .attr("data-path")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(path.ends_with(".json"), "{path}");
    screenshot(&c, "member-profile-manage.png").await;
    c.close().await.unwrap();
}

// ------------------------------------------------------------------ checkout

/// The element's attribute `name` (None if the element has none).
async fn attr(c: &Client, testid: &str, name: &str) -> Option<String> {
    wait_for(c, testid).await.attr(name).await.unwrap_or(None)
}

/// Alt + a letter in the element, e.g. `alt(&input, 'c')` for Alt+C.
async fn alt(element: &fantoccini::elements::Element, letter: char) {
    chord(element, Key::Alt, letter).await;
}

/// `modifier` held while `key` is typed in the element, e.g. Ctrl+2.
async fn chord(element: &fantoccini::elements::Element, modifier: Key, key: char) {
    element
        .send_keys(&format!(
            "{}{key}{}",
            char::from(modifier),
            char::from(Key::Null)
        ))
        .await
        .unwrap();
}

/// Keys typed into whatever has the focus.
async fn type_into_focus(c: &Client, keys: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

fn fen(amount: &str) -> i64 {
    let (yuan, cents) = amount.split_once('.').unwrap_or((amount, "0"));
    yuan.parse::<i64>().unwrap() * 100 + format!("{cents:0<2}").parse::<i64>().unwrap()
}

fn money(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// The receipt was saved as a PDF (a real one) whose text carries the receipt number.
fn assert_receipt_pdf(path: &str, receipt_no: &str) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("receipt PDF {path}: {e}"));
    assert!(bytes.starts_with(b"%PDF"), "{path} is not a PDF");
    if let Ok(out) = Command::new("pdftotext")
        .args(["-layout", path, "-"])
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(receipt_no),
            "the receipt {path} does not name {receipt_no}:\n{text}"
        );
    }
}

/// Copies a screenshot taken by `screenshot` into docs/screenshots/ for the documentation.
fn publish_screenshot(name: &str) {
    let from = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("screenshots")
        .join(name);
    let to = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/screenshots")
        .join(name);
    if let Err(e) = std::fs::copy(&from, &to) {
        eprintln!("could not copy {} to {}: {e}", from.display(), to.display());
    }
}

/// On the done screen: F9 prints (no printer at this till: the PDF is saved); returns the path.
async fn print_on_done_screen(c: &Client) -> String {
    press(&wait_for(c, "sale-done-next").await, Key::F9).await;
    let path = wait_for(c, "sale-done-print-result")
        .await
        .attr("data-path")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(
        attr(c, "sale-done-print-result", "data-printer")
            .await
            .as_deref(),
        Some(""),
        "no printer is set up: saved only"
    );
    path
}

/// Enter on the done screen (once it takes keys) starts the next sale.
async fn next_sale(c: &Client) {
    assert_eq!(
        wait_attr(c, "sale-done", "data-armed", "true")
            .await
            .as_deref(),
        Some("true")
    );
    press(&wait_for(c, "sale-done-next").await, Key::Enter).await;
    wait_count(c, "sale-done", 0).await;
    wait_for(c, "cart-empty").await;
}

#[test]
fn member_sale_with_coupon_points_and_split_payment_prints_a_receipt() {
    scenario(member_sale_with_coupon_points_and_split_payment);
}

async fn member_sale_with_coupon_points_and_split_payment() {
    let driver = start_driver();
    let c = connect(&driver).await;
    // The manager sells too, and may add points to the new member first.
    login(&c, "3001", "3333").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, GANMAOLING).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, GANMAOLING).await;
    assert_eq!(
        wait_attr(&c, "cart-line-qty", "data-quantity", "2")
            .await
            .as_deref(),
        Some("2")
    );
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 2).await;
    assert_eq!(
        wait_attr(&c, "cart-total", "data-amount", "35.10")
            .await
            .as_deref(),
        Some("35.10"),
        "15.80 × 2 + 3.50"
    );

    // F3: a new member, attached with the new-member coupon; no points yet.
    press(&input, Key::F3).await;
    register_in_form(&c, Some(MEMBER_PHONE), MEMBER_NAME).await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;
    wait_for(&c, "member-reg-created").await;
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    assert_eq!(
        wait_attr(&c, "points-max", "data-points", "0")
            .await
            .as_deref(),
        Some("0"),
        "a fresh member has no points to redeem"
    );
    // Member pricing per line: the rule is shown on each line.
    let rule = attr(&c, "cart-line-net", "data-rule")
        .await
        .unwrap_or_default();
    assert!(
        rule == "tier" || rule == "member_day",
        "a member's line is priced by tier or member day: {rule}"
    );

    // F6 → 积分: the manager adds 500 points; Esc back to the sale.
    press(&input, Key::F6).await;
    click(&c, "member-profile-tab-points").await;
    fill_digits(&c, "points-adjust-points", "500").await;
    fill(&c, "points-adjust-reason", "开业活动赠送").await;
    click(&c, "points-adjust-submit").await;
    wait_attr(&c, "points-row", "data-balance-after", "500").await;
    press(
        &wait_for(&c, "member-profile-tab-points").await,
        Key::Escape,
    )
    .await;
    wait_count(&c, "member-profile", 0).await;
    assert_eq!(
        wait_attr(&c, "member-panel-points", "data-points", "500")
            .await
            .as_deref(),
        Some("500")
    );

    // Alt+C: the new-member coupon (3.00, no minimum).
    alt(&input, 'c').await;
    assert_eq!(
        wait_attr(&c, "coupon-option", "data-selected", "true")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        wait_attr(&c, "discount-coupon", "data-amount", "3.00")
            .await
            .as_deref(),
        Some("3.00")
    );

    // Alt+P: the field offers the most this sale can take; Enter redeems it.
    assert_eq!(
        wait_attr(&c, "points-max", "data-points", "500")
            .await
            .as_deref(),
        Some("500"),
        "the balance is below half of the amount after the coupon"
    );
    alt(&input, 'p').await;
    let points = wait_for(&c, "points-input").await;
    assert_eq!(points.prop("value").await.unwrap().as_deref(), Some("500"));
    press(&points, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "points-used", "data-points", "500")
            .await
            .as_deref(),
        Some("500")
    );
    assert_eq!(
        wait_attr(&c, "discount-points", "data-amount", "5.00")
            .await
            .as_deref(),
        Some("5.00"),
        "100 points = 1.00"
    );
    let payable = attr(&c, "cart-payable", "data-amount")
        .await
        .unwrap_or_default();
    screenshot(&c, "checkout-cart.png").await;
    publish_screenshot("checkout-cart.png");
    // 普通 members pay the list price, except on a member day.
    let mut member_discount = 0;
    for kind in ["discount-tier", "discount-member_day"] {
        if count(&c, kind).await > 0 {
            member_discount += fen(&attr(&c, kind, "data-amount").await.unwrap_or_default());
        }
    }
    assert_eq!(
        fen(&payable),
        3510 - member_discount - 300 - 500,
        "subtotal − member discount − coupon − points"
    );

    // F9: 20.00 by WeChat (F2), the rest in cash with change.
    press(&input, Key::F9).await;
    let amount = wait_for(&c, "pay-amount").await;
    assert_eq!(
        attr(&c, "pay-due", "data-amount").await.as_deref(),
        Some(payable.as_str())
    );
    assert_eq!(
        amount.prop("value").await.unwrap().as_deref(),
        Some(payable.as_str()),
        "cash starts with what is due"
    );
    press(&amount, Key::F2).await;
    assert_eq!(
        wait_attr(&c, "pay-amount", "data-kind", "wechat")
            .await
            .as_deref(),
        Some("wechat")
    );
    fill_digits(&c, "pay-amount", "20").await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    wait_count(&c, "pay-tender", 1).await;
    let remaining = money(fen(&payable) - 2000);
    assert_eq!(
        wait_attr(&c, "pay-remaining", "data-amount", &remaining)
            .await
            .as_deref(),
        Some(remaining.as_str())
    );
    assert_eq!(
        wait_attr(&c, "pay-amount", "data-kind", "cash")
            .await
            .as_deref(),
        Some("cash")
    );
    fill_digits(&c, "pay-amount", "50").await;
    assert_eq!(
        wait_attr(
            &c,
            "pay-change",
            "data-amount",
            &money(5000 - fen(&remaining))
        )
        .await
        .as_deref(),
        Some(money(5000 - fen(&remaining)).as_str()),
        "the change shows before Enter"
    );
    screenshot(&c, "checkout-pay.png").await;
    publish_screenshot("checkout-pay.png");
    let amount = wait_for(&c, "pay-amount").await;
    press(&amount, Key::Enter).await;

    // Done: the change, the receipt number, the tenders and the points.
    let change = money(5000 - fen(&remaining));
    assert_eq!(
        wait_attr(&c, "sale-done-change", "data-amount", &change)
            .await
            .as_deref(),
        Some(change.as_str())
    );
    let receipt_no = attr(&c, "sale-done-receipt", "data-receipt-no")
        .await
        .unwrap_or_default();
    assert!(
        receipt_no.len() == 14 && receipt_no.bytes().all(|b| b.is_ascii_digit()),
        "a 14-digit receipt number: {receipt_no}"
    );
    wait_count(&c, "sale-done-tender", 2).await;
    assert_eq!(
        attr(&c, "sale-done-points", "data-used").await.as_deref(),
        Some("500")
    );
    let path = print_on_done_screen(&c).await;
    assert!(path.ends_with(".pdf"), "{path}");
    assert_receipt_pdf(&path, &receipt_no);
    screenshot(&c, "checkout-done.png").await;
    publish_screenshot("checkout-done.png");

    // F9 again is a reprint, saved as a copy.
    press(&wait_for(&c, "sale-done-next").await, Key::F9).await;
    assert_eq!(
        wait_attr(&c, "sale-done-print-result", "data-reprint", "true")
            .await
            .as_deref(),
        Some("true")
    );

    // Enter: the next sale starts empty, without the member.
    next_sale(&c).await;
    assert_eq!(
        wait_attr(&c, "member-panel", "data-state", "none")
            .await
            .as_deref(),
        Some("none")
    );

    // The member's purchases show the sale, at this store by name.
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    search.send_keys("zw\u{E007}").await.unwrap();
    wait_count(&c, "member-result", 1).await;
    press(&search, Key::Enter).await;
    assert_member_attached(&c, MEMBER_NAME, MEMBER_PHONE_MASKED).await;
    press(&input, Key::F6).await;
    click(&c, "member-profile-tab-purchases").await;
    wait_count(&c, "purchase-row", 1).await;
    let store = "SH001 康宁大药房（演示店）";
    assert_eq!(wait_text(&c, "purchase-store", store).await, store);
    screenshot(&c, "member-purchases.png").await;
    c.close().await.unwrap();
}

#[test]
fn prescription_sale_is_approved_by_the_pharmacist_at_the_till() {
    scenario(prescription_sale);
}

async fn prescription_sale() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, AMOXICILLIN).await;
    wait_count(&c, "cart-line", 1).await;
    wait_for(&c, "cart-line-rx").await;
    assert_eq!(
        wait_attr(&c, "gate-rx", "data-state", "missing")
            .await
            .as_deref(),
        Some("missing")
    );
    assert_eq!(
        attr(&c, "gates", "data-blocked").await.as_deref(),
        Some("PRESCRIPTION_REQUIRED")
    );

    // F9 with an Rx line and no prescription opens the prescription form instead of payment.
    press(&input, Key::F9).await;
    assert_eq!(
        wait_attr(&c, "rx-dialog", "data-step", "prescription")
            .await
            .as_deref(),
        Some("prescription")
    );
    assert_eq!(count(&c, "pay-dialog").await, 0);
    // The date is prefilled with the store's business date (China time, the core's clock), not
    // the machine's own local date.
    let today = pos_core::clock::Clock::today(&pos_core::clock::SystemClock).to_string();
    assert_eq!(
        wait_for(&c, "rx-date")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(today.as_str())
    );
    screenshot(&c, "checkout-prescription.png").await;
    fill(&c, "rx-hospital", "上海市第一人民医院").await;
    fill(&c, "rx-doctor", "王建华").await;
    fill(&c, "rx-diagnosis", "急性化脓性扁桃体炎").await;
    // Enter on the last field saves; the approval step follows.
    press(&wait_for(&c, "rx-image").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "rx-dialog", "data-step", "approval")
            .await
            .as_deref(),
        Some("approval")
    );
    wait_for(&c, "rx-summary").await;

    // A cashier's own credentials cannot approve a prescription.
    fill_digits(&c, "rx-approver-staff-no", "1001").await;
    fill_digits(&c, "rx-approver-pin", "1111").await;
    press(&wait_for(&c, "rx-approver-pin").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "rx-error", "data-code", "APPROVER_NOT_AUTHORIZED")
            .await
            .as_deref(),
        Some("APPROVER_NOT_AUTHORIZED")
    );

    // The pharmacist types 2001 / PIN at the till.
    fill_digits(&c, "rx-approver-staff-no", "2001").await;
    fill_digits(&c, "rx-approver-pin", "2222").await;
    screenshot(&c, "checkout-rx.png").await;
    publish_screenshot("checkout-rx.png");
    press(&wait_for(&c, "rx-approver-pin").await, Key::Enter).await;
    wait_count(&c, "rx-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "gate-rx", "data-state", "approved")
            .await
            .as_deref(),
        Some("approved")
    );
    let approved = wait_text(&c, "gate-rx", "李建国").await;
    assert!(approved.contains("李建国"), "{approved}");
    wait_for(&c, "gates-clear").await;

    // Now F9 pays: 10.00 by 医保 (F5, with its settlement number), the rest in cash.
    press(&input, Key::F9).await;
    let amount = wait_for(&c, "pay-amount").await;
    press(&amount, Key::F5).await;
    assert_eq!(
        wait_attr(&c, "pay-amount", "data-kind", "insurance")
            .await
            .as_deref(),
        Some("insurance")
    );
    assert_eq!(
        wait_for(&c, "pay-amount")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("12.80"),
        "医保 starts with what it may pay: the insurance-listed lines"
    );
    fill_digits(&c, "pay-amount", "10").await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    // Enter without a settlement number goes to that field.
    let settlement = wait_for(&c, "pay-settlement").await;
    settlement.send_keys("YB2026-000123").await.unwrap();
    press(&settlement, Key::Enter).await;
    wait_count(&c, "pay-tender", 1).await;
    assert_eq!(
        wait_attr(&c, "pay-remaining", "data-amount", "2.80")
            .await
            .as_deref(),
        Some("2.80")
    );
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    wait_for(&c, "sale-done").await;
    assert_eq!(
        attr(&c, "sale-done-change", "data-amount").await.as_deref(),
        Some("0.00")
    );
    wait_count(&c, "sale-done-tender", 2).await;
    assert_eq!(
        attr(&c, "sale-done-tender", "data-kind").await.as_deref(),
        Some("insurance")
    );
    assert_eq!(
        attr(&c, "sale-done-payable", "data-amount")
            .await
            .as_deref(),
        Some("12.80")
    );
    let receipt = text_of(&c, "sale-done").await;
    assert!(
        receipt.contains("李建国"),
        "the reviewing pharmacist is named: {receipt}"
    );
    next_sale(&c).await;
    c.close().await.unwrap();
}

#[test]
fn ephedrine_is_limited_to_two_packages_and_the_buyer_is_registered() {
    scenario(ephedrine_sale);
}

async fn ephedrine_sale() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, CONTAC).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, CONTAC).await;
    assert_eq!(
        wait_attr(&c, "cart-line-qty", "data-quantity", "2")
            .await
            .as_deref(),
        Some("2")
    );
    // The third package is refused at once, in Chinese; the cart keeps 2.
    scan(&input, CONTAC).await;
    assert_eq!(
        wait_attr(&c, "scan-error", "data-code", "EPHEDRINE_LIMIT")
            .await
            .as_deref(),
        Some("EPHEDRINE_LIMIT")
    );
    let refused = text_of(&c, "scan-error").await;
    assert!(
        refused.contains("含麻黄碱类复方制剂每次最多销售"),
        "{refused}"
    );
    assert_eq!(
        attr(&c, "cart-line-qty", "data-quantity").await.as_deref(),
        Some("2")
    );
    assert_eq!(
        wait_attr(&c, "gate-eph", "data-state", "missing")
            .await
            .as_deref(),
        Some("missing")
    );

    // F5: the buyer's name and ID; a wrong check character is explained in place.
    press(&input, Key::F5).await;
    wait_for(&c, "eph-dialog").await;
    fill(&c, "eph-name", "赵敏").await;
    fill_digits(&c, "eph-id", "110105194912310021").await;
    assert_eq!(
        wait_attr(&c, "eph-id-hint", "data-ok", "false")
            .await
            .as_deref(),
        Some("false"),
        "the hint flags the check character before the core is asked"
    );
    press(&wait_for(&c, "eph-id").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "eph-error", "data-code", "INVALID_ID_NUMBER")
            .await
            .as_deref(),
        Some("INVALID_ID_NUMBER")
    );
    let message = text_of(&c, "eph-error").await;
    assert!(message.contains("校验位"), "{message}");
    screenshot(&c, "checkout-ephedrine.png").await;
    publish_screenshot("checkout-ephedrine.png");
    fill_digits(&c, "eph-id", "11010519491231002x").await;
    press(&wait_for(&c, "eph-id").await, Key::Enter).await;
    wait_count(&c, "eph-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "gate-eph", "data-state", "recorded")
            .await
            .as_deref(),
        Some("recorded")
    );
    let buyer = wait_text(&c, "gate-eph", "110105********002X").await;
    assert!(buyer.contains("赵敏"), "{buyer}");

    press(&input, Key::F9).await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "sale-done-payable", "data-amount", "39.60")
            .await
            .as_deref(),
        Some("39.60")
    );
    next_sale(&c).await;

    // The same ID again within 30 days: the repeat purchase is flagged.
    scan(&input, CONTAC).await;
    wait_count(&c, "cart-line", 1).await;
    press(&input, Key::F5).await;
    fill(&c, "eph-name", "赵敏").await;
    fill_digits(&c, "eph-id", "11010519491231002X").await;
    press(&wait_for(&c, "eph-id").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "eph-recent", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    press(&wait_for(&c, "eph-done").await, Key::Enter).await;
    wait_count(&c, "eph-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "gate-eph-recent", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    c.close().await.unwrap();
}

#[test]
fn a_sale_is_returned_with_a_quality_reason_and_manager_approval() {
    scenario(return_a_sale);
}

async fn return_a_sale() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, GANMAOLING).await;
    wait_count(&c, "cart-line", 1).await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 2).await;
    // Enter on the empty scan box pays; Enter again takes the exact amount in cash.
    press(&input, Key::Enter).await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    let receipt_no = attr(&c, "sale-done-receipt", "data-receipt-no")
        .await
        .unwrap_or_default();
    assert_eq!(
        attr(&c, "sale-done-payable", "data-amount")
            .await
            .as_deref(),
        Some("19.30")
    );
    next_sale(&c).await;

    // 退货 (Ctrl+2, the cashier's second tab): scan the receipt's code.
    chord(&wait_for(&c, "scan-input").await, Key::Control, '2').await;
    assert_eq!(
        wait_attr(&c, "tab-returns", "aria-current", "page")
            .await
            .as_deref(),
        Some("page")
    );
    let receipt_input = wait_for(&c, "return-receipt-input").await;
    scan(&receipt_input, &receipt_no).await;
    assert_eq!(
        wait_attr(&c, "return-sale", "data-receipt-no", &receipt_no)
            .await
            .as_deref(),
        Some(receipt_no.as_str())
    );
    wait_count(&c, "return-line", 2).await;
    let qty = c
        .find(Locator::Css(&format!(
            "[data-testid='return-line'][data-barcode='{PARACETAMOL}'] [data-testid='return-qty']"
        )))
        .await
        .unwrap();
    // 1 ⏎ → the reason: 1 = 包装破损 ⏎ → the manager's staff number and PIN ⏎.
    qty.send_keys(&format!("1{}", char::from(Key::Enter)))
        .await
        .unwrap();
    // Before anyone approves, the screen shows what this return refunds and where to.
    assert_eq!(
        wait_attr(&c, "return-preview", "data-refund", "3.50")
            .await
            .as_deref(),
        Some("3.50")
    );
    assert_eq!(
        attr(&c, "return-preview-tender", "data-kind")
            .await
            .as_deref(),
        Some("cash")
    );
    type_into_focus(&c, "1").await;
    let damaged = wait_for(&c, "return-reason-damaged").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while damaged.prop("checked").await.unwrap().as_deref() != Some("true") {
        assert!(Instant::now() < deadline, "reason 1 was not picked");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        c.active_element()
            .await
            .unwrap()
            .attr("data-testid")
            .await
            .unwrap()
            .as_deref(),
        Some("return-approver-staff-no"),
        "Enter after the reason goes to the manager's staff number"
    );
    fill_digits(&c, "return-approver-staff-no", "3001").await;
    fill_digits(&c, "return-approver-pin", "3333").await;
    screenshot(&c, "return.png").await;
    publish_screenshot("return.png");
    press(&wait_for(&c, "return-approver-pin").await, Key::Enter).await;

    // The refund goes back to the cash paid; the return has its own receipt.
    assert_eq!(
        wait_attr(&c, "return-refund", "data-amount", "3.50")
            .await
            .as_deref(),
        Some("3.50")
    );
    assert_eq!(
        attr(&c, "return-refund-tender", "data-kind")
            .await
            .as_deref(),
        Some("cash")
    );
    assert_eq!(
        attr(&c, "return-refund-tender", "data-amount")
            .await
            .as_deref(),
        Some("3.50")
    );
    let return_no = attr(&c, "return-done", "data-receipt-no")
        .await
        .unwrap_or_default();
    assert!(
        return_no.len() == 14 && return_no != receipt_no,
        "{return_no}"
    );
    click(&c, "return-print-button").await;
    let path = attr(&c, "return-print-result", "data-path")
        .await
        .unwrap_or_default();
    assert_receipt_pdf(&path, &return_no);
    screenshot(&c, "return-done.png").await;
    publish_screenshot("return-done.png");

    // Enter: the next return. A return's own receipt cannot be returned.
    press(&wait_for(&c, "return-next").await, Key::Enter).await;
    wait_count(&c, "return-done", 0).await;
    let receipt_input = wait_for(&c, "return-receipt-input").await;
    scan(&receipt_input, &return_no).await;
    assert_eq!(
        wait_attr(&c, "return-find-error", "data-code", "RETURN_OF_RETURN")
            .await
            .as_deref(),
        Some("RETURN_OF_RETURN")
    );
    // The original again: the paracetamol is gone, the rest can still be returned.
    scan(&receipt_input, &receipt_no).await;
    wait_count(&c, "return-line", 2).await;
    let left = c
        .find(Locator::Css(&format!(
            "[data-testid='return-line'][data-barcode='{PARACETAMOL}']"
        )))
        .await
        .unwrap()
        .attr("data-returnable")
        .await
        .unwrap();
    assert_eq!(left.as_deref(), Some("0"));
    wait_for(&c, "return-earlier").await;
    c.close().await.unwrap();
}

#[test]
fn pharmacist_guidance_manager_override_hold_and_recall() {
    scenario(guidance_override_hold_recall);
}

async fn guidance_override_hold_recall() {
    let driver = start_driver();
    let c = connect(&driver).await;
    // 2001 is a pharmacist who also sells.
    login(&c, "2001", "2222").await;
    let input = wait_for(&c, "scan-input").await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 1).await;

    // Alt+G: guidance on the selected line, starting from the product's default; Enter saves.
    alt(&input, 'g').await;
    let text = wait_for(&c, "guidance-text").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while text
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
        .is_empty()
    {
        assert!(
            Instant::now() < deadline,
            "the default guidance was not offered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    screenshot(&c, "checkout-guidance.png").await;
    text.send_keys(&format!("{}；饭后服用", char::from(Key::End)))
        .await
        .unwrap();
    press(&text, Key::Enter).await;
    wait_count(&c, "guidance-dialog", 0).await;
    let guidance = wait_text(&c, "cart-line-guidance", "饭后服用").await;
    assert!(guidance.contains("饭后服用"), "{guidance}");

    // Alt+O: the manager overrides the price at the till (3001 / PIN typed here).
    alt(&input, 'o').await;
    fill_digits(&c, "override-price", "3").await;
    fill(&c, "override-reason", "外包装轻微磨损").await;
    fill_digits(&c, "override-approver-staff-no", "3001").await;
    fill_digits(&c, "override-approver-pin", "3333").await;
    press(&wait_for(&c, "override-approver-pin").await, Key::Enter).await;
    wait_count(&c, "override-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "cart-line-net", "data-rule", "override")
            .await
            .as_deref(),
        Some("override")
    );
    assert_eq!(
        wait_attr(&c, "discount-manual", "data-amount", "0.50")
            .await
            .as_deref(),
        Some("0.50")
    );
    assert_eq!(
        attr(&c, "cart-payable", "data-amount").await.as_deref(),
        Some("3.00")
    );

    // F10 holds the sale; F11 lists it; Enter brings it back as it was.
    press(&input, Key::F10).await;
    wait_for(&c, "cart-empty").await;
    assert_eq!(
        wait_attr(&c, "recall", "data-count", "1").await.as_deref(),
        Some("1")
    );
    wait_for(&c, "scan-notice").await;
    press(&input, Key::F11).await;
    wait_count(&c, "held-cart", 1).await;
    press(&wait_for(&c, "held-cart").await, Key::Enter).await;
    wait_count(&c, "held-dialog", 0).await;
    wait_count(&c, "cart-line", 1).await;
    assert_eq!(
        wait_attr(&c, "cart-payable", "data-amount", "3.00")
            .await
            .as_deref(),
        Some("3.00")
    );
    wait_for(&c, "cart-line-guidance").await;
    assert_eq!(
        wait_attr(&c, "recall", "data-count", "0").await.as_deref(),
        Some("0")
    );

    // F1 lists the checkout keys too.
    press(&input, Key::F1).await;
    wait_for(&c, "help-help.payment").await;
    screenshot(&c, "help.png").await;
    press(&input, Key::Escape).await;
    wait_count(&c, "help-overlay", 0).await;
    c.close().await.unwrap();
}

#[test]
fn allergy_is_acknowledged_by_the_pharmacist_and_the_till_number_is_on_the_receipt() {
    scenario(allergy_and_till_settings);
}

async fn allergy_and_till_settings() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;

    // 门店设置: this till is number 7, receipts 58 mm wide, no printer, ESC/POS when it has one.
    click(&c, "tab-settings").await;
    fill_digits(&c, "till-no", "7").await;
    // The printers CUPS knows are offered (the stand-in lpstat knows XP-80C).
    assert_eq!(
        wait_attr(&c, "till-queues", "data-count", "1")
            .await
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        wait_text(&c, "till-queues", "XP-80C").await,
        "本机打印机：XP-80C"
    );
    click(&c, "till-paper-58").await;
    click(&c, "till-format-escpos").await;
    wait_text(&c, "till-format-hint", "ESC/POS").await;
    click(&c, "till-save").await;
    wait_for(&c, "till-saved").await;
    screenshot(&c, "till-settings.png").await;
    // What the form shows after saving is what the core stored.
    assert_eq!(
        wait_for(&c, "till-format-escpos")
            .await
            .prop("checked")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        wait_for(&c, "till-no")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("7")
    );

    // A member with health consent and a penicillin allergy.
    click(&c, "tab-sale").await;
    let input = wait_for(&c, "scan-input").await;
    press(&input, Key::F3).await;
    register_in_form(&c, Some("13812345678"), "李娜").await;
    click(&c, "member-reg-health-consent").await;
    press(&wait_for(&c, "member-reg-name").await, Key::Enter).await;
    wait_for(&c, "member-reg-created").await;
    press(&wait_for(&c, "member-reg-done").await, Key::Enter).await;
    wait_attr(&c, "member-panel", "data-state", "attached").await;
    press(&input, Key::F6).await;
    click(&c, "member-profile-tab-health").await;
    wait_for(&c, "health-add-code").await;
    click(&c, "health-add-submit").await;
    assert_eq!(
        wait_attr(&c, "health-item", "data-code", "青霉素类")
            .await
            .as_deref(),
        Some("青霉素类")
    );
    press(
        &wait_for(&c, "member-profile-tab-health").await,
        Key::Escape,
    )
    .await;
    wait_count(&c, "member-profile", 0).await;

    // Amoxicillin matches: the line is marked and payment waits for the pharmacist.
    scan(&input, AMOXICILLIN).await;
    assert_eq!(
        wait_attr(&c, "cart-line-allergy", "data-acknowledged", "false")
            .await
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        wait_attr(
            &c,
            "gates",
            "data-blocked",
            "ALLERGY_ACK_REQUIRED,PRESCRIPTION_REQUIRED"
        )
        .await
        .as_deref(),
        Some("ALLERGY_ACK_REQUIRED,PRESCRIPTION_REQUIRED")
    );
    assert_eq!(
        attr(&c, "gate-resolve", "data-gate").await.as_deref(),
        Some("allergy"),
        "the allergy comes first"
    );
    press(&input, Key::F5).await;
    assert_eq!(
        wait_attr(&c, "allergy-line", "data-classes", "青霉素类")
            .await
            .as_deref(),
        Some("青霉素类")
    );
    fill_digits(&c, "allergy-approver-staff-no", "2001").await;
    fill_digits(&c, "allergy-approver-pin", "2222").await;
    screenshot(&c, "checkout-allergy.png").await;
    publish_screenshot("checkout-allergy.png");
    press(&wait_for(&c, "allergy-approver-pin").await, Key::Enter).await;
    wait_count(&c, "allergy-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "cart-line-allergy", "data-acknowledged", "true")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        wait_attr(&c, "gate-resolve", "data-gate", "prescription")
            .await
            .as_deref(),
        Some("prescription"),
        "next: the prescription"
    );

    // Without the Rx line the sale pays; the receipt number carries till 07.
    press(&input, Key::Delete).await;
    press(&input, Key::Delete).await;
    wait_for(&c, "cart-empty").await;
    scan(&input, PARACETAMOL).await;
    wait_count(&c, "cart-line", 1).await;
    press(&input, Key::F9).await;
    press(&wait_for(&c, "pay-amount").await, Key::Enter).await;
    let receipt_no = attr(&c, "sale-done-receipt", "data-receipt-no")
        .await
        .unwrap_or_default();
    assert_eq!(&receipt_no[8..10], "07", "{receipt_no}");
    let path = print_on_done_screen(&c).await;
    assert_receipt_pdf(&path, &receipt_no);
    c.close().await.unwrap();
}

/// `pharmapos-hq serve`, the real headquarters binary, on a fresh database; stopped on drop.
struct HqProcess {
    child: Child,
    url: String,
}

impl Drop for HqProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_hq(db: &pos_hq::testing::TestDb) -> HqProcess {
    // Built beside the desktop binary by the same `cargo test --workspace`.
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_pharmapos-desktop")).with_file_name("pharmapos-hq");
    assert!(bin.exists(), "{} not built", bin.display());
    let port = free_port();
    let child = Command::new(bin)
        .arg("serve")
        .env("PHARMAPOS_HQ_LISTEN", format!("127.0.0.1:{port}"))
        .env("PHARMAPOS_HQ_DATABASE_URL", &db.conn_str)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("pharmapos-hq");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "pharmapos-hq did not listen on {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    HqProcess { child, url }
}

/// A till of another store, as a library: its own file, connected to the same headquarters.
async fn other_store(
    db: &pos_hq::testing::TestDb,
    hq: &str,
    dir: &std::path::Path,
) -> pos_core::db::Store {
    let store = pos_core::db::Store::open(
        &dir.join("other.sqlite"),
        std::sync::Arc::new(pos_core::clock::SystemClock),
    )
    .unwrap();
    pos_core::demo::seed(&store).unwrap();
    connect_store(db, hq, &store, "SH002").await;
    store
}

/// Registers the store file's store at headquarters and gives the file its token.
async fn connect_store(
    db: &pos_hq::testing::TestDb,
    hq: &str,
    store: &pos_core::db::Store,
    code: &str,
) {
    let id = store.read(pos_core::db::till_identity).unwrap().store_id.0;
    pos_hq::add_store(&db.pool, id, code, "测试门店")
        .await
        .unwrap();
    let token = pos_hq::issue_token(&db.pool, id).await.unwrap();
    store
        .write(|tx| pos_core::sync::state::configure(tx, hq, &token, "02:00"))
        .unwrap();
}

#[test]
fn sync_now_sends_the_unsynced_sales_and_brings_a_member_of_another_store() {
    scenario(sync_now_against_a_running_headquarters);
}

async fn sync_now_against_a_running_headquarters() {
    let db = pos_hq::testing::TestDb::create().await.unwrap();
    let hq = start_hq(&db).await;
    let scratch = tempfile::tempdir().unwrap();
    // Another store registers a member and syncs before this till does.
    let other = other_store(&db, &hq.url, scratch.path()).await;
    let staff = other.read(pos_core::staff::list).unwrap()[0].id;
    other
        .write(|tx| {
            pos_core::member::register(
                tx,
                staff,
                pos_core::member::NewMember {
                    phone: "13700137000".into(),
                    name: "钟丽".into(),
                    basic_consent: true,
                    ..Default::default()
                },
            )
            .map(|_| ())
        })
        .unwrap();
    let other_store_sync = {
        let other = other.clone();
        tokio::task::spawn_blocking(move || pos_sync::sync(&other, |_| {}))
    };
    other_store_sync.await.unwrap().unwrap();

    // This till: the demo pharmacy, connected to the same headquarters before the app starts.
    let (tx, rx) = std::sync::mpsc::channel();
    let driver = start_driver_with(false, |path| {
        let store =
            pos_core::db::Store::open(path, std::sync::Arc::new(pos_core::clock::SystemClock))
                .unwrap();
        pos_core::demo::seed(&store).unwrap();
        tx.send(store).unwrap();
    });
    let store = rx.recv().unwrap();
    connect_store(&db, &hq.url, &store, "SH001").await;
    // Synced after tonight's scheduled time already, as far as the till knows: the app must not
    // sync by itself at start-up (it would catch up a missed night), so the badge has work.
    store
        .write(|tx| {
            tx.execute(
                "UPDATE sync_state SET last_success_at = ?1, last_attempt_at = ?1",
                [pos_core::clock::stamp(tx.clock.now())],
            )?;
            Ok(())
        })
        .unwrap();
    drop(store);

    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;
    // The demo data the till made is not at headquarters yet: the badge says how much.
    let unsynced: i64 = wait_for(&c, "sync-status")
        .await
        .attr("data-unsynced")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert!(unsynced > 0, "unsynced events are shown");
    let input = wait_for(&c, "scan-input").await;
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, "13700137000").await;
    wait_for(&c, "member-search-empty").await;
    press(&search, Key::Escape).await;
    screenshot(&c, "sync-before.png").await;

    click(&c, "sync-now").await;
    assert_eq!(
        wait_attr(&c, "sync-status", "data-unsynced", "0")
            .await
            .as_deref(),
        Some("0")
    );
    assert_eq!(
        wait_attr(&c, "sync-status", "data-state", "synced")
            .await
            .as_deref(),
        Some("synced")
    );
    wait_for(&c, "sync-done").await;
    screenshot(&c, "sync-after.png").await;
    publish_screenshot("sync-after.png");

    // The member registered at the other store is found here now.
    let input = wait_for(&c, "scan-input").await;
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, "13700137000").await;
    wait_count(&c, "member-result", 1).await;
    let result = wait_for(&c, "member-result").await;
    assert_eq!(
        result.attr("data-name").await.unwrap().as_deref(),
        Some("钟丽")
    );
    press(&search, Key::Enter).await;
    wait_count(&c, "member-search", 0).await;
    assert_member_attached(&c, "钟丽", "137****7000").await;

    // The manager's 总部同步 settings show where the till syncs and how it went; a bad address
    // is refused in place, in Chinese, and nothing is changed.
    click(&c, "logout").await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-settings").await;
    let state = wait_text(&c, "sync-settings-state", "未同步 0 条").await;
    assert!(state.contains("上次同步"), "{state}");
    assert_eq!(
        wait_for(&c, "sync-url")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(hq.url.as_str())
    );
    fill(&c, "sync-url", "hq.example.com").await;
    click(&c, "sync-settings-save").await;
    let error = wait_text(&c, "sync-settings-error", "https://").await;
    assert!(error.contains("总部地址须以 https:// 开头"), "{error}");
    wait_for(&c, "sync-settings").await.click().await.unwrap();
    screenshot(&c, "sync-settings.png").await;
    publish_screenshot("sync-settings.png");
    let at_hq = pos_hq::views::stores(&**db.pool.get().await.unwrap())
        .await
        .unwrap();
    assert_eq!(at_hq.len(), 2);
    c.close().await.unwrap();
}

#[test]
fn a_lost_till_is_restored_from_headquarters_on_the_first_run_screen() {
    scenario(restore_on_the_first_run_screen);
}

async fn restore_on_the_first_run_screen() {
    let db = pos_hq::testing::TestDb::create().await.unwrap();
    let hq = start_hq(&db).await;
    let scratch = tempfile::tempdir().unwrap();
    // The till that is lost: it registered a member, sold and synced.
    let lost = other_store(&db, &hq.url, scratch.path()).await;
    let id = lost.read(pos_core::db::till_identity).unwrap().store_id.0;
    let token = pos_hq::issue_token(&db.pool, id).await.unwrap();
    let staff = lost.read(pos_core::staff::list).unwrap()[0].id;
    lost.write(|tx| {
        pos_core::member::register(
            tx,
            staff,
            pos_core::member::NewMember {
                phone: "13700137001".into(),
                name: "柳青".into(),
                basic_consent: true,
                ..Default::default()
            },
        )
        .map(|_| ())
    })
    .unwrap();
    let sync = {
        let lost = lost.clone();
        tokio::task::spawn_blocking(move || pos_sync::sync(&lost, |_| {}))
    };
    sync.await.unwrap().unwrap();
    drop(lost);

    // A new computer: an empty store file opens on the first-run screen.
    let driver = start_driver_on(false);
    let c = connect(&driver).await;
    wait_for(&c, "first-run").await;
    click(&c, "restore-open").await;
    fill(&c, "restore-url", &hq.url).await;
    fill(&c, "restore-token", &token).await;
    fill_digits(&c, "restore-staff-no", "3001").await;
    fill_digits(&c, "restore-pin", "8642").await;
    fill_digits(&c, "restore-pin-again", "8642").await;
    screenshot(&c, "restore-form.png").await;
    publish_screenshot("restore-form.png");
    click(&c, "restore-submit").await;
    let done = wait_for(&c, "restore-done").await;
    assert_eq!(done.attr("data-sales").await.unwrap().as_deref(), Some("0"));
    let text = text_of(&c, "restore-done").await;
    assert!(text.contains("会员 1 位"), "{text}");
    screenshot(&c, "restore-done.png").await;
    publish_screenshot("restore-done.png");
    click(&c, "restore-login").await;
    login(&c, "3001", "8642").await;
    // The restored member is found at the rebuilt till.
    let input = wait_for(&c, "scan-input").await;
    press(&input, Key::F2).await;
    let search = wait_for(&c, "member-search-input").await;
    type_digits_then_enter(&search, "13700137001").await;
    wait_count(&c, "member-result", 1).await;
    assert_eq!(
        wait_for(&c, "member-result")
            .await
            .attr("data-name")
            .await
            .unwrap()
            .as_deref(),
        Some("柳青")
    );
    c.close().await.unwrap();
}

/// Polls until the focused element is `[data-testid=testid]` (10 s at most); returns what had
/// the focus last.
async fn wait_focused(c: &Client, testid: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let focused = c
            .active_element()
            .await
            .unwrap()
            .attr("data-testid")
            .await
            .unwrap_or(None);
        if focused.as_deref() == Some(testid) || Instant::now() > deadline {
            return focused;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Scans the basket at the till, pays the exact amount in cash (Enter, Enter) and starts the
/// next sale; returns the amount paid.
async fn sell_for_cash(c: &Client, basket: &[&str]) -> String {
    let input = wait_for(c, "scan-input").await;
    for (n, barcode) in basket.iter().enumerate() {
        scan(&input, barcode).await;
        let items = (n + 1).to_string();
        assert_eq!(
            wait_attr(c, "cart-item-count", "data-count", &items)
                .await
                .as_deref(),
            Some(items.as_str())
        );
    }
    press(&input, Key::Enter).await;
    press(&wait_for(c, "pay-amount").await, Key::Enter).await;
    let paid = attr(c, "sale-done-payable", "data-amount")
        .await
        .unwrap_or_default();
    next_sale(c).await;
    paid
}

#[test]
fn cashier_closes_a_shift_with_a_blind_count_and_the_manager_closes_the_day() {
    scenario(shift_and_day_close);
}

async fn shift_and_day_close() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;

    // 未开班 in the top bar; 开班 offers a float of 500 in a focused field, Enter opens the shift.
    assert_eq!(
        wait_attr(&c, "shift-status", "data-state", "none")
            .await
            .as_deref(),
        Some("none")
    );
    click(&c, "shift-open-button").await;
    assert_eq!(
        wait_focused(&c, "shift-open-float").await.as_deref(),
        Some("shift-open-float")
    );
    let float = wait_for(&c, "shift-open-float").await;
    assert_eq!(float.prop("value").await.unwrap().as_deref(), Some("500"));
    press(&float, Key::Enter).await;
    wait_count(&c, "shift-open-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "shift-status", "data-state", "open")
            .await
            .as_deref(),
        Some("open")
    );
    let status = text_of(&c, "shift-status").await;
    assert!(status.contains("开班"), "{status}");

    // Three sales paid in cash.
    let mut sales_fen = 0;
    for basket in [
        &[GANMAOLING, PARACETAMOL][..],
        &[PARACETAMOL],
        &[GANMAOLING, GANMAOLING],
    ] {
        sales_fen += fen(&sell_for_cash(&c, basket).await);
    }
    assert_eq!(sales_fen, 1930 + 350 + 3160, "list prices, no member");

    // A bank drop of 100 during the shift: F2 取出, amount ⏎ reason ⏎.
    click(&c, "shift-cash-button").await;
    let amount = wait_for(&c, "cash-move-amount").await;
    assert_eq!(
        wait_focused(&c, "cash-move-amount").await.as_deref(),
        Some("cash-move-amount")
    );
    press(&amount, Key::F2).await;
    assert_eq!(
        wait_attr(&c, "cash-move-dialog", "data-direction", "out")
            .await
            .as_deref(),
        Some("out")
    );
    fill_digits(&c, "cash-move-amount", "100").await;
    press(&wait_for(&c, "cash-move-amount").await, Key::Enter).await;
    wait_focused(&c, "cash-move-reason").await;
    type_into_focus(&c, &format!("存银行{}", char::from(Key::Enter))).await;
    let done = wait_text(&c, "cash-move-done", "已取出").await;
    assert!(done.contains("100.00"), "{done}");
    press(&wait_for(&c, "cash-move-amount").await, Key::Escape).await;
    wait_count(&c, "cash-move-dialog", 0).await;

    // 交班: the blind count. 454.30 in the drawer against 500 + sales − 100 expected: 0.10 short.
    let expected = money(50_000 + sales_fen - 10_000);
    click(&c, "shift-close-button").await;
    assert_eq!(
        wait_focused(&c, "count-100").await.as_deref(),
        Some("count-100")
    );
    fill_digits(&c, "count-100", "4").await;
    press(&wait_for(&c, "count-100").await, Key::Enter).await;
    assert_eq!(
        wait_focused(&c, "count-50").await.as_deref(),
        Some("count-50"),
        "Enter moves to the next denomination"
    );
    fill_digits(&c, "count-50", "1").await;
    fill_digits(&c, "count-1", "4").await;
    fill_digits(&c, "count-0.10", "3").await;
    assert_eq!(
        wait_attr(&c, "count-total", "data-amount", "454.30")
            .await
            .as_deref(),
        Some("454.30"),
        "the running total counted"
    );
    let sheet = text_of(&c, "shift-close-dialog").await;
    assert!(
        !sheet.contains(&expected),
        "the expected cash ({expected}) is not shown before the count is in: {sheet}"
    );
    assert_eq!(count(&c, "shift-slip").await, 0);
    screenshot(&c, "shift-count.png").await;
    chord(
        &wait_for(&c, "count-0.10").await,
        Key::Control,
        char::from(Key::Enter),
    )
    .await;

    // The handover slip: now the expected cash, the count and the shortfall, in red.
    wait_for(&c, "shift-slip").await;
    assert_eq!(
        attr(&c, "slip-sales", "data-count").await.as_deref(),
        Some("3")
    );
    assert_eq!(
        attr(&c, "slip-sales", "data-amount").await,
        Some(money(sales_fen))
    );
    assert_eq!(
        attr(&c, "slip-expected", "data-amount").await,
        Some(expected.clone())
    );
    assert_eq!(
        attr(&c, "slip-counted", "data-amount").await.as_deref(),
        Some("454.30")
    );
    assert_eq!(
        attr(&c, "slip-cash-out", "data-amount").await.as_deref(),
        Some("100.00")
    );
    assert_eq!(
        attr(&c, "slip-over-short", "data-amount").await.as_deref(),
        Some("-0.10")
    );
    assert_eq!(
        attr(&c, "slip-over-short", "data-state").await.as_deref(),
        Some("short")
    );
    let verdict = text_of(&c, "slip-over-short").await;
    assert!(verdict.contains("短款 ¥0.10"), "{verdict}");
    screenshot(&c, "shift-slip.png").await;
    publish_screenshot("shift-slip.png");
    press(&wait_for(&c, "slip-done").await, Key::Enter).await;
    wait_count(&c, "slip-dialog", 0).await;
    assert_eq!(
        wait_attr(&c, "shift-status", "data-state", "none")
            .await
            .as_deref(),
        Some("none")
    );

    // The manager's day close: the preview shows the day's sales as the till made them.
    click(&c, "logout").await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-day").await;
    assert_eq!(
        wait_attr(&c, "day-report", "data-state", "preview")
            .await
            .as_deref(),
        Some("preview")
    );
    assert_eq!(
        wait_attr(&c, "day-sales-count", "data-count", "3")
            .await
            .as_deref(),
        Some("3")
    );
    assert_eq!(
        attr(&c, "day-sales-amount", "data-amount").await,
        Some(money(sales_fen))
    );
    assert_eq!(
        attr(&c, "day-cash-counted", "data-amount").await.as_deref(),
        Some("454.30")
    );
    let date = attr(&c, "day-report", "data-date")
        .await
        .unwrap_or_default();

    // A shift still open stops the close, in Chinese; 去交班 counts it (an empty drawer: asked
    // once more), then the day closes as 第 1 号.
    click(&c, "shift-open-button").await;
    fill_digits(&c, "shift-open-float", "0").await;
    press(&wait_for(&c, "shift-open-float").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "shift-status", "data-state", "open")
            .await
            .as_deref(),
        Some("open")
    );
    click(&c, "day-close-button").await;
    let confirm = wait_text(&c, "day-close-confirm-date", &date).await;
    assert!(
        confirm.contains(&date),
        "the confirmation names the date: {confirm}"
    );
    wait_focused(&c, "day-close-confirm-submit").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_attr(&c, "day-error", "data-code", "SHIFT_STILL_OPEN")
            .await
            .as_deref(),
        Some("SHIFT_STILL_OPEN")
    );
    let message = text_of(&c, "day-error").await;
    assert!(message.contains("还没有交班"), "{message}");
    click(&c, "day-to-shift").await;
    let first = wait_for(&c, "count-100").await;
    chord(&first, Key::Control, char::from(Key::Enter)).await;
    wait_for(&c, "count-zero").await;
    chord(
        &wait_for(&c, "count-submit").await,
        Key::Control,
        char::from(Key::Enter),
    )
    .await;
    assert_eq!(
        wait_attr(&c, "slip-over-short", "data-state", "even")
            .await
            .as_deref(),
        Some("even")
    );
    press(&wait_for(&c, "slip-done").await, Key::Enter).await;
    wait_count(&c, "slip-dialog", 0).await;
    wait_count(&c, "day-shift", 2).await;

    click(&c, "day-close-button").await;
    wait_focused(&c, "day-close-confirm-submit").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_attr(&c, "day-report", "data-state", "signed")
            .await
            .as_deref(),
        Some("signed")
    );
    assert_eq!(
        attr(&c, "day-number", "data-number").await.as_deref(),
        Some("1")
    );
    assert_eq!(text_of(&c, "day-number").await, "第 1 号");
    assert_eq!(
        attr(&c, "day-sales-count", "data-count").await.as_deref(),
        Some("3")
    );
    assert_eq!(
        attr(&c, "day-sales-amount", "data-amount").await,
        Some(money(sales_fen))
    );
    let closed_by = text_of(&c, "day-closed-by").await;
    assert!(!closed_by.is_empty(), "the report names who closed the day");
    assert_eq!(
        attr(&c, "day-hash", "data-hash").await.map(|h| h.len()),
        Some(64),
        "the sealed audit hash"
    );
    wait_count(&c, "day-closed-row", 1).await;
    assert_eq!(
        attr(&c, "day-closed-row", "data-date").await,
        Some(date.clone())
    );
    screenshot(&c, "day-close.png").await;
    publish_screenshot("day-close.png");

    // The next business day starts empty; the closed day reopens as signed, for a reprint.
    click(&c, "day-current").await;
    assert_eq!(
        wait_attr(&c, "day-report", "data-state", "preview")
            .await
            .as_deref(),
        Some("preview")
    );
    assert_eq!(
        wait_attr(&c, "day-sales-count", "data-count", "0")
            .await
            .as_deref(),
        Some("0")
    );
    click(&c, "day-closed-row").await;
    assert_eq!(
        wait_attr(&c, "day-report", "data-number", "1")
            .await
            .as_deref(),
        Some("1")
    );

    // 审计日志: the close is the newest entry, and the chain checks out whole.
    click(&c, "tab-audit").await;
    assert_eq!(
        wait_attr(&c, "audit-row", "data-action", "day.close")
            .await
            .as_deref(),
        Some("day.close")
    );
    click(&c, "audit-verify").await;
    assert_eq!(
        wait_attr(&c, "audit-verify-result", "data-state", "ok")
            .await
            .as_deref(),
        Some("ok")
    );
    let verdict = text_of(&c, "audit-verify-result").await;
    assert!(verdict.contains("完整"), "{verdict}");
    screenshot(&c, "audit-log.png").await;
    c.close().await.unwrap();
}

/// Scans the basket, pays the exact amount in cash and stays on the done screen; returns the
/// receipt number.
async fn pay_cash_keep_done(c: &Client, basket: &[&str]) -> String {
    let input = wait_for(c, "scan-input").await;
    for (n, barcode) in basket.iter().enumerate() {
        scan(&input, barcode).await;
        let items = (n + 1).to_string();
        assert_eq!(
            wait_attr(c, "cart-item-count", "data-count", &items)
                .await
                .as_deref(),
            Some(items.as_str())
        );
    }
    press(&input, Key::Enter).await;
    press(&wait_for(c, "pay-amount").await, Key::Enter).await;
    attr(c, "sale-done-receipt", "data-receipt-no")
        .await
        .unwrap_or_default()
}

#[test]
fn the_journal_finds_a_sale_by_its_scanned_receipt_reprints_it_and_starts_its_return() {
    scenario(journal_reprint_and_return);
}

async fn journal_reprint_and_return() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "1001", "1111").await;

    // Two sales; the first one's receipt is printed at the till (the original).
    let receipt_no = pay_cash_keep_done(&c, &[PARACETAMOL, GANMAOLING]).await;
    let original = print_on_done_screen(&c).await;
    assert!(
        original.ends_with(&format!("{receipt_no}.pdf")),
        "{original}"
    );
    next_sale(&c).await;
    sell_for_cash(&c, &[PARACETAMOL]).await;

    // 作废 (Alt+X): the reason is asked first (2 扫错商品), then a fresh sale starts.
    let input = wait_for(&c, "scan-input").await;
    scan(&input, CONTAC).await;
    wait_count(&c, "cart-line", 1).await;
    alt(&input, 'x').await;
    wait_for(&c, "cancel-dialog").await;
    assert_eq!(
        wait_focused(&c, "cancel-choice-1").await.as_deref(),
        Some("cancel-choice-1")
    );
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    let asked = wait_attr(&c, "cancel-error", "data-code", "REASON_REQUIRED").await;
    assert_eq!(
        asked.as_deref(),
        Some("REASON_REQUIRED"),
        "no reason: asked"
    );
    screenshot(&c, "cancel.png").await;
    type_into_focus(&c, &format!("2{}", char::from(Key::Enter))).await;
    wait_count(&c, "cancel-dialog", 0).await;
    wait_for(&c, "cart-empty").await;
    let notice = text_of(&c, "scan-notice").await;
    assert!(notice.contains("作废"), "{notice}");

    // 销售流水 (Ctrl+4 for a cashier): today's business day, newest first, focus in the filters.
    chord(&wait_for(&c, "scan-input").await, Key::Control, '4').await;
    wait_for(&c, "journal").await;
    assert_eq!(
        wait_focused(&c, "journal-from").await.as_deref(),
        Some("journal-from")
    );
    assert_eq!(
        wait_attr(&c, "journal-table", "data-count", "3")
            .await
            .as_deref(),
        Some("3")
    );
    assert_eq!(
        attr(&c, "journal-row", "data-kind").await.as_deref(),
        Some("cancelled"),
        "the cancelled sale is the newest row"
    );
    let why = text_of(&c, "journal-row-reason").await;
    assert!(why.contains("扫错商品"), "{why}");
    let today = wait_for(&c, "journal-from")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(today.len(), 10, "today's business date: {today:?}");
    assert!(
        receipt_no.starts_with(&today.replace('-', "")),
        "{today} {receipt_no}"
    );

    // The receipt scanned into the receipt field (on a busy machine WebDriver's keys can come
    // too slowly for a scan; typed there they find it all the same): that sale alone, whatever
    // the dates, opened with its lines.
    scan(&wait_for(&c, "journal-receipt").await, &receipt_no).await;
    assert_eq!(
        wait_attr(&c, "journal-detail", "data-receipt-no", &receipt_no)
            .await
            .as_deref(),
        Some(receipt_no.as_str())
    );
    wait_count(&c, "journal-row", 1).await;
    wait_count(&c, "journal-detail-line", 2).await;
    assert_eq!(
        wait_for(&c, "journal-receipt")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(receipt_no.as_str())
    );

    // F9 reprints: the core marks the copy 重印 and saves it beside the original.
    press(&wait_for(&c, "journal-receipt").await, Key::F9).await;
    assert_eq!(
        wait_attr(&c, "journal-print-result", "data-reprint", "true")
            .await
            .as_deref(),
        Some("true")
    );
    let copy = attr(&c, "journal-print-result", "data-path")
        .await
        .unwrap_or_default();
    assert!(
        copy.ends_with(&format!("{receipt_no}-copy1.pdf")),
        "the reprint is saved as a copy: {copy}"
    );
    assert_receipt_pdf(&copy, &receipt_no);
    let shown = text_of(&c, "journal-print-result").await;
    assert!(shown.contains("重印"), "{shown}");

    // Clearing the receipt lists the day again; the opened sale stays open.
    let keys = format!(
        "{}{}{}",
        char::from(Key::End),
        char::from(Key::Backspace)
            .to_string()
            .repeat(receipt_no.len()),
        char::from(Key::Enter)
    );
    wait_for(&c, "journal-receipt")
        .await
        .send_keys(&keys)
        .await
        .unwrap();
    wait_count(&c, "journal-row", 3).await;
    wait_for(&c, "journal-detail").await;
    screenshot(&c, "journal.png").await;
    publish_screenshot("journal.png");

    // F10 starts its return on the 退货 screen, the sale already found.
    press(&wait_for(&c, "journal-receipt").await, Key::F10).await;
    assert_eq!(
        wait_attr(&c, "return-sale", "data-receipt-no", &receipt_no)
            .await
            .as_deref(),
        Some(receipt_no.as_str())
    );
    assert_eq!(
        wait_attr(&c, "tab-returns", "aria-current", "page")
            .await
            .as_deref(),
        Some("page")
    );
    c.close().await.unwrap();
}

/// The element matching a CSS selector (20 s at most).
async fn wait_css(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

/// Polls `attr` of the element matching `css` until it equals `want` (10 s at most).
async fn wait_css_attr(c: &Client, css: &str, attr: &str, want: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let value = wait_css(c, css).await.attr(attr).await.unwrap_or(None);
        if value.as_deref() == Some(want) || Instant::now() > deadline {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn a_manager_resets_a_pin_changes_roles_and_deactivates_a_leaver_but_not_the_last_manager() {
    scenario(staff_admin);
}

async fn staff_admin() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-staff").await;
    let cashier = "[data-testid='staff-row'][data-staff-no='1001']";

    // 重置 PIN: the new PIN twice, Enter saves.
    wait_css(&c, &format!("{cashier} [data-testid='staff-reset-pin']"))
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(
        wait_focused(&c, "staff-new-pin").await.as_deref(),
        Some("staff-new-pin")
    );
    fill_digits(&c, "staff-new-pin", "2468").await;
    fill_digits(&c, "staff-new-pin-again", "2467").await;
    press(&wait_for(&c, "staff-new-pin-again").await, Key::Enter).await;
    let mismatch = text_of(&c, "staff-dialog-error").await;
    assert!(mismatch.contains("不一致"), "{mismatch}");
    fill_digits(&c, "staff-new-pin", "2468").await;
    fill_digits(&c, "staff-new-pin-again", "2468").await;
    press(&wait_for(&c, "staff-new-pin-again").await, Key::Enter).await;
    wait_count(&c, "staff-dialog", 0).await;
    let done = text_of(&c, "staff-changed").await;
    assert!(done.contains("重置 PIN"), "{done}");

    // 岗位: the cashier also becomes a pharmacist.
    wait_css(&c, &format!("{cashier} [data-testid='staff-edit-roles']"))
        .await
        .click()
        .await
        .unwrap();
    click(&c, "staff-edit-role-pharmacist").await;
    click(&c, "staff-dialog-save").await;
    assert_eq!(
        wait_css_attr(&c, cashier, "data-roles", "cashier,pharmacist")
            .await
            .as_deref(),
        Some("cashier,pharmacist")
    );

    // The manager cannot deactivate themselves: the core's words, in Chinese.
    wait_css(
        &c,
        "[data-testid='staff-row'][data-staff-no='3001'] [data-testid='staff-toggle-active']",
    )
    .await
    .click()
    .await
    .unwrap();
    wait_focused(&c, "staff-dialog-save").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_attr(&c, "staff-dialog-error", "data-code", "LAST_MANAGER")
            .await
            .as_deref(),
        Some("LAST_MANAGER")
    );
    let refused = text_of(&c, "staff-dialog-error").await;
    assert!(
        refused
            .chars()
            .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
        "{refused}"
    );
    screenshot(&c, "staff-last-manager.png").await;
    press(&wait_for(&c, "staff-dialog-save").await, Key::Escape).await;
    wait_count(&c, "staff-dialog", 0).await;

    // 停用 the cashier: they can no longer log in, with the new PIN or any other.
    wait_css(
        &c,
        &format!("{cashier} [data-testid='staff-toggle-active']"),
    )
    .await
    .click()
    .await
    .unwrap();
    wait_focused(&c, "staff-dialog-save").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_css_attr(&c, cashier, "data-active", "false")
            .await
            .as_deref(),
        Some("false")
    );
    click(&c, "logout").await;
    login(&c, "1001", "2468").await;
    assert_eq!(
        wait_attr(&c, "login-error", "data-code", "ACCOUNT_INACTIVE")
            .await
            .as_deref(),
        Some("ACCOUNT_INACTIVE")
    );
    c.close().await.unwrap();
}

#[test]
fn a_manager_sets_backups_backs_up_now_and_restores_after_a_confirmation_naming_the_time() {
    scenario(backup_and_restore);
}

async fn backup_and_restore() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-backup").await;
    assert_eq!(
        wait_focused(&c, "backup-folder-input").await.as_deref(),
        Some("backup-folder-input")
    );
    // Keep 5, daily at 23:30: Enter saves.
    fill_digits(&c, "backup-keep", "5").await;
    fill(&c, "backup-daily-at", "23:30").await;
    press(&wait_for(&c, "backup-daily-at").await, Key::Enter).await;
    wait_for(&c, "backup-settings-saved").await;

    // 立即备份: the new backup is listed first.
    click(&c, "backup-now").await;
    let file = attr(&c, "backup-done", "data-file")
        .await
        .unwrap_or_default();
    assert!(file.ends_with(".sqlite"), "{file}");
    // Listed first (a backup taken in the same second as the one at start-up replaces it).
    assert_eq!(
        wait_attr(&c, "backup-row", "data-path", &file)
            .await
            .as_deref(),
        Some(file.as_str())
    );
    screenshot(&c, "backup.png").await;
    publish_screenshot("backup.png");

    // 恢复: the confirmation names the backup's time; Esc cancels, Enter restores.
    let taken_at = attr(&c, "backup-row", "data-taken-at")
        .await
        .unwrap_or_default();
    wait_css(
        &c,
        "[data-testid='backup-row']:first-child [data-testid='backup-restore']",
    )
    .await
    .click()
    .await
    .unwrap();
    let confirm = wait_text(&c, "backup-confirm-time", &taken_at).await;
    assert!(confirm.contains(&taken_at), "{confirm} names {taken_at}");
    assert_eq!(
        wait_focused(&c, "backup-confirm-submit").await.as_deref(),
        Some("backup-confirm-submit")
    );
    type_into_focus(&c, &char::from(Key::Escape).to_string()).await;
    wait_count(&c, "backup-confirm", 0).await;
    assert_eq!(count(&c, "backup-restored").await, 0, "nothing restored");
    wait_css(
        &c,
        "[data-testid='backup-row']:first-child [data-testid='backup-restore']",
    )
    .await
    .click()
    .await
    .unwrap();
    wait_focused(&c, "backup-confirm-submit").await;
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    assert_eq!(
        wait_attr(&c, "backup-restored", "data-from", &file)
            .await
            .as_deref(),
        Some(file.as_str())
    );
    assert_eq!(count(&c, "damaged-banner").await, 0);
    c.close().await.unwrap();
}

#[test]
fn a_manager_previews_new_business_rules_before_saving_them() {
    scenario(rules_preview_then_save);
}

async fn rules_preview_then_save() {
    let driver = start_driver();
    let c = connect(&driver).await;
    login(&c, "3001", "3333").await;
    click(&c, "tab-rules").await;
    assert_eq!(
        wait_focused(&c, "rules-normal-threshold").await.as_deref(),
        Some("rules-normal-threshold")
    );
    assert!(
        attr(&c, "rules-save", "disabled").await.is_some(),
        "nothing to save before a preview"
    );

    // 金卡 at 9 折, member days on the 8th, 18th and 28th: Enter previews.
    fill(&c, "rules-gold-rate", "0.9").await;
    fill(&c, "rules-member-days", "8, 18, 28").await;
    press(&wait_for(&c, "rules-member-days").await, Key::Enter).await;
    assert_eq!(
        wait_attr(&c, "rules-preview", "data-state", "current")
            .await
            .as_deref(),
        Some("current")
    );
    let changes = text_of(&c, "rules-changes").await;
    assert!(changes.contains("金卡"), "{changes}");
    wait_count(&c, "rules-tier-count", 4).await;
    assert!(count(&c, "rules-example").await > 0, "example baskets");
    let days = text_of(&c, "rules-next-days").await;
    assert!(
        ["-08", "-18", "-28"].iter().any(|d| days.contains(d)),
        "{days}"
    );
    screenshot(&c, "rules-preview.png").await;
    publish_screenshot("rules-preview.png");

    // An edit after the preview: it must be previewed again before it can be saved.
    fill(&c, "rules-member-day-rate", "0.85").await;
    assert_eq!(
        wait_attr(&c, "rules-preview", "data-state", "stale")
            .await
            .as_deref(),
        Some("stale")
    );
    assert!(attr(&c, "rules-save", "disabled").await.is_some());
    press(&wait_for(&c, "rules-member-day-rate").await, Key::Enter).await;
    assert_eq!(
        wait_focused(&c, "rules-save").await.as_deref(),
        Some("rules-save")
    );
    assert_eq!(
        attr(&c, "rules-preview", "data-state").await.as_deref(),
        Some("current")
    );
    type_into_focus(&c, &char::from(Key::Enter).to_string()).await;
    wait_for(&c, "rules-saved").await;
    assert_eq!(
        wait_for(&c, "rules-gold-rate")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("0.9"),
        "the saved rules are shown"
    );
    c.close().await.unwrap();
}

/// A demo store file whose `sale` table root page is overwritten with garbage, as a failing disk
/// might leave it.
fn damaged_demo_store(path: &std::path::Path) {
    let store =
        pos_core::db::Store::open(path, std::sync::Arc::new(pos_core::clock::SystemClock)).unwrap();
    pos_core::demo::seed(&store).unwrap();
    let (root, page_size) = store
        .read(|c| {
            c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
            let root: i64 = c.query_row(
                "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'sale'",
                [],
                |r| r.get(0),
            )?;
            let page_size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0))?;
            Ok((root, page_size))
        })
        .unwrap();
    drop(store);
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(((root - 1) * page_size) as u64))
        .unwrap();
    f.write_all(&vec![0x5a; page_size as usize]).unwrap();
    f.sync_all().unwrap();
}

#[test]
fn a_damaged_store_file_stops_selling_with_a_red_banner() {
    scenario(damaged_store_banner);
}

async fn damaged_store_banner() {
    let driver = start_driver_with(false, damaged_demo_store);
    let c = connect(&driver).await;
    // The check at start-up runs in the background: a login after it is refused (a login
    // records itself, and a damaged file takes no writes); a login before it gets the check's
    // answer on the shell (store_check) and finds every screen greyed out.
    login(&c, "1001", "1111").await;
    let banner = text_of(&c, "damaged-banner").await;
    assert!(banner.contains("数据文件已损坏，已停止收银"), "{banner}");
    let message = text_of(&c, "damaged-message").await;
    assert!(message.contains("恢复"), "{message}");
    assert_eq!(
        count(&c, "damaged-restore").await,
        0,
        "a cashier cannot restore"
    );
    if count(&c, "login-error").await > 0 {
        assert_eq!(
            attr(&c, "login-error", "data-code").await.as_deref(),
            Some("STORE_DAMAGED")
        );
    } else {
        assert_eq!(
            wait_css_attr(&c, "main.content", "data-blocked", "true")
                .await
                .as_deref(),
            Some("true")
        );
    }
    screenshot(&c, "damaged.png").await;
    c.close().await.unwrap();
}
