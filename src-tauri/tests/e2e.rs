//! End-to-end tests of the real desktop app: tauri-driver + WebKitWebDriver drive the built
//! `pharmapos-desktop` binary under Xvfb (scripts/test.sh runs `cargo test` inside `xvfb-run`).
//! Each test starts its own app on its own demo store file and its own driver ports.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

const AMOXICILLIN: &str = "6907462053312"; // 阿莫西林胶囊 12.80
const PARACETAMOL: &str = "6914624021096"; // 对乙酰氨基酚片 3.50

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
        let value = wait_for(c, testid).await.attr(attr).await.unwrap();
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
