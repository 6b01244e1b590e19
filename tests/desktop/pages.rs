//! The pages' helpers shared by every journey: starting tauri-driver and the app on a store
//! file of its own, the WebDriver session, waiting for an element, an attribute, a count or the
//! focus (never for a time), typing as a person and as a scanner, screenshots, receipt PDFs.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use fantoccini::key::Key;
pub use fantoccini::{Client, ClientBuilder, Locator};

pub const AMOXICILLIN: &str = "6907462053312"; // 阿莫西林胶囊 12.80, Rx, 青霉素类
pub const PARACETAMOL: &str = "6914624021096"; // 对乙酰氨基酚片 3.50
pub const GANMAOLING: &str = "6939668066407"; // 感冒灵颗粒 15.80
pub const CONTAC: &str = "6906988033655"; // 新康泰克 19.80, contains pseudoephedrine
pub const MEMBER_PHONE: &str = "13912345678";
pub const MEMBER_PHONE_MASKED: &str = "139****5678";
pub const MEMBER_NAME: &str = "张伟";

/// tauri-driver plus the app it launches; stopped with SIGTERM so WebKitWebDriver goes too.
pub struct Driver {
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

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn tauri_driver() -> PathBuf {
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

pub fn start_driver() -> Driver {
    start_driver_on(true)
}

/// `seed_demo`: fill the new store file with the demo pharmacy; otherwise it starts empty.
pub fn start_driver_on(seed_demo: bool) -> Driver {
    start_driver_with(seed_demo, |_| {})
}

/// `start_driver_on`, after `prepare` has had the store file (path) to itself.
pub fn start_driver_with(seed_demo: bool, prepare: impl FnOnce(&std::path::Path)) -> Driver {
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
        // WebKit's GL compositing stays on for WebDriver, as before the shell turned it off on
        // machines without a GPU: without it, WebKitWebDriver's screenshot of the member profile
        // hung (checkout's purchases tab, twice in two whole-suite runs under Xvfb, never when run
        // alone). The shipping default (off without a GPU) is driven by scripts/measure-desktop.sh.
        .env("PHARMAPOS_GPU_COMPOSITING", "1")
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
pub fn scenario<F: std::future::Future<Output = ()>>(f: impl FnOnce() -> F) {
    let _turn = ONE_APP_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f());
}

pub async fn connect(driver: &Driver) -> Client {
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

pub async fn try_connect(driver: &Driver) -> Result<Client, String> {
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

pub async fn wait_for(c: &Client, testid: &str) -> fantoccini::elements::Element {
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
            print_scan_trail(c).await;
            panic!("[data-testid='{testid}'] never appeared (see screenshots/{shot}): {e}")
        }
    }
}

pub async fn count(c: &Client, testid: &str) -> usize {
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

pub async fn wait_count(c: &Client, testid: &str, want: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let n = count(c, testid).await;
        if n == want {
            return;
        }
        if Instant::now() >= deadline {
            let shot = format!("failed-count-{testid}.png");
            screenshot(c, &shot).await;
            print_scan_trail(c).await;
            panic!("{testid}: {n} elements, wanted {want} (see screenshots/{shot})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Prints what the app's scanner saw and did last (lib/scans.ts): where a lost scan went.
pub async fn print_scan_trail(c: &Client) {
    let trail = c
        .execute(
            "return window.pharmaposScanTrail ? window.pharmaposScanTrail() : ['no scanner'];",
            vec![],
        )
        .await;
    match trail {
        Ok(serde_json::Value::Array(entries)) => {
            eprintln!("the scanner's trail, oldest first:");
            for entry in entries {
                eprintln!("  {}", entry.as_str().unwrap_or_default());
            }
        }
        other => eprintln!("the scanner's trail could not be read: {other:?}"),
    }
}

pub async fn screenshot(c: &Client, name: &str) {
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
pub async fn fill(c: &Client, testid: &str, text: &str) {
    let field = wait_for(c, testid).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// `fill` for digits (staff numbers, PINs, amounts, ID numbers): typed at WebDriver speed they
/// look like a scanner burst that would carry on into the next field, so `End` ends the burst
/// the way any non-digit key does, and the digits land in this field.
pub async fn fill_digits(c: &Client, testid: &str, digits: &str) {
    let field = wait_for(c, testid).await;
    field.clear().await.unwrap();
    field
        .send_keys(&format!("{digits}{}", char::from(Key::End)))
        .await
        .unwrap();
}

pub async fn click(c: &Client, testid: &str) {
    wait_for(c, testid).await.click().await.unwrap();
}

pub async fn login(c: &Client, staff_no: &str, pin: &str) {
    fill(c, "login-staff-no", staff_no).await;
    fill(c, "login-pin", pin).await;
    click(c, "login-submit").await;
}

/// What a keyboard-wedge scanner does: the digits and Enter in one burst, no pauses.
pub async fn scan(input: &fantoccini::elements::Element, barcode: &str) {
    input
        .send_keys(&format!("{barcode}\u{E007}"))
        .await
        .unwrap();
}

/// Polls `attr` of the element until it equals `want` (10 s at most); returns the last value.
pub async fn wait_attr(c: &Client, testid: &str, attr: &str, want: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // The element may be replaced while we look (a re-render): look again.
        let value = wait_for(c, testid).await.attr(attr).await.unwrap_or(None);
        if value.as_deref() == Some(want) {
            return value;
        }
        if Instant::now() > deadline {
            eprintln!("{testid} {attr} is {value:?}, wanted {want:?}");
            print_scan_trail(c).await;
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses one key in the element (it takes the focus first), e.g. `press(&input, Key::F2)`.
pub async fn press(element: &fantoccini::elements::Element, key: Key) {
    element
        .send_keys(&char::from(key).to_string())
        .await
        .unwrap();
}

/// Types digits as a person would, then Enter. Typed at WebDriver speed the digits look like a
/// scanner burst; the `End` key in between ends the burst the way any non-digit key does, so
/// the wedge detector gives the digits to the field and Enter is a plain Enter.
pub async fn type_digits_then_enter(element: &fantoccini::elements::Element, digits: &str) {
    let keys = format!("{digits}{}{}", char::from(Key::End), char::from(Key::Enter));
    element.send_keys(&keys).await.unwrap();
}

/// The element's `textContent`, trimmed ("" if it was replaced while we looked).
pub async fn text_of(c: &Client, testid: &str) -> String {
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
pub async fn wait_text(c: &Client, testid: &str, want: &str) -> String {
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
pub async fn assert_member_attached(c: &Client, name: &str, phone_masked: &str) {
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
pub async fn register_in_form(c: &Client, phone: Option<&str>, name: &str) {
    wait_for(c, "member-register").await;
    if let Some(phone) = phone {
        fill(c, "member-reg-phone", phone).await;
    }
    fill(c, "member-reg-name", name).await;
    click(c, "member-reg-consent").await;
}

/// The element's attribute `name` (None if the element has none).
pub async fn attr(c: &Client, testid: &str, name: &str) -> Option<String> {
    wait_for(c, testid).await.attr(name).await.unwrap_or(None)
}

/// Alt + a letter in the element, e.g. `alt(&input, 'c')` for Alt+C.
pub async fn alt(element: &fantoccini::elements::Element, letter: char) {
    chord(element, Key::Alt, letter).await;
}

/// `modifier` held while `key` is typed in the element, e.g. Ctrl+2.
pub async fn chord(element: &fantoccini::elements::Element, modifier: Key, key: char) {
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
pub async fn type_into_focus(c: &Client, keys: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

pub fn fen(amount: &str) -> i64 {
    let (yuan, cents) = amount.split_once('.').unwrap_or((amount, "0"));
    yuan.parse::<i64>().unwrap() * 100 + format!("{cents:0<2}").parse::<i64>().unwrap()
}

pub fn money(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// The receipt was saved as a PDF (a real one) whose text carries the receipt number.
pub fn assert_receipt_pdf(path: &str, receipt_no: &str) {
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
pub fn publish_screenshot(name: &str) {
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

/// On the done screen: the receipt the till printed by itself after payment (自动打印, on by
/// default; no printer at this till: the PDF is saved); returns the path. Nobody presses F9:
/// F9 after it is a reprint.
pub async fn print_on_done_screen(c: &Client) -> String {
    assert_eq!(
        wait_attr(c, "sale-done-print-result", "data-reprint", "false")
            .await
            .as_deref(),
        Some("false"),
        "the receipt printed by itself is the original"
    );
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
pub async fn next_sale(c: &Client) {
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

/// Polls until the focused element is `[data-testid=testid]` (10 s at most); returns what had
/// the focus last.
pub async fn wait_focused(c: &Client, testid: &str) -> Option<String> {
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

/// Scans the basket at the till and pays the exact amount in cash (Enter, Enter): the done
/// screen is up.
async fn scan_and_pay_cash(c: &Client, basket: &[&str]) {
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
}

/// F9 from the scan box, then F5: the payment dialog with 医保 as the tender being entered.
pub async fn pay_by_insurance(c: &Client, input: &fantoccini::elements::Element) {
    press(input, Key::F9).await;
    press(&wait_for(c, "pay-amount").await, Key::F5).await;
    assert_eq!(
        wait_attr(c, "pay-amount", "data-kind", "insurance")
            .await
            .as_deref(),
        Some("insurance")
    );
}

/// Sells the basket for cash and starts the next sale; returns the amount paid.
pub async fn sell_for_cash(c: &Client, basket: &[&str]) -> String {
    scan_and_pay_cash(c, basket).await;
    let paid = attr(c, "sale-done-payable", "data-amount")
        .await
        .unwrap_or_default();
    next_sale(c).await;
    paid
}

/// Sells the basket for cash and stays on the done screen; returns the receipt number.
pub async fn pay_cash_keep_done(c: &Client, basket: &[&str]) -> String {
    scan_and_pay_cash(c, basket).await;
    attr(c, "sale-done-receipt", "data-receipt-no")
        .await
        .unwrap_or_default()
}

pub async fn wait_css(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

/// Polls `attr` of the element matching `css` until it equals `want` (10 s at most).
pub async fn wait_css_attr(c: &Client, css: &str, attr: &str, want: &str) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let value = wait_css(c, css).await.attr(attr).await.unwrap_or(None);
        if value.as_deref() == Some(want) {
            return value;
        }
        if Instant::now() > deadline {
            eprintln!("{css} {attr} is {value:?}, wanted {want:?}");
            print_scan_trail(c).await;
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A demo store file seeded through the core on `clock` (a fixed clock lets a journey make its
/// sales days ago), with a pharmacist who only does pharmacists' work (2002 / PIN 2020, 赵敏)
/// added by the manager. The API is left logged in as the cashier 1001.
pub fn demo_store_with_pharmacist(
    path: &std::path::Path,
    clock: std::sync::Arc<dyn pos_core::clock::Clock>,
) -> pos_core::api::Api {
    let store = pos_core::db::Store::open(path, clock).unwrap();
    assert!(pos_core::demo::seed(&store).unwrap());
    let api = pos_core::api::Api::new(store);
    api_login(&api, "3001", "3333");
    api.call(pos_core::api::StaffCreate {
        staff_no: "2002".into(),
        name: "赵敏".into(),
        roles: vec![pos_core::staff::Role::Pharmacist],
        pin: "2020".into(),
    })
    .unwrap();
    api_login(&api, "1001", "1111");
    api
}

/// Logs `api` in as staff number `no`.
pub fn api_login(api: &pos_core::api::Api, no: &str, pin: &str) {
    api.call(pos_core::api::Login {
        staff_no: no.into(),
        pin: pin.into(),
    })
    .unwrap();
}

/// Pays what `cart` has due in cash, through the API.
pub fn api_pay_cash(api: &pos_core::api::Api, cart: &pos_core::cart::Cart) -> pos_core::sale::Sale {
    api.call(pos_core::api::SalePay {
        cart_id: cart.id,
        tenders: vec![pos_core::pricing::Tender {
            kind: pos_core::pricing::TenderKind::Cash,
            amount: cart.pricing.payable,
            settlement_no: None,
            reference: None,
        }],
    })
    .unwrap()
}
