//! End-to-end tests of the real desktop app: tauri-driver + WebKitWebDriver drive the built
//! `pharmapos-desktop` binary under Xvfb (scripts/test.sh runs `cargo test` inside `xvfb-run`).
//! Each test starts its own app on its own demo store file and its own driver ports.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};

const AMOXICILLIN: &str = "6907462053312"; // 阿莫西林胶囊 12.80
const PARACETAMOL: &str = "6914624021096"; // 对乙酰氨基酚片 3.50
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
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the end-to-end tests through scripts/test.sh (it uses xvfb-run)"
    );
    let dir = tempfile::tempdir().unwrap();
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
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!("[data-testid='{testid}']")))
        .await
        .unwrap_or_else(|e| panic!("[data-testid='{testid}'] never appeared: {e}"))
}

async fn count(c: &Client, testid: &str) -> usize {
    c.find_all(Locator::Css(&format!("[data-testid='{testid}']")))
        .await
        .unwrap()
        .len()
}

async fn wait_count(c: &Client, testid: &str, want: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = count(c, testid).await;
        if n == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{testid}: {n} elements, wanted {want}"
        );
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
    // The choice is remembered across app starts: put Chinese back for the other scenarios.
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
    fill(&c, "points-adjust-points", "200").await;
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
